"""The public answer in every site language: drafted together, translated after approval by
the taskforce without a second approval, the approved original kept as it is."""

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.models import ModelLogEntry

from civitas.core.errors import Conflict, NotAllowed
from feedback_loop import services
from feedback_loop.forms import AnswerForm, AnswerTranslationForm
from feedback_loop.models import Answer, CaseState

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(submit, rules, topic, case_of):
    return case_of(submit(topic=topic))


def action_url(case, action):
    return reverse("feedback_loop:case_action", args=[case.pk, action])


def text_in(language: str) -> str:
    with translation.override(language):
        return Answer.objects.get().public_text


def test_the_form_asks_for_the_active_language_first_and_the_others_optionally():
    with translation.override("fr"):
        form = AnswerForm(prefix="answer")
    names = list(form.fields)
    assert names == [
        "decision",
        "public_text",
        "public_text_en",
        "public_text_es",
        "public_text_ar",
        "internal_notes",
    ]
    assert form.fields["public_text"].required
    assert form.fields["public_text"].widget.attrs["lang"] == "fr"
    assert not any(form.fields[f"public_text_{code}"].required for code in ("en", "es", "ar"))
    arabic = str(form["public_text_ar"])
    assert 'lang="ar"' in arabic and 'dir="rtl"' in arabic
    assert 'dir="ltr"' in str(form["public_text_es"])
    with translation.override("en"):
        assert "(optional)" in str(AnswerForm(prefix="answer").fields["public_text_es"].label)


def test_the_department_drafts_the_answer_in_several_languages_from_the_case_page(
    case, streets_member, client
):
    client.force_login(streets_member)
    response = client.post(
        action_url(case, "answer"),
        {
            "answer-decision": "adopted",
            "answer-public_text": "Nous la construirons.",
            "answer-public_text_es": "La construiremos.",
            "answer-public_text_ar": "سنبنيه.",
            "answer-public_text_en": "",
        },
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 302
    assert text_in("fr") == "Nous la construirons."
    assert text_in("es") == "La construiremos."
    assert text_in("ar") == "سنبنيه."
    # English was left empty: its readers get the fallback, not an empty answer.
    assert text_in("en")
    assert case.events.get(action="drafted").data["language"] == "fr"
    page = client.get(reverse("feedback_loop:case", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    body = page.content.decode()
    assert "La construiremos." in body and 'lang="ar"' in body and 'dir="rtl"' in body


def test_an_empty_original_is_refused_with_the_form(case, streets_member, client):
    client.force_login(streets_member)
    response = client.post(
        action_url(case, "answer"),
        {"answer-decision": "adopted", "answer-public_text": "", "answer-public_text_es": "Sí"},
    )
    assert response.status_code == 400
    assert not Answer.objects.exists()


def test_redrafting_keeps_translations_of_the_same_text_and_drops_those_of_another(
    case, streets_member
):
    services.answer_draft(
        case=case,
        by=streets_member,
        decision="adopted",
        public_text="We will build it.",
        translations={"es": "La construiremos."},
    )
    services.answer_draft(
        case=case, by=streets_member, decision="partly_adopted", public_text="We will build it."
    )
    assert text_in("es") == "La construiremos."
    services.answer_draft(
        case=case, by=streets_member, decision="partly_adopted", public_text="Part of it."
    )
    assert text_in("es") == "Part of it."
    assert Answer.objects.get().public_text_es is None


def test_the_taskforce_translates_an_approved_answer_without_a_new_approval(
    case, streets_member, taskforce, client
):
    services.answer_draft(
        case=case, by=streets_member, decision="adopted", public_text="We will build it."
    )
    services.answer_approve(case=case, by=taskforce)
    approved_at = Answer.objects.get().approved_at
    # Drafting is over once approved; a department member cannot translate either.
    with pytest.raises(NotAllowed):
        services.answer_draft(case=case, by=taskforce, decision="adopted", public_text="Other")
    with pytest.raises(NotAllowed):
        services.answer_translate(case=case, by=streets_member, translations={"es": "Sí"})
    client.force_login(streets_member)
    assert (
        client.post(action_url(case, "translate"), {"translate-public_text_es": "Sí"}).status_code
        == 403
    )

    client.force_login(taskforce)
    page = client.get(reverse("feedback_loop:case", args=[case.pk]))
    assert "Translations of the approved answer" in page.content.decode()
    assert 'name="translate-public_text_en"' not in page.content.decode()
    response = client.post(
        action_url(case, "translate"),
        {"translate-public_text_es": "La construiremos.", "translate-public_text_ar": ""},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    answer = Answer.objects.get()
    assert case.state == CaseState.APPROVED and answer.approved_at == approved_at
    assert text_in("es") == "La construiremos." and text_in("en") == "We will build it."
    event = case.events.get(action="translated")
    assert event.actor == taskforce and event.data == {"languages": ["es"]}
    assert ModelLogEntry.objects.filter(action="feedback_loop.case.translated").count() == 1
    # The same translations again change nothing.
    services.answer_translate(case=case, by=taskforce, translations={"es": "La construiremos."})
    assert case.events.filter(action="translated").count() == 1


def test_the_approved_original_cannot_be_changed_through_translation(
    case, streets_member, taskforce
):
    services.answer_draft(
        case=case, by=streets_member, decision="adopted", public_text="We will build it."
    )
    services.answer_approve(case=case, by=taskforce)
    with pytest.raises(Conflict):
        services.answer_translate(case=case, by=taskforce, translations={"en": "We won't."})
    # Sending the original unchanged (as a form for every language would) is fine.
    services.answer_translate(
        case=case, by=taskforce, translations={"en": "We will build it.", "fr": "Oui."}
    )
    assert text_in("en") == "We will build it." and text_in("fr") == "Oui."
    form = AnswerTranslationForm(original="en")
    assert "public_text_en" not in form.fields and "public_text_fr" in form.fields


def test_a_published_answer_and_an_out_of_scope_reason_can_be_translated(
    case, submit, topic, case_of, streets_member, taskforce, django_capture_on_commit_callbacks
):
    services.answer_draft(case=case, by=streets_member, decision="adopted", public_text="Yes.")
    services.answer_approve(case=case, by=taskforce)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_publish(case=case, by=taskforce)
    services.answer_translate(case=case, by=taskforce, translations={"es": "Sí."})
    assert text_in("es") == "Sí."
    other = case_of(submit(topic=topic, title="Bridge lights"))
    with translation.override("es"), django_capture_on_commit_callbacks(execute=True):
        services.case_mark_out_of_scope(case=other, reason="Es regional.", by=taskforce)
    services.answer_translate(case=other, by=taskforce, translations={"en": "It is regional."})
    with pytest.raises(Conflict):
        services.answer_translate(case=other, by=taskforce, translations={"es": "Otra cosa."})
    with translation.override("en"):
        assert Answer.objects.get(case=other).public_text == "It is regional."
