"""Survey services: every question type checked on the server, drafts, channels, events."""

import pytest
from django.db import IntegrityError
from wagtail.models import ModelLogEntry

from civitas.core.errors import Conflict, DomainError, NotAllowed
from consultations import services, signals
from consultations.models import Answer, Response, ResponseStatus

from .conftest import GOOD

pytestmark = pytest.mark.django_db


def submit(survey, answers, **kwargs):
    kwargs.setdefault("respondent", None)
    kwargs.setdefault("channel", "paper")
    if kwargs["channel"] != "online":
        kwargs.setdefault("entered_by", kwargs.pop("staff", None))
    return services.response_submit(survey=survey, answers=answers, **kwargs)


@pytest.fixture
def staff(role_user, consultation):
    return role_user("facilitator", scope=consultation, name="Fay")


def test_a_complete_response_is_stored_and_counted(
    survey, resident, django_capture_on_commit_callbacks
):
    received = []
    signals.response_submitted.connect(
        lambda sender, **kw: received.append(kw), weak=False, dispatch_uid="t1"
    )
    texts = []
    signals.free_text_answered.connect(
        lambda sender, **kw: texts.append(kw["text"]), weak=False, dispatch_uid="t2"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response, created = services.response_submit(
                survey=survey, respondent=resident, answers=GOOD
            )
    finally:
        signals.response_submitted.disconnect(dispatch_uid="t1")
        signals.free_text_answered.disconnect(dispatch_uid="t2")
    assert created and response.status == ResponseStatus.SUBMITTED
    assert response.answers["rank"] == ["b", "a", "c"]
    assert received == [{"signal": signals.response_submitted, "response": response, "first": True}]
    assert sorted(texts) == ["Along the river", "Green", "More trees"]
    rows = Answer.objects.filter(response=response)
    assert rows.filter(question__key="priorities").count() == 2
    assert rows.filter(question__key="grid").count() == 2
    assert rows.get(question__key="trips").number == 12
    assert ModelLogEntry.objects.filter(action="consultations.response.submitted").count() == 1


BAD = [
    ("transport", "train", "Choose one of the listed options."),
    ("transport", None, "Answer this question."),
    ("bike-safety", 6, "Choose a value from 1 to 5."),
    ("bike-safety", "x", "Choose a whole number."),
    ("priorities", ["air", "noise", "speed"], "Choose at most 2 options."),
    ("priorities", ["air", "nope"], "Choose one of the listed options."),
    ("idea", "x" * 5001, "Keep it under 5000 characters"),
    ("name-it", "x" * 301, "Keep it under 300 characters"),
    ("name-it", "bad\x00text", "control characters"),
    ("trips", 101, "Enter a number from 0 to 100."),
    ("trips", "many", "Enter a number."),
    ("trips", "nan", "Enter a number from 0 to 100."),
    ("nps", 11, "Choose a value from 0 to 10."),
    ("rank", ["a", "b"], "Rank every listed option once."),
    ("rank", {"a": "1", "b": "1", "c": "2"}, "different rank"),
    ("grid", {"buses": 9}, "Choose a value from 1 to 5."),
    ("grid", {"metro": 3}, "Answer only the listed rows."),
    ("grid", "3", "Answer row by row."),
    ("when", "31/02/2020", "Enter a date"),
]


@pytest.mark.parametrize(("key", "value", "message"), BAD)
def test_bad_input_on_every_question_type_is_refused_with_a_message(
    survey, staff, key, value, message
):
    answers = {**GOOD, key: value}
    with pytest.raises(services.AnswersInvalid) as info:
        submit(survey, answers, staff=staff)
    assert message in info.value.errors[key]
    assert info.value.status_code == 400
    assert Response.objects.count() == 0


def test_answers_to_hidden_questions_are_refused(survey, staff):
    answers = {**GOOD, "transport": "bus"}  # bike questions no longer apply
    with pytest.raises(services.AnswersInvalid) as info:
        submit(survey, answers, staff=staff)
    assert set(info.value.errors) == {"bike-safety", "bike-detail"}
    assert "does not apply" in info.value.errors["bike-safety"]
    del answers["bike-safety"], answers["bike-detail"]
    response, _created = submit(survey, answers, staff=staff)
    assert response.answers["transport"] == "bus"


def test_other_needs_its_text_and_unknown_questions_are_refused(survey, staff):
    with pytest.raises(services.AnswersInvalid) as info:
        submit(survey, {"transport": "other"}, staff=staff)
    assert "other" in info.value.errors["transport"]
    with pytest.raises(services.AnswersInvalid) as info:
        submit(survey, {"transport": "bus", "ghost": "1"}, staff=staff)
    assert "no such question" in info.value.errors["ghost"]
    response, _ = submit(survey, {"transport": "other", "transport.other": "Walk"}, staff=staff)
    assert Answer.objects.get(response=response).text == "Walk"


def test_paper_responses_need_who_entered_them_and_keep_provenance(survey, staff, district):
    with pytest.raises(DomainError):
        submit(survey, {"transport": "bus"}, staff=None)
    key = "7b0d6d1c-6b43-4a4e-9c53-2bd5d6f6d111"
    first, created = submit(
        survey,
        {"transport": "bus"},
        staff=staff,
        submission_key=key,
        source_detail="Table 3",
        district=district.pk,
        age_band="30_44",
    )
    again, created_again = submit(survey, {"transport": "bus"}, staff=staff, submission_key=key)
    assert created and not created_again and first.pk == again.pk
    assert (
        first.channel == "paper" and first.entered_by == staff and first.source_detail == "Table 3"
    )
    assert first.receipt_code is None
    assert Answer.objects.get(response=first).district_id_copy == district.pk
    with pytest.raises(DomainError):
        submit(survey, {"transport": "bus"}, staff=staff, age_band="ancient")


def test_paper_is_accepted_after_close_but_online_is_not(make_page, staff, resident):
    survey = make_page("closed").surveys.get()
    with pytest.raises(NotAllowed):
        services.response_submit(survey=survey, respondent=resident, answers={"transport": "bus"})
    response, _ = submit(survey, {"transport": "bus"}, staff=staff)
    assert response.status == "submitted"


def test_drafts_are_saved_per_page_and_bad_pages_keep_the_draft(survey, resident):
    draft = services.response_draft_save(
        survey=survey, respondent=resident, answers={"transport": "bike", "bike-safety": 2}, page=1
    )
    assert draft.status == "draft" and draft.page_reached == 2
    with pytest.raises(services.AnswersInvalid):
        services.response_draft_save(
            survey=survey, respondent=resident, answers={"trips": -3}, page=2
        )
    draft.refresh_from_db()
    assert draft.draft_answers == {"transport": "bike", "bike-safety": 2}
    # Changing an earlier answer drops the answers that no longer apply.
    services.response_draft_save(
        survey=survey, respondent=resident, answers={"bike-detail": "River"}, page=2
    )
    services.response_draft_save(
        survey=survey, respondent=resident, answers={"transport": "car"}, page=1
    )
    draft.refresh_from_db()
    assert draft.draft_answers == {"transport": "car"}
    assert Answer.objects.count() == 0  # drafts are not counted


def test_signed_in_people_change_their_response_until_close(survey, resident):
    services.response_submit(survey=survey, respondent=resident, answers={"transport": "bus"})
    response, _ = services.response_submit(
        survey=survey, respondent=resident, answers={"transport": "car"}
    )
    assert Response.objects.count() == 1
    assert list(Answer.objects.values_list("choice", flat=True)) == ["car"]
    assert response.answers == {"transport": "car"}


def test_one_response_per_person_is_a_database_constraint(survey, resident):
    Response.objects.create(survey=survey, author=resident, process=survey.consultation)
    with pytest.raises(IntegrityError):
        Response.objects.create(survey=survey, author=resident, process=survey.consultation)


def test_anonymous_responses_need_a_survey_that_allows_them(make_page):
    closed_to_anonymous = make_page("open").surveys.get()
    with pytest.raises(NotAllowed):
        services.response_submit(
            survey=closed_to_anonymous, respondent=None, answers={"transport": "bus"}
        )
    survey = make_page("open", title="Open to all", response_mode="anonymous").surveys.get()
    response, _ = services.response_submit(
        survey=survey, respondent=None, answers={"transport": "bus"}
    )
    assert response.author is None and len(response.receipt_code) == 14
    with pytest.raises(Conflict):
        services.response_submit(
            survey=survey, respondent=None, answers={"transport": "bus"}, response=response
        )


def test_a_person_who_answered_online_is_not_entered_again_on_paper(survey, resident, staff):
    services.response_submit(survey=survey, respondent=resident, answers={"transport": "bus"})
    with pytest.raises(Conflict):
        submit(survey, {"transport": "bus"}, staff=staff, respondent=resident)


def test_deleting_an_account_drops_drafts_and_keeps_submitted_answers(survey, resident, make_page):
    from civitas.accounts.services import account_delete

    services.response_draft_save(
        survey=survey, respondent=resident, answers={"transport": "bus"}, page=1
    )
    other = make_page("open", title="Other").surveys.get()
    services.response_submit(survey=other, respondent=resident, answers={"transport": "car"})
    account_delete(user=resident)
    assert list(Response.objects.values_list("survey_id", flat=True)) == [other.pk]
