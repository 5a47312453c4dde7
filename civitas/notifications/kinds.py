"""Notification kinds, registered by apps; people choose per kind how they hear about it."""

from dataclasses import dataclass

from civitas.core.registry import Registry


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: str
    email_by_default: bool = True
    in_app_by_default: bool = True
    mandatory: bool = False  # e.g. "your content was hidden": always delivered in-app


notification_kinds: Registry[NotificationKind] = Registry("notification kinds")


def register_kind(kind: NotificationKind) -> NotificationKind:
    return notification_kinds.register(kind.key, kind)
