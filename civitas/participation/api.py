"""Public API of the participation kernel: processes with their phases, topics, districts."""

import datetime as dt

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from .models import District, Topic
from .selectors import STATUS_ORDER, public_processes

router = Router(tags=["participation"])
prefix = ""


class PhaseOut(Schema):
    phase_type: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    is_active: bool


class ProcessOut(Schema):
    id: int
    title: str
    url: str
    kind: str
    status: str
    active_phase: PhaseOut | None
    phases: list[PhaseOut]


class TermOut(Schema):
    id: int
    name: str
    slug: str


def _phase_out(phase, at) -> PhaseOut:
    return PhaseOut(
        phase_type=phase.phase_type,
        title=phase.display_title,
        starts_at=phase.starts_at,
        ends_at=phase.ends_at,
        is_active=phase.is_active(at),
    )


def _process_out(page, request, at) -> ProcessOut:
    active = page.active_phase(at)
    return ProcessOut(
        id=page.pk,
        title=page.title,
        url=request.build_absolute_uri(page.url) if page.url else "",
        kind=page.specific_class._meta.label_lower,
        status=page.status(at),
        active_phase=_phase_out(active, at) if active else None,
        phases=[_phase_out(p, at) for p in page.phase_list()],
    )


@router.get("/processes", response=list[ProcessOut], summary="Public processes with phases")
def list_processes(request, status: str | None = None):
    """Every published process, optionally filtered by status (active, between, upcoming,
    finished)."""
    at = timezone.now()
    pages = [p for p in public_processes() if hasattr(p, "status")]
    if status is not None:
        if status not in STATUS_ORDER:
            raise HttpError(400, "status must be one of: " + ", ".join(STATUS_ORDER))
        pages = [p for p in pages if p.status(at) == status]
    return [_process_out(p, request, at) for p in pages]


@router.get("/processes/{process_id}", response=ProcessOut, summary="One public process")
def get_process(request, process_id: int):
    page = get_object_or_404(public_processes(), pk=process_id)
    if not hasattr(page, "status"):
        raise Http404("Not a process")
    return _process_out(page, request, timezone.now())


@router.get("/topics", response=list[TermOut], summary="Topics the city works on")
def list_topics(request):
    return list(Topic.objects.order_by("name"))


@router.get("/districts", response=list[TermOut], summary="Districts of the city")
def list_districts(request):
    return list(District.objects.order_by("name"))
