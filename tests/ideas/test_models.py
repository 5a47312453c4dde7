"""Database constraints of ideas and the app's registrations."""

import pytest
from django.db import IntegrityError, connection, transaction

from civitas.core.privacy import export_personal_data
from civitas.core.search import searchable_contributions
from civitas.interactions.registry import options_for
from civitas.participation.phases import phase_types
from ideas.models import Idea, IdeaChallengePage

pytestmark = pytest.mark.django_db


def test_phase_types_allow_what_the_issue_says():
    assert phase_types.get("ideas.submit").allows == {"submit", "edit", "comment", "support"}
    assert phase_types.get("ideas.support").allows == {"support", "comment"}
    assert phase_types.get("ideas.review").allows == {"comment"}
    assert phase_types.get("ideas.result").allows == frozenset()
    assert [key for key, _label in IdeaChallengePage.allowed_phase_types()] == [
        "ideas.submit",
        "ideas.support",
        "ideas.review",
        "ideas.result",
    ]


def test_ideas_take_supports_and_comments_in_the_right_phases():
    options = options_for(Idea)
    assert options.support_action == "support"
    assert options.comment_action == "comment"


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(91, 0), (-91, 0), (0, 181), (0, -181), (10, None), (None, 10)],
)
def test_coordinates_out_of_range_or_half_given_are_refused(idea, latitude, longitude):
    with pytest.raises(IntegrityError), transaction.atomic():
        Idea.objects.filter(pk=idea.pk).update(latitude=latitude, longitude=longitude)


def test_a_point_in_range_is_stored(idea):
    Idea.objects.filter(pk=idea.pk).update(latitude="52.52", longitude="-13.4")
    idea.refresh_from_db()
    assert float(idea.latitude) == 52.52


def test_an_unknown_status_code_is_refused(idea):
    # The status is a foreign key on its code, checked when the transaction commits.
    with pytest.raises(IntegrityError), transaction.atomic():
        Idea.objects.filter(pk=idea.pk).update(status="lost")
        connection.check_constraints(table_names=[Idea._meta.db_table])


@pytest.mark.parametrize("change", [{"title": ""}, {"process": None}], ids=str)
def test_other_constraints(idea, change):
    with pytest.raises(IntegrityError), transaction.atomic():
        Idea.objects.filter(pk=idea.pk).update(**change)


def test_an_idea_cannot_be_merged_into_itself(idea):
    with pytest.raises(IntegrityError), transaction.atomic():
        Idea.objects.filter(pk=idea.pk).update(merged_into=idea.pk)


def test_search_keeps_to_public_ideas(make_idea, make_process, challenge):
    from django.utils import timezone

    shown = make_idea(challenge, title="Shown")
    make_idea(challenge, title="Hidden", hidden_at=timezone.now())
    make_idea(challenge, title="Withdrawn", withdrawn_at=timezone.now())
    make_idea(make_process("unpublished", title="Draft challenge"), title="Draft")
    _model, public = searchable_contributions.get("ideas.idea")
    assert list(public()) == [shown]


def test_personal_data_lists_the_persons_ideas(idea, author, resident):
    mine = export_personal_data(author)["sections"]["ideas"]
    assert [entry["title"] for entry in mine] == [idea.title]
    assert export_personal_data(resident)["sections"]["ideas"] == []
