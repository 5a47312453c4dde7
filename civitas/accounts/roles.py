"""Role lookups, cached per user object so a page asks the database once."""

from django.contrib.contenttypes.models import ContentType

from .models import Role, RoleAssignment


def role_set(user) -> frozenset[tuple[str, int | None, int | None]]:
    """All (role, scope_type_id, scope_id) the user holds; cached on the user instance."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_civitas_role_set", None)
    if cached is None:
        cached = frozenset(
            RoleAssignment.objects.filter(user_id=user.pk).values_list(
                "role", "scope_type_id", "scope_id"
            )
        )
        user._civitas_role_set = cached
    return cached


def forget_roles(user) -> None:
    """Drop the cached role set after roles changed."""
    if hasattr(user, "_civitas_role_set"):
        del user._civitas_role_set


def holds_role(user, role: Role | str, scope=None, *, any_scope: bool = False) -> bool:
    """True if the user holds `role` site-wide, or for `scope`, or (any_scope) for any object."""
    roles = role_set(user)
    role = Role(role).value
    if (role, None, None) in roles:
        return True
    if any_scope:
        return any(r == role for r, _t, _i in roles)
    if scope is None:
        return False
    scope_type = ContentType.objects.get_for_model(scope, for_concrete_model=False)
    return (role, scope_type.pk, scope.pk) in roles


def scope_ids(user, role: Role | str, model) -> set[int]:
    """Ids of the objects of `model` for which the user holds `role`."""
    scope_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    role = Role(role).value
    return {i for r, t, i in role_set(user) if r == role and t == scope_type.pk}
