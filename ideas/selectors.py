"""Reads of the ideas app that are more than a one-liner."""

from django.db.models import F, Value
from django.db.models.functions import Mod

from civitas.accounts.models import Role
from civitas.accounts.roles import holds_role, scope_ids
from civitas.participation.predicates import is_administrator

from . import search
from .models import LISTED, Idea, IdeaChallengePage, IdeaStatus

# A prime modulus keeps the shuffled order a permutation of the ids for any seed below it.
RANDOM_MODULUS = 1_000_003
ORDERINGS = {
    "newest": ("-created_at", "-pk"),
    "supported": ("-support_count", "-created_at", "-pk"),
    "discussed": ("-comment_count", "-created_at", "-pk"),
}


def listed_ideas(challenge=None):
    """Ideas shown in lists: public, not merged into another; of one challenge or all live ones."""
    ideas = Idea.objects.filter(LISTED)
    if challenge is not None:
        return ideas.filter(process=challenge)
    # A list of a few page ids, not a join: the count then reads the partial index alone.
    live = IdeaChallengePage.objects.live().values_list("pk", flat=True)
    return ideas.filter(process_id__in=list(live))


# What list rows show of each idea, read with it.
LIST_RELATED = ("author", "topic", "district", "process", "status")


def _ordered(ideas, sort: str, seed: int):
    if sort == "random":
        shuffle = Mod(F("pk") * Value(seed), Value(RANDOM_MODULUS))
        return ideas.annotate(shuffle=shuffle).order_by("shuffle", "pk")
    return ideas.order_by(*ORDERINGS.get(sort, ORDERINGS["newest"]))


def narrowed_ideas(ideas, *, filters: dict):
    """`ideas` narrowed by challenge/topic/district/status/q in `filters`."""
    for name in ("challenge", "topic", "district", "status"):
        value = filters.get(name)
        if value:
            ideas = ideas.filter(**{"process" if name == "challenge" else name: value})
    if filters.get("q"):
        ideas = search.matching(ideas, filters["q"])
    return ideas


def filtered_ideas(ideas, *, filters: dict, sort: str = "newest", seed: int = 1):
    """`ideas` narrowed by `filters` (see narrowed_ideas), with what lists show, in `sort`
    order ("random" is a stable shuffle for `seed`)."""
    ideas = narrowed_ideas(ideas, filters=filters).select_related(*LIST_RELATED)
    return _ordered(ideas, sort, seed)


def list_page(ideas, *, sort: str = "newest", seed: int = 1, searched: bool = False):
    """Narrowed `ideas` as (object_list, rows) for one page of a list: a paginator counts and
    slices `object_list`; `rows(page)` turns the slice into the ideas shown, in that order.

    A shuffled or searched list cannot be read from an index in order, so every match would be
    sorted with its joined columns: there `object_list` holds only the ids (the database sorts
    them from the list's index alone) and `rows` reads the ideas of the page's ids, with what
    lists show, in a second query. The other orders read the page straight from their index.
    """
    if sort != "random" and not searched:
        return filtered_ideas(ideas, filters={}, sort=sort, seed=seed), list
    ids = _ordered(ideas, sort, seed).values_list("pk", flat=True)

    def rows(page) -> list[Idea]:
        page_ids = list(page)
        found = Idea.objects.filter(pk__in=page_ids).select_related(*LIST_RELATED).in_bulk()
        return [found[pk] for pk in page_ids if pk in found]

    return ids, rows


def status_for_meaning(meaning: str) -> IdeaStatus | None:
    """The first active status (in the editors' order) with `meaning`, whatever it is called."""
    return IdeaStatus.objects.active().filter(meaning=meaning).order_by("sort_order", "pk").first()


def moderated_ideas(user):
    """Every idea (hidden, withdrawn and merged too) that `user` may moderate, as the rule
    ideas.moderate_idea decides per idea: all for administrators and site-wide moderators,
    those of the challenges they moderate for the others, none for anyone else."""
    ideas = Idea.objects.all()
    if is_administrator.test(user) or holds_role(user, Role.MODERATOR):
        return ideas
    if not user.is_authenticated:
        return ideas.none()
    return ideas.filter(process_id__in=sorted(scope_ids(user, Role.MODERATOR, IdeaChallengePage)))


def personal_data(user) -> list[dict]:
    """Every idea `user` wrote, for "download my data"."""
    return [
        {
            "id": idea.pk,
            "challenge": idea.process.title if idea.process_id else None,
            "title": idea.title,
            "body": idea.body,
            "location_text": idea.location_text,
            "image": idea.image.url if idea.image else None,
            "image_description": idea.image_alt,
            "latitude": str(idea.latitude) if idea.latitude is not None else None,
            "longitude": str(idea.longitude) if idea.longitude is not None else None,
            "channel": idea.channel,
            "language": idea.language,
            "status": idea.status_id,
            "created_at": idea.created_at.isoformat(),
            "withdrawn_at": idea.withdrawn_at.isoformat() if idea.withdrawn_at else None,
        }
        for idea in Idea.objects.filter(author=user).select_related("process").order_by("pk")
    ]
