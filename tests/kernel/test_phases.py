import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from civitas.core.registry import AlreadyRegistered
from civitas.participation.models import Phase, validate_phases
from civitas.participation.phases import PhaseType, phase_types, register_phase_type
from civitas.participation.services import phases_replace
from tests.factories import make_dummy_process, window

pytestmark = pytest.mark.django_db


def test_registry_refuses_duplicates_and_bad_keys():
    assert "dummy_process.collect" in phase_types
    with pytest.raises(AlreadyRegistered):
        register_phase_type(PhaseType("dummy_process.collect", "Again"))
    with pytest.raises(ValueError):
        PhaseType("nodot", "Bad")


def test_active_is_start_inclusive_end_exclusive(home_page):
    page = make_dummy_process(home_page, phases=[("collect", -1, 1)])
    phase = page.phases.get()
    assert list(Phase.objects.active(at=phase.starts_at)) == [phase]
    assert list(Phase.objects.active(at=phase.ends_at)) == []
    assert list(Phase.objects.active(at=phase.starts_at - dt.timedelta(seconds=1))) == []
    assert page.active_phase(at=phase.ends_at - dt.timedelta(microseconds=1)) == phase


@pytest.mark.parametrize(
    "phases,status",
    [
        ([], "unscheduled"),
        ([("collect", 1, 2)], "upcoming"),
        ([("collect", -1, 1)], "active"),
        ([("collect", -5, -3), ("review", 2, 4)], "between"),
        ([("collect", -5, -3), ("review", -3, -1)], "finished"),
    ],
)
def test_process_status(home_page, phases, status):
    page = make_dummy_process(home_page, phases=phases)
    assert page.status() == status


def test_allows_follows_the_active_phase_type(home_page):
    page = make_dummy_process(home_page, phases=[("collect", -5, -1), ("review", -1, 3)])
    assert page.allows("comment")
    assert not page.allows("submit")
    earlier = timezone.now() - dt.timedelta(days=2)
    assert page.allows("submit", at=earlier)


def test_database_refuses_phase_that_ends_before_it_starts(home_page):
    page = make_dummy_process(home_page, phases=[])
    starts_at, ends_at = window(2, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Phase.objects.create(
            page=page, phase_type="dummy_process.collect", starts_at=starts_at, ends_at=ends_at
        )


def test_validate_phases_reports_overlap_unknown_type_and_order():
    a = Phase(
        phase_type="dummy_process.collect",
        title="A",
        starts_at=window(0, 1)[0],
        ends_at=window(0, 3)[1],
    )
    b = Phase(
        phase_type="dummy_process.review",
        title="B",
        starts_at=window(2, 4)[0],
        ends_at=window(2, 4)[1],
    )
    with pytest.raises(ValidationError, match="overlap"):
        validate_phases([a, b])
    unknown = Phase(phase_type="nope.nothing", starts_at=a.starts_at, ends_at=a.ends_at)
    with pytest.raises(ValidationError, match="Unknown phase type"):
        validate_phases([unknown])
    with pytest.raises(ValidationError, match="not available"):
        validate_phases([a], allowed_types={"dummy_process.review"})


def test_phases_replace_validates_before_writing(home_page):
    page = make_dummy_process(home_page, phases=[("collect", -1, 1)])
    s1, e1 = window(0, 3)
    s2, e2 = window(2, 5)
    with pytest.raises(ValidationError):
        phases_replace(
            page=page,
            phases=[
                Phase(phase_type="dummy_process.collect", starts_at=s1, ends_at=e1),
                Phase(phase_type="dummy_process.review", starts_at=s2, ends_at=e2),
            ],
        )
    assert page.phases.count() == 1  # nothing lost
    phases_replace(
        page=page,
        phases=[
            Phase(phase_type="dummy_process.review", starts_at=e1, ends_at=e2),
            Phase(phase_type="dummy_process.collect", starts_at=s1, ends_at=e1),
        ],
    )
    assert [p.phase_type for p in page.phase_list()] == [
        "dummy_process.collect",
        "dummy_process.review",
    ]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="exclusion constraints are PostgreSQL's"
)
@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_overlapping_phases_at_commit(home_page):
    page = make_dummy_process(home_page, phases=[("collect", 0, 3)])
    starts_at, ends_at = window(2, 5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Phase.objects.create(
            page=page, phase_type="dummy_process.review", starts_at=starts_at, ends_at=ends_at
        )
    # Deferred: shifting two phases inside one transaction passes through an overlap.
    collect = page.phases.get()
    with transaction.atomic():
        Phase.objects.create(
            page=page,
            phase_type="dummy_process.review",
            starts_at=collect.ends_at,
            ends_at=collect.ends_at + dt.timedelta(days=2),
        )
    with transaction.atomic():
        review = page.phases.get(phase_type="dummy_process.review")
        review.ends_at += dt.timedelta(days=5)
        review.starts_at += dt.timedelta(days=1)
        collect.ends_at += dt.timedelta(days=1)  # overlaps the old review window for a moment
        collect.save()
        review.save()
    assert page.phases.count() == 2
