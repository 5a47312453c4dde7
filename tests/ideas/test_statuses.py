"""Idea statuses are rows editors manage: the defaults, the admin, the service, lists and API."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from civitas.accounts.models import Role
from civitas.core.errors import DomainError
from ideas import services
from ideas.models import Idea, IdeaStatus, StatusMeaning
from ideas.selectors import status_for_meaning

pytestmark = pytest.mark.django_db

DEFAULTS = [
    ("submitted", "open", "Submitted"),
    ("under_review", "under_review", "Under review"),
    ("accepted", "accepted", "Accepted"),
    ("in_progress", "in_progress", "In progress"),
    ("implemented", "done", "Implemented"),
    ("not_pursued", "declined", "Not pursued"),
]
ADD = reverse("wagtailsnippets_ideas_ideastatus:add")
INDEX = reverse("wagtailsnippets_ideas_ideastatus:list")


def edit_url(status):
    return reverse("wagtailsnippets_ideas_ideastatus:edit", args=[status.pk])


def delete_url(status):
    return reverse("wagtailsnippets_ideas_ideastatus:delete", args=[status.pk])


def form_data(**fields):
    data = {
        "code": "",
        "label_en": "",
        "label_es": "",
        "label_fr": "",
        "label_ar": "",
        "description_en": "",
        "description_es": "",
        "description_fr": "",
        "description_ar": "",
        "meaning": "open",
        "sort_order": "0",
        "active": "on",
    }
    data.update(fields)
    if data["active"] is False:
        del data["active"]
    return data


def data_of(status, **changes):
    fields = {
        name: getattr(status, name) or ""
        for name in ("code", "meaning", "label_en", "label_es", "label_fr", "label_ar")
    }
    for language in ("en", "es", "fr", "ar"):
        fields[f"description_{language}"] = getattr(status, f"description_{language}") or ""
    fields["sort_order"] = str(status.sort_order)
    fields["active"] = "on" if status.active else False
    return form_data(**{**fields, **changes})


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture(autouse=True)
def english_afterwards():
    """A request in French leaves French active in this thread; the next test starts in English."""
    yield
    translation.activate("en")


@pytest.fixture
def editor(role_user):
    return role_user(Role.EDITOR, name="Eddie")


def test_the_migration_made_the_six_defaults_in_order():
    rows = [(s.code, s.meaning, s.label_en) for s in IdeaStatus.objects.all()]
    assert rows == DEFAULTS
    assert all(status.active and status.description_en for status in IdeaStatus.objects.all())
    assert IdeaStatus.objects.initial().code == "submitted"
    assert {meaning for _code, meaning, _label in DEFAULTS} == set(StatusMeaning.values)


def test_new_ideas_get_the_first_active_open_status(challenge, author):
    IdeaStatus.objects.create(code="received", label="Received", meaning="open", sort_order=1)
    idea, _created = services.idea_submit(
        challenge=challenge, author=author, data={"title": "Benches", "body": "Shade too."}
    )
    assert idea.status_id == "received"


class TestAdmin:
    def test_an_editor_creates_renames_and_translates_a_status(
        self, client, editor, challenge, make_idea
    ):
        client.force_login(editor)
        assert client.get(ADD).status_code == 200
        response = client.post(
            ADD,
            form_data(
                code="planned",
                label_en="Planned",
                description_en="In next year's budget.",
                meaning="accepted",
                sort_order="35",
            ),
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        planned = IdeaStatus.objects.get(code="planned")
        assert (planned.label_en, planned.meaning, planned.sort_order) == (
            "Planned",
            "accepted",
            35,
        )
        idea = make_idea(challenge, status=planned)

        response = client.post(
            edit_url(planned),
            data_of(planned, label_en="Budgeted", label_fr="Budgétée", description_fr="Au budget."),
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        planned.refresh_from_db()
        assert (planned.code, planned.label_en, planned.label_fr) == (
            "planned",
            "Budgeted",
            "Budgétée",
        )
        page = client.get(f"{challenge.url}{idea.pk}/").content.decode()
        assert "Budgeted" in page and "In next year&#x27;s budget." in page
        client.cookies["django_language"] = "fr"
        page = client.get(f"{challenge.url}{idea.pk}/").content.decode()
        assert "Budgétée" in page and "Au budget." in page

    def test_a_used_code_cannot_change_an_unused_one_can(self, client, editor, idea):
        client.force_login(editor)
        accepted = IdeaStatus.objects.get(code="accepted")
        response = client.post(edit_url(accepted), data_of(accepted, code="yes"))
        assert response.status_code == 302
        assert IdeaStatus.objects.filter(code="yes").exists()
        submitted = IdeaStatus.objects.get(code="submitted")
        response = client.post(edit_url(submitted), data_of(submitted, code="new"))
        assert response.status_code == 200
        assert "cannot change" in response.content.decode()
        submitted.refresh_from_db()
        assert submitted.code == "submitted"

    def test_deleting_a_status_in_use_is_refused_with_a_message(self, client, editor, idea):
        client.force_login(editor)
        services.idea_status_set(idea=idea, status="accepted", answer="", by=None)
        services.idea_status_set(idea=idea, status="under_review", answer="", by=None)
        for code in ("under_review", "accepted"):  # on an idea; only in its history
            status = IdeaStatus.objects.get(code=code)
            assert client.get(delete_url(status)).status_code == 200
            response = client.post(delete_url(status))
            assert response.status_code == 302 and response.url == INDEX
            assert "cannot be deleted" in messages_of(response)[0]
            assert IdeaStatus.objects.filter(code=code).exists()
        unused = IdeaStatus.objects.get(code="implemented")
        response = client.post(delete_url(unused))
        assert response.status_code == 302
        assert not IdeaStatus.objects.filter(code="implemented").exists()

    def test_the_status_new_ideas_get_cannot_go(self, client, editor):
        client.force_login(editor)
        submitted = IdeaStatus.objects.get(code="submitted")
        response = client.post(delete_url(submitted))
        assert "new ideas get" in messages_of(response)[0]
        response = client.post(edit_url(submitted), data_of(submitted, active=False))
        assert response.status_code == 200 and "New ideas get this status" in (
            response.content.decode()
        )
        IdeaStatus.objects.create(code="received", label="Received", meaning="open")
        response = client.post(edit_url(submitted), data_of(submitted, active=False))
        assert response.status_code == 302
        assert IdeaStatus.objects.initial().code == "received"

    def test_only_editors_and_administrators_manage_statuses(self, client, role_user):
        client.force_login(role_user(Role.MODERATOR))
        assert client.get(INDEX).status_code in (302, 403)
        assert client.post(ADD, form_data(code="x", label_en="X")).status_code in (302, 403)
        assert not IdeaStatus.objects.filter(code="x").exists()
        client.force_login(role_user(Role.ADMINISTRATOR, name="Ada"))
        assert client.get(INDEX).status_code == 200


class TestService:
    def test_a_custom_status_is_set_and_shown(self, client, idea, challenge):
        IdeaStatus.objects.create(
            code="pilot", label="Pilot", label_en="Pilot", meaning="in_progress", sort_order=45
        )
        services.idea_status_set(idea=idea, status="pilot", answer="A trial in May.", by=None)
        idea.refresh_from_db()
        assert idea.status.label == "Pilot"
        assert [(e.kind, e.status_id) for e in idea.history.all()] == [
            ("status", "pilot"),
            ("answer", "pilot"),
        ]
        assert client.get(challenge.url, {"status": "pilot"}).context["ideas"][0] == idea
        page = client.get(f"{challenge.url}{idea.pk}/").content.decode()
        assert 'class="idea-status status-in_progress">Pilot<' in page

    def test_an_inactive_status_cannot_be_chosen_but_is_kept(self, idea):
        IdeaStatus.objects.filter(code="accepted").update(active=False)
        with pytest.raises(DomainError):
            services.idea_status_set(idea=idea, status="accepted", answer="", by=None)
        Idea.objects.filter(pk=idea.pk).update(status="accepted")
        services.idea_status_set(idea=idea, status="accepted", answer="Still yes.", by=None)
        idea.refresh_from_db()
        assert (idea.status_id, idea.official_answer) == ("accepted", "Still yes.")

    @pytest.mark.parametrize("code", ["lost", "", None, 3])
    def test_unknown_codes_are_refused(self, idea, code):
        with pytest.raises(DomainError):
            services.idea_status_set(idea=idea, status=code, answer="", by=None)

    def test_the_status_form_offers_active_statuses_in_order(
        self, client, idea, challenge, role_user
    ):
        IdeaStatus.objects.filter(code="under_review").update(active=False)
        IdeaStatus.objects.create(code="pilot", label="Pilot", meaning="in_progress", sort_order=1)
        client.force_login(role_user(Role.ADMINISTRATOR))
        response = client.get(f"{challenge.url}{idea.pk}/status/")
        choices = [code for code, _label in response.context["form"].fields["status"].choices]
        assert [str(code) for code in choices] == [
            "pilot",
            "submitted",
            "accepted",
            "in_progress",
            "implemented",
            "not_pursued",
        ]
        response = client.post(f"{challenge.url}{idea.pk}/status/", {"status": "under_review"})
        assert response.status_code == 400

    def test_the_notification_names_the_status_in_each_persons_language(
        self, idea, author, role_user
    ):
        from civitas.notifications.models import Notification

        IdeaStatus.objects.filter(code="accepted").update(label_fr="Acceptée")
        author.preferred_language = "fr"
        author.save()
        services.idea_status_set(idea=idea, status="accepted", answer="", by=None)
        assert "Acceptée" in Notification.objects.get(recipient=author).title


def test_status_for_meaning_follows_order_and_activity():
    assert status_for_meaning("declined").code == "not_pursued"
    IdeaStatus.objects.create(code="rejected", label="Rejected", meaning="declined", sort_order=1)
    assert status_for_meaning("declined").code == "rejected"
    IdeaStatus.objects.filter(meaning="declined").update(active=False)
    assert status_for_meaning("declined") is None


class TestApi:
    def test_filter_by_code_is_checked_against_the_table(self, client, challenge, make_idea):
        IdeaStatus.objects.create(code="pilot", label="Pilot", meaning="in_progress")
        make_idea(challenge, title="Trial", status_id="pilot")
        make_idea(challenge, title="Other")
        data = client.get("/api/v1/ideas/", {"status": "pilot"}).json()
        assert [(r["title"], r["status"], r["status_meaning"]) for r in data["results"]] == [
            ("Trial", "pilot", "in_progress")
        ]
        response = client.get("/api/v1/ideas/", {"status": "nope"})
        assert response.status_code == 400
        assert "pilot" in response.json()["detail"]

    def test_the_schema_documents_status_as_a_code(self, client):
        schema = client.get("/api/v1/openapi.json").json()
        listing = schema["paths"]["/api/v1/ideas/"]["get"]
        status = next(p for p in listing["parameters"] if p["name"] == "status")
        assert "Code of a status" in status["description"]


def test_list_queries_do_not_grow_with_statuses(client, challenge, make_idea):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(challenge.url).status_code == 200
        return len(queries)

    make_idea(challenge, title="First")
    client.get(challenge.url)  # warm the site root paths cache
    few = count()
    for number in range(8):
        status = IdeaStatus.objects.create(
            code=f"custom-{number}", label=f"Custom {number}", meaning="in_progress"
        )
        make_idea(challenge, title=f"Idea {number}", status=status)
    assert count() == few


def test_labels_follow_the_active_language(challenge, make_idea):
    IdeaStatus.objects.filter(code="accepted").update(label_es="Aceptada", label_ar="")
    idea = make_idea(challenge, status_id="accepted")
    idea = Idea.objects.select_related("status").get(pk=idea.pk)
    with translation.override("es"):
        assert str(idea.status) == "Aceptada"
    with translation.override("ar"):
        assert str(idea.status) == "Accepted"  # no Arabic label yet: English
