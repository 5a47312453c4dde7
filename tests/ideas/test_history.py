"""The public history names what an edit changed; the edit event says who edited; the author
removes a map point without JavaScript."""

from decimal import Decimal

import pytest

from civitas.core.errors import NotAllowed
from ideas import services
from ideas.models import HistoryKind

pytestmark = pytest.mark.django_db

POINT = {"latitude": Decimal("50.846700"), "longitude": Decimal("4.352500")}


@pytest.fixture
def moderator(role_user, challenge):
    return role_user("moderator", scope=challenge, name="Mo")


@pytest.fixture
def placed(make_idea, challenge):
    return make_idea(challenge, location_text="Quay", **POINT)


def edited(heard):
    return [kwargs for name, kwargs in heard if name == "ideas.idea_edited"]


class TestChangedFields:
    def test_an_author_edit_records_and_shows_which_fields_changed(self, client, placed, author):
        services.idea_edit(
            idea=placed,
            by=author,
            data={
                "title": "Benches and trees",
                "body": "More shade.",
                "latitude": "50.85",
                "longitude": "4.36",
            },
        )
        entry = placed.history.get()
        assert entry.kind == HistoryKind.EDITED
        assert entry.fields == ["title", "body", "latitude", "longitude"]
        page = client.get(f"{placed.challenge.url}{placed.pk}/").content.decode()
        assert "Edited by the author: title, description, point on the map" in page

    def test_a_moderator_edit_names_its_fields_too(self, client, idea, moderator):
        services.idea_redact(
            idea=idea, by=moderator, reason="A phone number", data={"body": "Shade."}
        )
        assert idea.history.get().fields == ["body"]
        page = client.get(f"{idea.challenge.url}{idea.pk}/").content.decode()
        assert "Edited by a moderator: description" in page

    def test_the_api_gives_the_field_names(self, client, idea, author):
        services.idea_edit(idea=idea, by=author, data={"location_text": "Quay"})
        history = client.get(f"/api/v1/ideas/{idea.pk}").json()["history"]
        assert [(step["kind"], step["fields"]) for step in history] == [
            ("edited", ["location_text"])
        ]

    def test_older_entries_without_fields_show_the_kind_alone(self, client, idea):
        idea.history.create(kind=HistoryKind.EDITED)
        page = client.get(f"{idea.challenge.url}{idea.pk}/").content.decode()
        assert "Edited by the author</li>" in page


class TestEditedEvent:
    def test_the_author_edit_says_so(self, idea, author, heard, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            services.idea_edit(idea=idea, by=author, data={"title": "Trees"})
        assert edited(heard) == [
            {"idea": idea, "fields": ["title"], "by": author, "by_moderator": False}
        ]

    def test_a_moderator_edit_and_image_removal_say_so(
        self, make_idea, challenge, moderator, heard, django_capture_on_commit_callbacks
    ):
        idea = make_idea(challenge, image="ideas/x.jpg", image_alt="A bench")
        with django_capture_on_commit_callbacks(execute=True):
            services.idea_image_remove(idea=idea, by=moderator, reason="A face")
        with django_capture_on_commit_callbacks(execute=True):
            services.idea_redact(idea=idea, by=moderator, reason="A name", data={"body": "x"})
        assert [(k["fields"], k["by"], k["by_moderator"]) for k in edited(heard)] == [
            (["image", "image_alt"], moderator, True),
            (["body"], moderator, True),
        ]


class TestRemoveThePoint:
    def test_the_service_removes_it_whatever_coordinates_come_along(self, placed, author):
        services.idea_edit(
            idea=placed,
            by=author,
            data={"latitude": "50.8467", "longitude": "4.3525", "point_remove": True},
        )
        placed.refresh_from_db()
        assert (placed.latitude, placed.longitude, placed.location_text) == (None, None, "Quay")
        assert placed.history.get().fields == ["latitude", "longitude"]

    def test_without_javascript_a_box_removes_it(self, client, placed, author):
        url = f"{placed.challenge.url}{placed.pk}/edit/"
        client.force_login(author)
        assert 'name="point_remove"' in client.get(url).content.decode()
        kept = {"title": placed.title, "body": placed.body, "latitude": "50.8467"}
        response = client.post(url, {**kept, "longitude": "4.3525", "point_remove": "on"})
        assert response.status_code == 302
        placed.refresh_from_db()
        assert (placed.latitude, placed.longitude) == (None, None)

    def test_the_box_is_offered_only_when_there_is_a_point(self, client, idea, author):
        client.force_login(author)
        page = client.get(f"{idea.challenge.url}{idea.pk}/edit/").content.decode()
        assert 'name="point_remove"' not in page

    def test_the_point_stays_unless_the_box_is_ticked(self, client, placed, author):
        client.force_login(author)
        data = {"title": "Trees", "body": placed.body, "latitude": "50.8467"}
        client.post(f"{placed.challenge.url}{placed.pk}/edit/", {**data, "longitude": "4.3525"})
        placed.refresh_from_db()
        assert (placed.title, placed.latitude) == ("Trees", POINT["latitude"])


def test_others_cannot_use_the_box(placed, resident):
    with pytest.raises(NotAllowed):
        services.idea_edit(idea=placed, by=resident, data={"point_remove": True})
    placed.refresh_from_db()
    assert placed.latitude == POINT["latitude"]
