"""A small keyed registry that apps fill from AppConfig.ready()."""

from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class AlreadyRegistered(Exception):
    pass


class Registry(Generic[T]):
    """Ordered mapping of key -> item; registering a key twice is an error."""

    def __init__(self, name: str):
        self.name = name
        self._items: dict[str, T] = {}

    def register(self, key: str, item: T) -> T:
        if key in self._items:
            raise AlreadyRegistered(f"{self.name}: {key!r} is already registered")
        self._items[key] = item
        return item

    def unregister(self, key: str) -> None:
        self._items.pop(key, None)

    def get(self, key: str) -> T:
        return self._items[key]

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[T]:
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def keys(self) -> list[str]:
        return list(self._items)

    def items(self) -> list[tuple[str, T]]:
        return list(self._items.items())
