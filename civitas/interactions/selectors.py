"""Reads of interactions: counts for lists without N+1 queries, and whole comment threads."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, IntegerField, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from .models import Comment, Flag, FlagReason, Follow, Support
from .registry import interactables, model_for
from .rules import can
from .targets import content_type_of


def visible_comments():
    """Comments that count: neither deleted by their author nor hidden by a moderator."""
    return Comment.objects.filter(deleted_at__isnull=True, hidden_at__isnull=True)


def interaction_counts(objects) -> dict[int, dict[str, int]]:
    """{pk: {"supports": n, "comments": n}} for objects of one model, in two queries."""
    objects = list(objects)
    if not objects:
        return {}
    models = {type(obj)._meta.concrete_model for obj in objects}
    if len(models) > 1:
        raise ValueError("interaction_counts() takes objects of one model")
    target_type = content_type_of(objects[0])
    pks = [obj.pk for obj in objects]
    counts = {pk: {"supports": 0, "comments": 0} for pk in pks}
    for key, queryset in (("supports", Support.objects), ("comments", visible_comments())):
        rows = (
            queryset.filter(target_type=target_type, target_id__in=pks)
            .values_list("target_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for target_id, n in rows:
            counts[target_id][key] = n
    return counts


def count_subquery(queryset, target_type):
    """A correlated COUNT over `queryset` rows pointing at the outer row."""
    counted = (
        queryset.filter(target_type=target_type, target_id=OuterRef("pk"))
        .order_by()
        .values("target_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_interaction_counts(queryset):
    """Annotate `support_count` and `comment_count` on a queryset of a registered model."""
    target_type = content_type_of(queryset.model)
    return queryset.annotate(
        support_count=count_subquery(Support.objects.all(), target_type),
        comment_count=count_subquery(visible_comments(), target_type),
    )


def comment_thread(obj) -> list[Comment]:
    """Top-level comments of `obj` in order, each with `.thread_replies` (nested the same way)
    and `.depth`; one query whatever the size of the thread."""
    comments = list(
        Comment.objects.for_object(obj).select_related("author").order_by("created_at", "pk")
    )
    by_parent: dict[int | None, list[Comment]] = {}
    for comment in comments:
        comment.thread_replies = []
        by_parent.setdefault(comment.parent_id, []).append(comment)

    def attach(nodes, depth):
        for node in nodes:
            node.depth = depth
            node.thread_replies = by_parent.get(node.pk, [])
            attach(node.thread_replies, depth + 1)

    roots = by_parent.get(None, [])
    attach(roots, 0)
    return roots


def person_state(obj, user) -> dict[str, bool]:
    """Whether `user` supports and follows `obj` (two small queries; none when signed out)."""
    if not user.is_authenticated:
        return {"supported": False, "following": False}
    return {
        "supported": Support.objects.for_object(obj).filter(user=user).exists(),
        "following": Follow.objects.for_object(obj).filter(user=user).exists(),
    }


def moderatable_models() -> list:
    """Models whose objects moderators can act on: registered interactables and comments."""
    return [model_for(label) for label, _options in interactables.items()] + [Comment]


def objects_by_key(keys) -> dict[tuple[int, int], object]:
    """{(content_type_id, pk): object} for (content_type_id, pk) keys, one query per model;
    objects of unknown or unregistered models are left out."""
    allowed = set(moderatable_models())
    wanted: dict[int, set[int]] = {}
    for type_id, pk in keys:
        wanted.setdefault(type_id, set()).add(pk)
    found = {}
    for type_id, pks in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model not in allowed:
            continue
        for obj in model._default_manager.filter(pk__in=pks):
            found[(type_id, obj.pk)] = obj
    return found


def open_flag_groups(user) -> list[dict]:
    """Open reports grouped by what they are about, most reported first, limited to what
    `user` may moderate: [{"target", "key", "reports", "latest", "reasons", "flags"}]."""
    groups = list(
        Flag.objects.open()
        .values("target_type_id", "target_id")
        .annotate(reports=Count("pk"), latest=Max("created_at"))
        .order_by("-reports", "-latest")
    )
    targets = objects_by_key((g["target_type_id"], g["target_id"]) for g in groups)
    result = []
    for group in groups:
        key = (group["target_type_id"], group["target_id"])
        target = targets.get(key)
        if target is None or not can("interactions.moderate", user, target):
            continue
        result.append({**group, "key": key, "target": target, "flags": [], "reasons": {}})
    by_key = {group["key"]: group for group in result}
    if by_key:
        flags = (
            Flag.objects.open().filter(target_id__in={k[1] for k in by_key}).order_by("-created_at")
        )
        labels = dict(FlagReason.choices)
        for flag in flags:
            group = by_key.get((flag.target_type_id, flag.target_id))
            if group is None:
                continue
            group["flags"].append(flag)
            label = labels.get(flag.reason, flag.reason)
            group["reasons"][label] = group["reasons"].get(label, 0) + 1
    return result


def hidden_content(user, limit: int = 50) -> list:
    """Recently hidden objects `user` may moderate, newest first (one query per model)."""
    hidden = []
    for model in moderatable_models():
        hidden.extend(
            model._default_manager.filter(hidden_at__isnull=False).order_by("-hidden_at")[:limit]
        )
    hidden.sort(key=lambda obj: obj.hidden_at, reverse=True)
    return [obj for obj in hidden if can("interactions.moderate", user, obj)][:limit]
