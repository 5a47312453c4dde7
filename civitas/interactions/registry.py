"""Which contribution models opt into which interactions, and which phase action each needs."""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps

from civitas.core.registry import Registry


@dataclass(frozen=True)
class InteractionOptions:
    """What a model allows: comments, supports, flags, follows; `*_action` names the phase action
    that must be open (None: allowed in any phase while the process is public); `is_open`,
    when given, is asked ``is_open(obj, "comment" | "support" | "follow")`` to close one object
    early (comments locked by a moderator, an idea withdrawn or merged into another);
    `comment_moderated`, when given, is called with a comment on such an object right after a
    moderator hid it or showed it again, inside that transaction (the change is a bulk update,
    which sends no signal), so the app can keep what it derives from visible comments in the
    same transaction."""

    comments: bool = True
    supports: bool = True
    flags: bool = True
    follows: bool = True
    comment_action: str | None = "comment"
    support_action: str | None = "support"
    is_open: Callable[[object, str], bool] | None = None
    comment_moderated: Callable[[object], None] | None = None


interactables: Registry[InteractionOptions] = Registry("interactable models")


def register(model, **options) -> None:
    """Opt `model` into interactions, e.g. ``register(Idea, support_action="support")``."""
    interactables.register(model._meta.label_lower, InteractionOptions(**options))


def options_for(model_or_obj) -> InteractionOptions | None:
    label = model_or_obj._meta.label_lower
    return interactables.get(label) if label in interactables else None


def model_for(label: str):
    """The registered model for "app_label.model", or None."""
    if label not in interactables:
        return None
    return apps.get_model(label)
