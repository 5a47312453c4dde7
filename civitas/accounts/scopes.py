"""Which objects a role can be held for: apps register their models from AppConfig.ready().

The kernel never imports the apps that own events or departments; instead the events app
registers its Event model for facilitators, feedback_loop its Department for department
members, and the kernel registers Wagtail pages for moderators of one process::

    role_scopes.register(Event, roles=[Role.FACILITATOR])
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models

from civitas.core.registry import Registry

from .models import Role


@dataclass(frozen=True)
class RoleScope:
    """A model whose objects can scope the given roles; `resolve` finds one by primary key."""

    model: type[models.Model]
    roles: frozenset[str]
    resolve: Callable[[int], models.Model | None]

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name)


def _default_resolver(model) -> Callable[[int], models.Model | None]:
    def resolve(pk: int):
        return model._default_manager.filter(pk=pk).first()

    return resolve


class RoleScopeRegistry(Registry[RoleScope]):
    def register_model(
        self,
        model: type[models.Model],
        *,
        roles: Iterable[Role | str],
        resolve: Callable[[int], models.Model | None] | None = None,
    ) -> RoleScope:
        """Allow `roles` to be held for objects of `model`; `resolve(pk)` may narrow which."""
        scope = RoleScope(
            model=model,
            roles=frozenset(Role(r).value for r in roles),
            resolve=resolve or _default_resolver(model),
        )
        return self.register(model._meta.label_lower, scope)

    def for_model(self, model) -> RoleScope | None:
        key = model._meta.label_lower
        return self.get(key) if key in self else None

    def for_role(self, role: Role | str) -> list[RoleScope]:
        role = Role(role).value
        return [scope for scope in self if role in scope.roles]

    def content_types(self):
        """Content types of the registered models, for choosing a scope in forms."""
        cts = ContentType.objects.get_for_models(
            *(s.model for s in self), for_concrete_models=False
        )
        return ContentType.objects.filter(pk__in=[ct.pk for ct in cts.values()])


role_scopes = RoleScopeRegistry("role scopes")


def resolve_process_page(pk: int):
    """A live or draft process page (specific), or None for other pages."""
    from wagtail.models import Page

    from civitas.participation.models import ProcessPage

    page = Page.objects.filter(pk=pk).first()
    if page is None:
        return None
    page = page.specific
    return page if isinstance(page, ProcessPage) else None
