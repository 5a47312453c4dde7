"""Relays of the kernel's interaction events for ideas, as the ideas app's own domain events."""

from civitas.interactions import signals as interactions

from . import signals
from .models import Idea


def relay_support(sender, target, user, supported, count, **kwargs):
    """A support added or taken back on an idea: ``idea_supported``; a support that reached an
    idea merged meanwhile is carried over to the idea it was merged into."""
    if not isinstance(target, Idea):
        return
    merged_into = Idea.objects.filter(pk=target.pk).values_list("merged_into", flat=True).first()
    if merged_into is not None:
        from .services import carry_over

        target.merged_into_id = merged_into
        carry_over(target)
        return
    signals.idea_supported.send_on_commit(
        sender=Idea, idea=target, user=user, supported=supported, count=count
    )


def relay_hidden(sender, target, by, reason, **kwargs):
    if isinstance(target, Idea):
        signals.idea_hidden.send_on_commit(sender=Idea, idea=target, by=by, reason=reason)


def connect() -> None:
    interactions.support_changed.connect(relay_support, dispatch_uid="ideas.relay_support")
    interactions.content_hidden.connect(relay_hidden, dispatch_uid="ideas.relay_hidden")
