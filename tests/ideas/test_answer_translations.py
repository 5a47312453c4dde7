"""The official answer in every site language: fallback, the status form, and who is told."""

import pytest
from django.utils import translation
from wagtail.models import ModelLogEntry

from civitas.accounts.models import Role
from civitas.interactions import services as interactions
from civitas.notifications.models import Notification
from ideas import services
from ideas.forms import IdeaStatusForm
from ideas.models import HistoryKind
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def supporter(idea):
    person = UserFactory(display_name="Sam", preferred_language="fr")
    interactions.support_add(target=idea, user=person)
    return person


def told(person) -> list[Notification]:
    return list(Notification.objects.filter(recipient=person).order_by("pk"))


def test_an_answer_written_in_one_language_is_read_in_every_other(idea):
    with translation.override("fr"):
        services.idea_status_set(idea=idea, status="accepted", answer="Nous le ferons.", by=None)
    idea.refresh_from_db()
    for language in ("en", "es", "ar"):
        with translation.override(language):
            assert idea.official_answer == "Nous le ferons."


def test_the_page_shows_an_answer_written_only_in_arabic(client, idea, challenge):
    with translation.override("ar"):
        services.idea_status_set(idea=idea, status="accepted", answer="سنفعل ذلك", by=None)
    html = client.get(f"{challenge.url}{idea.pk}/").content.decode()
    assert "سنفعل ذلك" in html


def test_the_form_offers_every_language_active_first_with_lang_and_dir(idea):
    idea.official_answer_en = "Yes."
    idea.save()
    with translation.override("fr"):
        form = IdeaStatusForm(current=idea.status_id, idea=idea)
        names = list(form.fields)
        html = str(form["answer_ar"])
        assert names == ["status", "answer", "answer_en", "answer_es", "answer_ar"]
        # The French field holds what is written in French (nothing), not the English fallback.
        assert form.initial["answer"] == "" and form.initial["answer_en"] == "Yes."
        assert 'lang="fr"' in str(form["answer"]) and 'dir="ltr"' in str(form["answer"])
        assert 'lang="ar"' in html and 'dir="rtl"' in html
        assert not form.fields["answer_ar"].required
        assert "Arab" in str(form.fields["answer_ar"].label)


def test_the_status_page_saves_every_language(client, idea, challenge, role_user):
    client.force_login(role_user(Role.TASKFORCE))
    url = f"{challenge.url}{idea.pk}/status/"
    page = client.get(url).content.decode()
    assert 'name="answer_fr"' in page and 'lang="ar"' in page and 'dir="rtl"' in page
    data = {"status": "accepted", "answer": "Yes.", "answer_fr": "Oui.", "answer_ar": "نعم"}
    assert client.post(url, {**data, "answer_es": "<b>Sí</b>"}).status_code == 302
    idea.refresh_from_db()
    assert (idea.official_answer_en, idea.official_answer_fr) == ("Yes.", "Oui.")
    assert (idea.official_answer_es, idea.official_answer_ar) == ("<b>Sí</b>", "نعم")
    bad = client.post(url, {**data, "answer_es": "x" * 10_001})
    assert bad.status_code == 400


def test_adding_translations_later_tells_no_one_again(
    idea, supporter, django_capture_on_commit_callbacks, heard
):
    staff = UserFactory()

    def status_set(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            services.idea_status_set(idea=idea, by=staff, **kwargs)

    status_set(status="accepted", answer="We will build it.")
    assert len(told(supporter)) == 1 and len(heard) == 1
    answers = idea.history.filter(kind=HistoryKind.ANSWER).count()
    # A translation given beside the answer, from the same form...
    status_set(
        status="accepted", answer="We will build it.", translations={"fr": "Nous le construirons."}
    )
    # ...or written later by someone working in that language.
    with translation.override("es"):
        status_set(status="accepted", answer="Lo haremos.")
    idea.refresh_from_db()
    assert (idea.official_answer_fr, idea.official_answer_es) == (
        "Nous le construirons.",
        "Lo haremos.",
    )
    assert len(told(supporter)) == 1 and len(heard) == 1
    assert idea.history.filter(kind=HistoryKind.ANSWER).count() == answers
    # Translations are still in the audit log.
    assert ModelLogEntry.objects.filter(action="ideas.idea.status_changed").count() == 3
    # A changed answer in the language it was written in, and a new status, tell people again.
    status_set(status="accepted", answer="Built by May.")
    assert len(told(supporter)) == 2 and len(heard) == 2
    status_set(status="in_progress", answer="Built by May.")
    assert len(told(supporter)) == 3


def test_the_first_answer_tells_people_in_whichever_language_it_is_written(idea, supporter):
    services.idea_status_set(
        idea=idea, status=idea.status_id, answer="", translations={"ar": "سنفعل"}, by=None
    )
    assert len(told(supporter)) == 1


def test_each_person_reads_the_answer_in_their_language(idea, supporter):
    spanish = UserFactory(preferred_language="es")
    interactions.support_add(target=idea, user=spanish)
    services.idea_status_set(
        idea=idea,
        status="accepted",
        answer="50% of it this year.",
        translations={"fr": "50 % cette année."},
        by=None,
    )
    assert told(supporter)[0].body == "50 % cette année."
    # No Spanish text: the first site language that has one.
    assert told(spanish)[0].body == "50% of it this year."
