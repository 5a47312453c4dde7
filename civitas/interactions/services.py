"""State changes of interactions: comments, supports, follows, flags and moderation.

Every service checks the same rules the interface shows (``rules.py``), writes and audits inside
one transaction, and sends its domain event after commit.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from civitas.core.errors import Conflict, DomainError, NotAllowed
from civitas.notifications.services import notify

from . import kinds, signals
from .models import Comment, Flag, FlagReason, Follow, Support
from .registry import options_for
from .rules import can, denial
from .targets import content_type_of, describe, excerpt, public_url
from .validators import (
    COMMENT_MAX_LENGTH,
    FLAG_DETAILS_MAX_LENGTH,
    HIDE_REASON_MAX_LENGTH,
    clean_text,
)

# Replies nest at most this deep (a top-level comment has depth 0) so threads stay readable.
MAX_COMMENT_DEPTH = 3
RESIDENT = _("Resident")
REPLY_TITLE = _("%(name)s replied to your comment")
COMMENT_TITLE = _("%(name)s commented on your contribution")


def require(perm: str, user, obj) -> None:
    """Raise NotAllowed with the reason people see when `user` may not `perm` on `obj`."""
    refusal = denial(perm, user, obj)
    if refusal is not None:
        raise NotAllowed(refusal.message, code=refusal.code)


def require_moderator(user, target) -> None:
    if not can("interactions.moderate", user, target):
        raise NotAllowed(_("Only moderators of this process can do this."), code="moderate")


def audit(obj, action: str, user, **kwargs) -> None:
    """Record `action` in the audit log under a label that never copies what people wrote."""
    log(instance=obj, action=action, user=user, title=describe(obj), **kwargs)


def create_once(model, **fields) -> bool:
    """Create a row unless a unique constraint says it already exists; True if created.

    The savepoint keeps the surrounding transaction usable when a concurrent request won.
    """
    try:
        with transaction.atomic():
            model.objects.create(**fields)
    except IntegrityError:
        return False
    return True


def comment_depth(comment: Comment) -> int:
    depth = 0
    while comment.parent_id is not None:
        comment = comment.parent
        depth += 1
    return depth


def display_name(user):
    """A person's public name, translated for each recipient when they have none."""
    return user.display_name or RESIDENT


def notify_about_comment(comment: Comment, target, author) -> None:
    """Tell the parent's author, the target's author and the target's followers, once each."""
    url = public_url(comment)
    body = excerpt(comment)
    params = {"name": display_name(author)}
    already = {author.pk}
    personal = (
        (comment.parent.author if comment.parent_id else None, kinds.REPLY, REPLY_TITLE),
        (getattr(target, "author", None), kinds.COMMENT_ON_MINE, COMMENT_TITLE),
    )
    for person, kind, title in personal:
        if person is not None and person.pk not in already:
            notify(recipients=[person], kind=kind, title=title, body=body, url=url, params=params)
            already.add(person.pk)
    followers = [
        follow.user
        for follow in Follow.objects.for_object(target)
        .exclude(user_id__in=already)
        .select_related("user")
    ]
    if followers:
        notify(
            recipients=followers,
            kind=kinds.FOLLOWED_ACTIVITY,
            title=_("New comment on “%(target)s”"),
            body=body,
            url=url,
            params={"target": excerpt(target, 60)},
        )


def comment_post(*, target, author, body: str, parent: Comment | None = None, language=""):
    """Post a comment on `target`, or a reply to `parent`; notifies after commit."""
    require("interactions.add_comment", author, target)
    body = clean_text(
        body, max_length=COMMENT_MAX_LENGTH, empty_message=_("Write a comment first.")
    )
    target_type = content_type_of(target)
    if parent is not None:
        if parent.target_type_id != target_type.pk or parent.target_id != target.pk:
            raise DomainError(_("You can only reply to a comment on the same page."), code="parent")
        if parent.deleted_at is not None or parent.hidden_at is not None:
            raise Conflict(_("This comment can no longer be answered."), code="parent")
        if comment_depth(parent) >= MAX_COMMENT_DEPTH:
            raise DomainError(
                _("This conversation is nested too deeply; please reply further up."),
                code="depth",
            )
    with transaction.atomic():
        comment = Comment.objects.create(
            target_type=target_type,
            target_id=target.pk,
            author=author,
            parent=parent,
            body=body,
            language=(language or "")[:8],
        )
        audit(
            comment,
            "interactions.comment.posted",
            author,
            data={"target": describe(target), "parent": parent.pk if parent else None},
        )
        notify_about_comment(comment, target, author)
        signals.comment_posted.send_on_commit(sender=Comment, comment=comment)
    return comment


