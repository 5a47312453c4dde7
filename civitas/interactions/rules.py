"""Who may comment, support, follow, flag and moderate, in layers: role x context x phase x target.

Each permission is a list of layers, each with the reason shown when it says no, so the panel
explains exactly the rule the services enforce. Ask with ``can(perm, user, obj)`` rather than
``user.has_perm``: superusers pass every ``has_perm`` check, but phases bind administrators too.
"""

import functools
import operator
from dataclasses import dataclass

import rules
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from civitas.participation.predicates import (
    has_accepted_current_terms,
    is_administrator,
    is_author,
    is_moderator_here,
    is_verified,
    process_is_public,
)

from .models import Comment
from .registry import options_for
from .targets import process_of, registered_target


@dataclass(frozen=True)
class Denial:
    """Why an action is unavailable: `code` is sign_in, verify, terms, not_public, unavailable,
    hidden or closed; `message` is for people."""

    code: str
    message: str


@rules.predicate
def is_signed_in(user) -> bool:
    return user.is_authenticated


def offers(feature: str):
    """Predicate factory: the object's model opted into `feature` ("comments", "supports"...)."""

    @rules.predicate(name=f"offers_{feature}")
    def predicate(user, obj) -> bool:
        options = options_for(registered_target(obj))
        return options is not None and getattr(options, feature)

    return predicate


def phase_allows_registered(action_option: str):
    """Predicate factory: the open phase allows the action the model registered for this
    interaction (``comment_action`` or ``support_action``; None means any phase)."""

    @rules.predicate(name=f"phase_allows_{action_option}")
    def predicate(user, obj) -> bool:
        target = registered_target(obj)
        action = getattr(options_for(target), action_option)
        if action is None:
            return True
        process = process_of(target)
        return process is not None and process.allows(action, at=timezone.now())

    return predicate


def object_is_open(interaction: str):
    """Predicate factory: the model's ``is_open`` hook (if it registered one) leaves this
    object open to `interaction` ("comment", "support" or "follow")."""

    @rules.predicate(name=f"object_open_for_{interaction}")
    def predicate(user, obj) -> bool:
        target = registered_target(obj)
        is_open = getattr(options_for(target), "is_open", None)
        return is_open is None or bool(is_open(target, interaction))

    return predicate


@rules.predicate
def process_is_open_to_public(user, obj) -> bool:
    """``process_is_public``, asked once per process object (a panel asks four permissions)."""
    process = process_of(obj)
    if process is None:
        return False
    cached = getattr(process, "_civitas_public", None)
    if cached is None:
        cached = process_is_public.test(user, process)
        process._civitas_public = cached
    return cached


@rules.predicate
def is_available(user, obj) -> bool:
    """Neither hidden nor deleted; a comment's target must be visible too."""
    if obj is None or getattr(obj, "hidden_at", None) or getattr(obj, "deleted_at", None):
        return False
    if isinstance(obj, Comment):
        target = obj.target
        return target is not None and getattr(target, "hidden_at", None) is None
    return True


def closed_reason(closed_in_phase, closed_now):
    """Reason for a closed phase layer: says "in this phase" only when a phase is open."""

    def reason(user, obj) -> str:
        process = process_of(obj)
        in_phase = process is not None and process.active_phase() is not None
        return str(closed_in_phase if in_phase else closed_now)

    return reason


NOT_PUBLIC = _("This process is not open to the public.")
HIDDEN = _("This content is hidden.")
ACCEPT_TERMS = _("Accept the current terms of use to take part.")
FORBIDDEN = _("You are not allowed to do this.")


def layers_for(verb_sign_in, verb_verify, feature, unavailable, *closing):
    layers = [
        (is_signed_in, "sign_in", verb_sign_in),
        (is_verified, "verify", verb_verify),
        (has_accepted_current_terms, "terms", ACCEPT_TERMS),
        (process_is_open_to_public, "not_public", NOT_PUBLIC),
        (offers(feature), "unavailable", unavailable),
        (is_available, "hidden", HIDDEN),
    ]
    layers.extend(closing)
    return tuple(layers)


PERMISSION_LAYERS = {
    "interactions.add_comment": layers_for(
        _("Sign in to comment."),
        _("Confirm your e-mail address to comment."),
        "comments",
        _("Comments are not available here."),
        (
            phase_allows_registered("comment_action"),
            "closed",
            closed_reason(
                _("Comments are closed in this phase."),
                _("Comments are closed at the moment."),
            ),
        ),
        (object_is_open("comment"), "closed", _("Comments are closed here.")),
    ),
    "interactions.add_support": layers_for(
        _("Sign in to support."),
        _("Confirm your e-mail address to support."),
        "supports",
        _("Supports are not available here."),
        (
            phase_allows_registered("support_action"),
            "closed",
            closed_reason(
                _("Supports are closed in this phase."),
                _("Supports are closed at the moment."),
            ),
        ),
        (object_is_open("support"), "closed", _("Supports are closed here.")),
    ),
    "interactions.follow": layers_for(
        _("Sign in to follow."),
        _("Confirm your e-mail address to follow."),
        "follows",
        _("Following is not available here."),
        (object_is_open("follow"), "closed", _("Following is closed here.")),
    ),
    "interactions.flag": layers_for(
        _("Sign in to report content."),
        _("Confirm your e-mail address to report content."),
        "flags",
        _("Reporting is not available here."),
    ),
}

for name, layers in PERMISSION_LAYERS.items():
    rules.add_perm(name, functools.reduce(operator.and_, (layer[0] for layer in layers)))

# Editing a comment needs the right to comment on its target now; deleting one's own words is
# always possible (people may take back what they said even after the phase closed).
is_comment_target_open = rules.predicate(
    lambda user, comment: can("interactions.add_comment", user, comment.target),
    name="comment_target_open",
)
rules.add_perm("interactions.change_comment", is_author & is_available & is_comment_target_open)
rules.add_perm(
    "interactions.delete_comment",
    is_author & rules.predicate(lambda user, comment: comment.deleted_at is None),
)
# Administrators first: it needs no lookup of the object's process.
rules.add_perm("interactions.moderate", is_administrator | is_moderator_here)


def can(perm: str, user, obj) -> bool:
    """Whether `user` may do `perm` on `obj` by the rules alone (no superuser bypass)."""
    return rules.has_perm(perm, user, obj)


def denial(perm: str, user, obj) -> Denial | None:
    """The first layer of `perm` that refuses, as a Denial; None when allowed."""
    layers = PERMISSION_LAYERS.get(perm)
    if layers is None:
        return None if can(perm, user, obj) else Denial("forbidden", str(FORBIDDEN))
    for predicate, code, reason in layers:
        if not predicate.test(user, obj):
            message = str(reason) if isinstance(reason, str | Promise) else reason(user, obj)
            return Denial(code, message)
    return None
