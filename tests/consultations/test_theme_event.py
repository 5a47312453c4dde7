"""consultations.answer_themes_changed: sent once, after the commit, when a moderator changes the
themes of an answer, and not when they stay the same."""

import pytest

from civitas.core.errors import DomainError
from consultations import signals
from consultations.models import Answer
from consultations.services import answer_moderate, response_submit, theme_add
from tests.consultations.conftest import make_consultation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    signals.answer_themes_changed.connect(receiver, dispatch_uid="test.themes")
    yield calls
    signals.answer_themes_changed.disconnect(dispatch_uid="test.themes")


@pytest.fixture
def answer(survey):
    response, _created = response_submit(
        survey=survey,
        respondent=UserFactory(),
        answers={"transport": "bus", "priorities": ["air"], "idea": "More trees"},
    )
    return Answer.objects.get(response=response, question__key="idea")


def test_the_event_is_documented_with_its_arguments():
    from civitas.core.domain_events import domain_events

    event = domain_events.get("consultations.answer_themes_changed")
    assert event is signals.answer_themes_changed
    assert event.arguments == ("answer", "themes", "by")
    assert all(name in event.doc for name in event.arguments)


def test_sent_once_after_the_commit_with_the_themes_by_name(
    consultation, answer, role_user, heard, django_capture_on_commit_callbacks
):
    moderator = role_user("taskforce", name="Mo")
    trees = theme_add(consultation=consultation, name="Trees", by=moderator)
    benches = theme_add(consultation=consultation, name="Benches", by=moderator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        answer_moderate(answer=answer, by=moderator, themes=[trees, benches])
    assert heard == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(heard) == 1
    assert heard[0]["answer"].pk == answer.pk
    assert heard[0]["themes"] == [benches, trees]
    assert heard[0]["by"] == moderator


def test_not_sent_when_the_themes_stay_or_nothing_commits(
    consultation, answer, role_user, heard, django_capture_on_commit_callbacks
):
    moderator = role_user("taskforce", name="Mo")
    trees = theme_add(consultation=consultation, name="Trees", by=moderator)
    with django_capture_on_commit_callbacks(execute=True):
        answer_moderate(answer=answer, by=moderator, themes=[trees])
        answer_moderate(answer=answer, by=moderator, themes=[trees])
        answer_moderate(answer=answer, by=moderator, hidden=True)
    assert len(heard) == 1
    # Taking the themes off is a change too: the answer has none left.
    with django_capture_on_commit_callbacks(execute=True):
        answer_moderate(answer=answer, by=moderator, themes=[])
    assert len(heard) == 2 and heard[1]["themes"] == []
    # A theme of another consultation is refused: nothing changes, nothing is sent.
    elsewhere = make_consultation(consultation.get_parent(), "open", title="Another one")
    other = theme_add(consultation=elsewhere, name="Elsewhere", by=moderator)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError):
        answer_moderate(answer=answer, by=moderator, themes=[other])
    assert len(heard) == 2