def comment_edit(*, comment: Comment, by, body: str) -> Comment:
    """Let the author change a comment while commenting is open; marks it edited."""
    if comment.author_id is None or comment.author_id != by.pk:
        raise NotAllowed(_("Only its author can change a comment."), code="author")
    if comment.deleted_at is not None or comment.hidden_at is not None:
        raise Conflict(_("This comment can no longer be changed."), code="gone")
    require("interactions.add_comment", by, comment.target)
    body = clean_text(
        body, max_length=COMMENT_MAX_LENGTH, empty_message=_("Write a comment first.")
    )
    if body == comment.body:
        return comment
    with transaction.atomic():
        comment.body = body
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "edited_at"])
        audit(comment, "interactions.comment.edited", by, content_changed=True)
        signals.comment_edited.send_on_commit(sender=Comment, comment=comment)
    return comment


def comment_delete(*, comment: Comment, by) -> Comment:
    """Let the author delete a comment: its text is removed, its place and replies stay."""
    if comment.author_id is None or comment.author_id != by.pk:
        raise NotAllowed(_("Only its author can delete a comment."), code="author")
    if comment.deleted_at is not None:
        return comment
    with transaction.atomic():
        comment.body = ""
        comment.deleted_at = timezone.now()
        comment.save(update_fields=["body", "deleted_at"])
        audit(comment, "interactions.comment.deleted", by)
        signals.comment_deleted.send_on_commit(sender=Comment, comment=comment)
    return comment


def support_count(target) -> int:
    return Support.objects.for_object(target).count()


def support_add(*, target, user) -> int:
    """Support `target` once (idempotent; the unique constraint settles races); returns the
    number of supports."""
    require("interactions.add_support", user, target)
    with transaction.atomic():
        fields = {"target_type": content_type_of(target), "target_id": target.pk, "user": user}
        if not create_once(Support, **fields):
            return support_count(target)
        count = support_count(target)
        audit(target, "interactions.support.added", user)
        signals.support_changed.send_on_commit(
            sender=Support, target=target, user=user, supported=True, count=count
        )
    return count


def support_remove(*, target, user) -> int:
    """Withdraw one's support while supporting is open (idempotent); returns the count."""
    require("interactions.add_support", user, target)
    with transaction.atomic():
        removed, _per_model = Support.objects.for_object(target).filter(user=user).delete()
        count = support_count(target)
        if removed:
            audit(target, "interactions.support.removed", user)
            signals.support_changed.send_on_commit(
                sender=Support, target=target, user=user, supported=False, count=count
            )
    return count


def follow(*, target, user) -> Follow:
    """Follow `target` to hear about new comments (idempotent)."""
    require("interactions.follow", user, target)
    fields = {"target_type": content_type_of(target), "target_id": target.pk, "user": user}
    with transaction.atomic():
        if create_once(Follow, **fields):
            audit(target, "interactions.follow.added", user)
    return Follow.objects.get(**fields)


def unfollow(*, target, user) -> bool:
    """Stop following `target` (always allowed, idempotent); True if a follow was removed."""
    if not user.is_authenticated:
        raise NotAllowed(_("Sign in to follow."), code="sign_in")
    with transaction.atomic():
        removed, _per_model = Follow.objects.for_object(target).filter(user=user).delete()
        if removed:
            audit(target, "interactions.follow.removed", user)
    return bool(removed)


def flag_create(*, target, reporter, reason: str, details: str = "") -> Flag:
    """Report `target` to moderators; one open report per person per object."""
    require("interactions.flag", reporter, target)
    if reason not in FlagReason.values:
        raise DomainError(_("Choose a reason."), code="reason")
    details = clean_text(details, max_length=FLAG_DETAILS_MAX_LENGTH)
    with transaction.atomic():
        try:
            with transaction.atomic():
                flag = Flag.objects.create(
                    target_type=content_type_of(target),
                    target_id=target.pk,
                    reporter=reporter,
                    reason=reason,
                    details=details,
                )
        except IntegrityError:
            raise Conflict(
                _("You have already reported this. Moderators will look at it soon."),
                code="already_flagged",
            ) from None
        audit(
            target, "interactions.flag.created", reporter, data={"flag": flag.pk, "reason": reason}
        )
        signals.content_flagged.send_on_commit(sender=Flag, flag=flag)
    return flag


