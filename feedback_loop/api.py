"""API of the feedback loop: public accountability figures, and the inbound API with which a
department's own case system reads its cases and posts a status or an answer.

The inbound endpoints take a department token (``Authorization: Bearer <token>``); a token
reaches only its own department's cases, and any other case is answered 404.
"""

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer

from civitas.core.errors import DomainError

from . import selectors, services
from .attribution import acting_token
from .models import Case, CaseState, DepartmentToken, hash_token

router = Router(tags=["feedback loop"])
prefix = "feedback"


LAST_USED_PRECISION = dt.timedelta(minutes=1)


class DepartmentTokenAuth(HttpBearer):
    """A department's API token; the request's `auth` is the department."""

    def authenticate(self, request, token):
        if not token or len(token) > 200:
            return None
        found = (
            DepartmentToken.objects.select_related("department")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_PRECISION:
            # At most one write a minute per token: enough to see which tokens are in use.
            DepartmentToken.objects.filter(pk=found.pk).update(last_used_at=now)
        # The timeline and the audit log name the token behind each step (see _apply).
        request.department_token = found
        return found.department


department_auth = DepartmentTokenAuth()


class CaseOut(Schema):
    id: int
    state: str
    priority: int
    title: str
    text: str
    source: str
    topic: str | None
    district: str | None
    process_id: int | None
    channel: str
    language: str
    due_date: dt.date | None
    created_at: dt.datetime
    decision: str | None
    public_answer: str | None


class AnswerIn(Schema):
    decision: str = Field(
        ...,
        description="adopted, partly_adopted, already_planned, "
        "not_adopted, out_of_scope or forwarded",
    )
    public_text: str = Field(..., max_length=10_000)
    internal_notes: str = Field("", max_length=10_000)


class StatusIn(Schema):
    status: str = Field(..., description="received, in_progress or waiting")
    note: str = Field("", max_length=2000)


class ErrorOut(Schema):
    detail: str


class FiguresOut(Schema):
    total: int
    answered: int
    response_rate: int | None
    median_days: float | None
    p90_days: float | None
    overdue: int


class GroupFiguresOut(FiguresOut):
    id: int
    name: str


class DashboardOut(Schema):
    overall: FiguresOut
    departments: list[GroupFiguresOut]
    processes: list[GroupFiguresOut]


def _case_out(case) -> CaseOut:
    answer = case.answer_or_none
    return CaseOut(
        id=case.pk,
        state=case.state,
        priority=case.priority,
        title=case.title,
        text=case.text,
        source=case.source,
        topic=case.topic.slug if case.topic else None,
        district=case.district.slug if case.district else None,
        process_id=case.process_id,
        channel=case.channel,
        language=case.language,
        due_date=case.due_date,
        created_at=case.created_at,
        decision=answer.decision if answer else None,
        public_answer=answer.public_text if answer else None,
    )


def _department_cases(department):
    return (
        Case.objects.filter(Q(department=department))
        .exclude(state=CaseState.MERGED)
        .select_related("topic", "district", "answer")
    )


def _case(request, case_id: int) -> Case:
    case = _department_cases(request.auth).filter(pk=case_id).first()
    if case is None:
        raise HttpError(404, "No case with this id for your department.")
    return case


def _apply(request, case_id: int, service, **kwargs) -> CaseOut:
    """Run a service on one of the department's cases, on behalf of the request's token; domain
    errors become 4xx answers."""
    try:
        with acting_token(request.department_token):
            service(case=_case(request, case_id), **kwargs)
    except DomainError as exc:
        raise HttpError(exc.status_code, str(exc.message)) from exc
    return _case_out(_case(request, case_id))


@router.get(
    "/cases", response=list[CaseOut], auth=department_auth, summary="Your department's cases"
)
def list_cases(request, state: str | None = None, limit: int = 100, offset: int = 0):
    """The cases of the token's department, newest first; `state` filters (e.g. routed)."""
    if not 1 <= limit <= 500 or offset < 0:
        raise HttpError(400, "limit must be 1 to 500 and offset not negative.")
    cases = _department_cases(request.auth)
    if state:
        if state not in CaseState.values:
            raise HttpError(400, "Unknown state.")
        cases = cases.filter(state=state)
    return [_case_out(c) for c in cases.order_by("-created_at", "-pk")[offset : offset + limit]]


@router.get(
    "/cases/{case_id}",
    response={200: CaseOut, 404: ErrorOut},
    auth=department_auth,
    summary="One of your department's cases",
)
def get_case(request, case_id: int):
    return _case_out(_case(request, case_id))


@router.post(
    "/cases/{case_id}/answer",
    response={200: CaseOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    auth=department_auth,
    summary="Post the department's answer (a draft for the taskforce to approve)",
)
def post_answer(request, case_id: int, payload: AnswerIn):
    return _apply(
        request,
        case_id,
        services.answer_draft,
        by=None,
        decision=payload.decision,
        public_text=payload.public_text,
        internal_notes=payload.internal_notes,
    )


@router.post(
    "/cases/{case_id}/status",
    response={200: CaseOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    auth=department_auth,
    summary="Post a status from the department's own system (on the case's timeline)",
)
def post_status(request, case_id: int, payload: StatusIn):
    return _apply(
        request,
        case_id,
        services.case_status_from_system,
        department=request.auth,
        status=payload.status,
        note=payload.note,
    )


@router.get("/dashboard", response=DashboardOut, summary="Public accountability figures")
def dashboard(request):
    """Response rate, median and 90th-percentile days to answer and overdue cases."""
    data = selectors.dashboard_cached()
    return {key: data[key] for key in ("overall", "departments", "processes")}
