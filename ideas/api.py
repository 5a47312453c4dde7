"""Ideas in the public open-data API: a filtered, paginated list and one idea with its history.

Only what the idea pages show publicly, and less: no author, no e-mail, no internal ids of people.
"""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from .models import Idea, IdeaStatus, StatusMeaning
from .selectors import ORDERINGS, filtered_ideas, listed_ideas

router = Router(tags=["ideas"])
prefix = "ideas"

MAX_PAGE_SIZE = 100


class TermOut(Schema):
    id: int
    name: str


class IdeaOut(Schema):
    id: int
    url: str
    challenge_id: int
    challenge: str
    title: str
    body: str
    topic: TermOut | None
    district: TermOut | None
    location_text: str
    latitude: Decimal | None
    longitude: Decimal | None
    status: str = Field(description="Code of the idea's status")
    status_label: str = Field(description="The status as people read it, in the asked language")
    status_meaning: str = Field(
        description="What the status means, whatever it is called: one of "
        + ", ".join(StatusMeaning.values)
    )
    official_answer: str
    support_count: int
    comment_count: int
    created_at: dt.datetime


class HistoryOut(Schema):
    kind: str
    label: str
    status: str = Field(description="Code of the status set at that step, or empty")
    other_idea_id: int | None
    fields: list[str] = Field(
        description="Names of the fields an edit changed (title, body, topic, district, "
        "location_text, latitude, longitude, image, image_alt); empty for other steps"
    )
    at: dt.datetime


class IdeaDetailOut(IdeaOut):
    merged_into_id: int | None
    history: list[HistoryOut]


class IdeaPage(Schema):
    count: int
    page: int
    pages: int
    results: list[IdeaOut]


class IdeaFilters(Schema):
    challenge: int | None = Field(None, description="Id of an idea challenge")
    topic: int | None = None
    district: int | None = None
    status: str | None = Field(
        None,
        max_length=20,
        description="Code of a status (e.g. submitted, accepted); the city may add or retire "
        "statuses, so the codes in use are those found in the ideas' status field",
    )
    q: str | None = Field(None, max_length=200, description="Words the idea must contain")
    sort: str = Field("newest", description="newest, supported or discussed")
    page: int = Field(1, ge=1)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


def _term(term) -> TermOut | None:
    return TermOut(id=term.pk, name=str(term)) if term is not None else None


def _idea_out(request, idea, schema=IdeaOut, **extra):
    return schema(
        id=idea.pk,
        url=request.build_absolute_uri(f"{idea.process.get_url(request)}{idea.pk}/"),
        challenge_id=idea.process_id,
        challenge=idea.process.title,
        title=idea.title,
        body=idea.body,
        topic=_term(idea.topic),
        district=_term(idea.district),
        location_text=idea.location_text,
        latitude=idea.latitude,
        longitude=idea.longitude,
        status=idea.status_id,
        status_label=idea.status.label,
        status_meaning=idea.status.meaning,
        official_answer=idea.official_answer,
        support_count=idea.support_count,
        comment_count=idea.comment_count,
        created_at=idea.created_at,
        **extra,
    )


@router.get("/", response=IdeaPage, summary="Ideas of live challenges")
def list_ideas(request, filters: Query[IdeaFilters]):
    """Public ideas (not hidden, withdrawn or merged), filtered, sorted and paginated."""
    if filters.status:
        codes = list(IdeaStatus.objects.values_list("code", flat=True))
        if filters.status not in codes:
            raise HttpError(400, "status must be one of: " + ", ".join(codes))
    if filters.sort not in ORDERINGS:
        raise HttpError(400, "sort must be one of: " + ", ".join(ORDERINGS))
    ideas = filtered_ideas(listed_ideas(), filters=filters.model_dump(), sort=filters.sort)
    count = ideas.count()
    pages = max(1, -(-count // filters.page_size))
    if filters.page > pages:
        raise HttpError(404, "No such page")
    start = (filters.page - 1) * filters.page_size
    results = [_idea_out(request, idea) for idea in ideas[start : start + filters.page_size]]
    return IdeaPage(count=count, page=filters.page, pages=pages, results=results)


@router.get("/{idea_id}", response=IdeaDetailOut, summary="One public idea with its history")
def get_idea(request, idea_id: int):
    """An idea that is not hidden or withdrawn; a merged one names the idea it was merged into."""
    idea = filtered_ideas(Idea.objects.public(), filters={}).filter(pk=idea_id).first()
    if idea is None:
        raise Http404("No such idea")
    history = [
        HistoryOut(
            kind=entry.kind,
            label=str(entry.get_kind_display()),
            status=entry.status_id or "",
            other_idea_id=entry.other_idea_id,
            fields=entry.fields or [],
            at=entry.created_at,
        )
        for entry in idea.history.select_related("status")
    ]
    return _idea_out(
        request, idea, IdeaDetailOut, merged_into_id=idea.merged_into_id, history=history
    )
