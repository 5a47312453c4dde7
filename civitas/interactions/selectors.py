"""Reads of interactions: counts for lists without N+1 queries, and comment threads by page."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from .models import Comment, Flag, FlagReason, Follow, Support
from .registry import interactables, model_for
from .rules import can
from .services import MAX_COMMENT_DEPTH
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


# Top-level comments per page of a thread; each comes with all its replies.
COMMENTS_PER_PAGE = 50
# Far beyond any real thread, small enough that the offset stays a valid SQL integer.
MAX_COMMENT_PAGE = 1_000_000


class ThreadPage(list):
    """One page of a comment thread: its top-level comments (a list, oldest first), with the
    page `number` and whether there are pages before (`has_previous`) and after (`has_next`)."""

    def __init__(self, roots, *, number: int, has_next: bool, next_first=None):
        super().__init__(roots)
        self.number = number
        self.has_previous = number > 1
        self.has_next = has_next
        self.next_first = next_first  # the first top-level comment of the next page


def comment_page_param(value) -> int:
    """The page asked for with ``?comments=N``: 1 unless N is a whole number in range."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= MAX_COMMENT_PAGE else 1


def comment_thread(obj, *, page: int = 1, per_page: int = COMMENTS_PER_PAGE) -> ThreadPage:
    """Top-level comments of `obj` on page `page` (oldest first), each with `.thread_replies`
    (nested the same way) and `.depth`; one query whatever the size of the thread."""
    thread = Comment.objects.for_object(obj)
    # One more top-level comment than shown tells whether a next page exists.
    roots = (
        thread.filter(parent__isnull=True)
        .order_by("created_at", "pk")
        .values("pk")[(page - 1) * per_page : page * per_page + 1]
    )
    # A reply is on the page when one of its ancestors (replies nest at most
    # MAX_COMMENT_DEPTH deep) is one of the page's top-level comments.
    on_page = Q(pk__in=roots)
    ancestor = "parent_id"
    for _level in range(MAX_COMMENT_DEPTH + 1):
        on_page |= Q(**{f"{ancestor}__in": roots})
        ancestor = f"parent__{ancestor}"
    comments = list(thread.filter(on_page).select_related("author").order_by("created_at", "pk"))
    by_parent: dict[int | None, list[Comment]] = {}
    for comment in comments:
        comment.thread_replies = []
        by_parent.setdefault(comment.parent_id, []).append(comment)

    def attach(nodes, depth):
        for node in nodes:
            node.depth = depth
            node.thread_replies = by_parent.get(node.pk, [])
            attach(node.thread_replies, depth + 1)

    top = by_parent.get(None, [])
    attach(top, 0)
    shown, extra = top[:per_page], top[per_page:]
    return ThreadPage(
        shown, number=page, has_next=bool(extra), next_first=extra[0] if extra else None
    )


def thread_comment_count(obj) -> int:
    """How many comments of `obj` are visible (neither deleted nor hidden), on every page."""
    return visible_comments().for_object(obj).count()


def comment_page_number(comment: Comment, per_page: int = COMMENTS_PER_PAGE) -> int:
    """The page of its thread that shows `comment` (the page of its top-level comment)."""
    root = comment
    while root.parent_id is not None:
        root = root.parent
    earlier = (
        Comment.objects.filter(
            target_type_id=root.target_type_id, target_id=root.target_id, parent__isnull=True
        )
        .filter(Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, pk__lt=root.pk))
        .count()
    )
    return earlier // per_page + 1


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