def resolve_open_flags(target, *, by, resolution: str) -> int:
    return (
        Flag.objects.for_object(target)
        .open()
        .update(resolved_at=timezone.now(), resolved_by=by, resolution=resolution)
    )


def set_hidden(target, *, hidden: bool, reason: str = "") -> None:
    """Write the moderation fields, locking the row so two moderators cannot both act."""
    model = type(target)
    if not (hasattr(target, "hidden_at") and hasattr(target, "hidden_reason")):
        raise TypeError(f"{model.__name__} has no hidden_at/hidden_reason fields")
    current = model._default_manager.select_for_update().only("hidden_at").get(pk=target.pk)
    if (current.hidden_at is not None) == hidden:
        if hidden:
            raise Conflict(_("This content is already hidden."), code="already_hidden")
        raise Conflict(_("This content is not hidden."), code="not_hidden")
    target.hidden_at = timezone.now() if hidden else None
    target.hidden_reason = reason
    model._default_manager.filter(pk=target.pk).update(
        hidden_at=target.hidden_at, hidden_reason=reason
    )


def _tell_commented_model(target) -> None:
    """A comment was hidden or shown again: its target's model hears it in this transaction."""
    if not isinstance(target, Comment):
        return
    model = target.target_type.model_class()
    options = options_for(model) if model is not None else None
    if options is not None and options.comment_moderated is not None:
        options.comment_moderated(target)


def content_hide(*, target, by, reason: str) -> int:
    """Hide any object with hidden_at/hidden_reason, resolve its open reports and tell its
    author (always, in-app); returns how many reports were resolved."""
    require_moderator(by, target)
    reason = clean_text(
        reason,
        max_length=HIDE_REASON_MAX_LENGTH,
        empty_message=_("Give a reason; the author will see it."),
    )
    with transaction.atomic():
        set_hidden(target, hidden=True, reason=reason)
        _tell_commented_model(target)
        resolved = resolve_open_flags(target, by=by, resolution="hidden")
        audit(
            target,
            "interactions.content.hidden",
            by,
            data={"reason": reason, "reports_resolved": resolved},
        )
        author = getattr(target, "author", None)
        if author is not None:
            notify(
                recipients=[author],
                kind=kinds.CONTENT_HIDDEN,
                title=_("A moderator hid your %(what)s"),
                body=_("Reason given: %(reason)s"),
                url=public_url(target),
                params={"what": target._meta.verbose_name, "reason": reason},
            )
        signals.content_hidden.send_on_commit(
            sender=type(target), target=target, by=by, reason=reason
        )
    return resolved


def content_unhide(*, target, by) -> None:
    """Make hidden content visible again and tell its author."""
    require_moderator(by, target)
    with transaction.atomic():
        set_hidden(target, hidden=False)
        _tell_commented_model(target)
        audit(target, "interactions.content.unhidden", by)
        author = getattr(target, "author", None)
        if author is not None:
            notify(
                recipients=[author],
                kind=kinds.CONTENT_RESTORED,
                title=_("Your %(what)s is visible again"),
                url=public_url(target),
                params={"what": target._meta.verbose_name},
            )
        signals.content_unhidden.send_on_commit(sender=type(target), target=target, by=by)


def flag_dismiss(*, target, by) -> int:
    """Close every open report about `target` without acting on it; returns how many."""
    require_moderator(by, target)
    with transaction.atomic():
        dismissed = resolve_open_flags(target, by=by, resolution="dismissed")
        if not dismissed:
            raise Conflict(_("There are no open reports about this."), code="no_reports")
        audit(target, "interactions.flag.dismissed", by, data={"reports_dismissed": dismissed})
    return dismissed


def forget_person(user) -> None:
    """Drop what only served the person (follows) when their account is deleted; comments
    and supports stay, shown as by a deleted user."""
    Follow.objects.filter(user=user).delete()
