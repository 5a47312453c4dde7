"""Relays of the kernel's interaction events for ideas, as the ideas app's own domain events."""

from importlib import import_module

from django.apps import apps as global_apps
from django.db.models.signals import post_delete, post_migrate, post_save, pre_delete, pre_save

from civitas.accounts import signals as accounts
from civitas.interactions import signals as interactions
from civitas.interactions.models import Comment, Support

from . import counters, signals
from .models import Idea


def lock_before_support(sender, instance, **kwargs):
    """Lock the idea before its support row is written or deleted (see ideas.counters)."""
    idea_id = counters.idea_id_of(instance)
    if idea_id is not None:
        counters.lock(idea_id)


def recount_support(sender, instance, created=True, **kwargs):
    idea_id = counters.idea_id_of(instance)
    if idea_id is not None and created:
        counters.recount(idea_id)


def recount_comment(sender, instance, created=True, update_fields=None, **kwargs):
    """A comment posted, deleted by its author or removed changes the count of its idea."""
    idea_id = counters.idea_id_of(instance)
    if idea_id is None:
        return
    if created or update_fields is None or {"deleted_at", "hidden_at"} & set(update_fields):
        counters.recount(idea_id)


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


def forget_images(sender, user, **kwargs):
    """An account being deleted: its ideas stay, anonymised, without their images."""
    from .services import forget_images

    forget_images(user)


def ensure_default_statuses(sender, apps=None, using="default", **kwargs):
    """After migrate (and after a flush, which empties the table its migration filled), an
    empty status table gets the default statuses again: new ideas need one meaning "open"."""
    apps = apps or global_apps  # a flush sends no migration state
    try:
        status_model = apps.get_model("ideas", "IdeaStatus")
    except LookupError:
        return  # migrated back before the statuses existed
    if not status_model.objects.using(using).exists():
        import_module("ideas.migrations.0008_idea_statuses").create_defaults(apps, None)


def connect(config) -> None:
    post_migrate.connect(ensure_default_statuses, sender=config, dispatch_uid="ideas.statuses")
    accounts.account_deleting.connect(forget_images, dispatch_uid="ideas.forget_images")
    pre_save.connect(lock_before_support, sender=Support, dispatch_uid="ideas.lock_support")
    pre_delete.connect(lock_before_support, sender=Support, dispatch_uid="ideas.lock_unsupport")
    post_save.connect(recount_support, sender=Support, dispatch_uid="ideas.count_support")
    post_delete.connect(recount_support, sender=Support, dispatch_uid="ideas.count_unsupport")
    post_save.connect(recount_comment, sender=Comment, dispatch_uid="ideas.count_comment")
    post_delete.connect(recount_comment, sender=Comment, dispatch_uid="ideas.count_uncomment")
    interactions.support_changed.connect(relay_support, dispatch_uid="ideas.relay_support")
    interactions.content_hidden.connect(relay_hidden, dispatch_uid="ideas.relay_hidden")
