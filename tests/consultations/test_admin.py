"""Editors build consultations in the Wagtail admin: the page, then a survey with questions
(translated fields), a poll, a document (saving publishes a version) and a debate."""

import pytest
from wagtail.log_actions import registry as log_actions

from civitas.accounts.models import Role
from civitas.accounts.services import role_assign
from consultations.models import DraftDocument, Survey
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = UserFactory()
    role_assign(user=user, role=Role.ADMINISTRATOR, by=None)
    client.force_login(user)
    return user


def test_the_admin_offers_the_page_and_every_part(client, editor, home_page, consultation):
    assert (
        client.get(f"/admin/pages/add/consultations/consultationpage/{home_page.pk}/").status_code
        == 200
    )
    for model in ("survey", "poll", "draftdocument", "debate"):
        assert client.get(f"/admin/snippets/consultations/{model}/add/").status_code == 200
    survey = consultation.surveys.get()
    edit = client.get(f"/admin/snippets/consultations/survey/edit/{survey.pk}/").content.decode()
    assert "questions-TOTAL_FORMS" in edit and "text_fr" in edit


def test_an_editor_adds_a_survey_with_a_conditional_question(client, editor, consultation):
    data = {
        "consultation": consultation.pk,
        "title_en": "Quick check",
        "intro_en": '{"blocks": [], "entityMap": {}}',
        "position": "1",
        "response_mode": "signed_in",
        "ask_about_person": "on",
        "questions-TOTAL_FORMS": "2",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    questions = [
        {
            "kind": "single",
            "key": "likes",
            "text_en": "Do you like it?",
            "choices_en": "yes | Yes\nno | No",
            "text_ar": "هل يعجبك؟",
            "choices_ar": "نعم\nلا",
        },
        {
            "kind": "long_text",
            "key": "why-not",
            "text_en": "Why not?",
            "show_if_key": "likes",
            "show_if_values": "no",
        },
    ]
    for i, question in enumerate(questions):
        data.update({f"questions-{i}-{name}": value for name, value in question.items()})
        data.update(
            {
                f"questions-{i}-page_number": "1",
                f"questions-{i}-ORDER": str(i + 1),
                f"questions-{i}-id": "",
                f"questions-{i}-DELETE": "",
            }
        )
    response = client.post("/admin/snippets/consultations/survey/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    survey = Survey.objects.get(title="Quick check")
    likes, why = survey.questions.all()
    assert likes.options == [("yes", "Yes"), ("no", "No")]
    from django.utils import translation

    with translation.override("ar"):
        assert likes.options == [("yes", "نعم"), ("no", "لا")]
    assert why.show_if_key == "likes" and why.condition_values == ["no"]


def test_saving_a_document_in_the_admin_publishes_a_version(client, editor, document):
    assert document.versions.count() == 1
    url = f"/admin/snippets/consultations/draftdocument/edit/{document.pk}/"
    assert client.get(url).status_code == 200
    assert DraftDocument.objects.get().versions.get().paragraphs.count() == 3


def test_audit_actions_are_registered():
    for action in ("response.submitted", "poll.voted", "argument.added", "paragraph.commented"):
        assert log_actions.action_exists(f"consultations.{action}")
