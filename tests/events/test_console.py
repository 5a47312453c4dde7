"""The facilitator console: who may log, what logging does, idempotent sync, bad input."""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail.models import ModelLogEntry

from civitas.accounts.models import Role
from civitas.accounts.services import role_assign
from civitas.participation.models import Channel
from events import services
from events.models import Attendance, EventInput, InputPhoto, ReceiptCard
from ideas.models import Idea
from ideas.services import idea_status_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def idea_data(process, **extra):
    data = {
        "kind": "idea",
        "submission_key": str(uuid.uuid4()),
        "challenge": process.pk,
        "title": "Shade trees on Mill Square",
        "text": "Plant trees on the south side.",
        "source_detail": "Table 3",
        "people_count": "6",
        "language": "fr",
    }
    data.update(extra)
    return data


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # camera make
    exif[0x8825] = {1: "N", 2: (50.0, 50.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


@pytest.fixture
def staff(event, facilitator_of):
    """People in every role that must not log input for `event`, and its facilitator."""
    other_event_facilitator = UserFactory()
    editor, admin, moderator = UserFactory(), UserFactory(), UserFactory()
    role_assign(user=editor, role=Role.EDITOR, by=None)
    role_assign(user=admin, role=Role.ADMINISTRATOR, by=None)
    role_assign(user=moderator, role=Role.MODERATOR, by=None)
    return {
        "resident": UserFactory(),
        "editor": editor,
        "administrator": admin,
        "moderator": moderator,
        "other_facilitator": other_event_facilitator,
        "facilitator": facilitator_of(event),
    }


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("resident", False),
        ("editor", False),
        ("administrator", False),
        ("moderator", False),
        ("other_facilitator", False),
        ("facilitator", True),
    ],
)
def test_only_the_events_facilitators_log_input(
    client, event, make_event, facilitator_of, staff, challenge, who, allowed
):
    facilitator_of(make_event(title="Another event"), name="Other")
    role_assign(
        user=staff["other_facilitator"],
        role=Role.FACILITATOR,
        scope=make_event(title="Third event"),
        by=None,
    )
    client.force_login(staff[who])
    console = client.get(f"{event.url}console/")
    sync = client.post(f"{event.url}console/sync/", idea_data(challenge))
    form = client.post(f"{event.url}console/input/", idea_data(challenge))
    if allowed:
        assert console.status_code == 200
        assert sync.status_code == 200
        assert form.status_code == 302
        assert EventInput.objects.count() == 2
    else:
        assert (console.status_code, sync.status_code, form.status_code) == (403, 403, 403)
        assert not EventInput.objects.exists()
        assert not Idea.objects.exists()


def test_visitors_are_sent_to_sign_in(client, event):
    assert client.get(f"{event.url}console/")["Location"].startswith("/accounts/login/")
    assert client.post(f"{event.url}console/sync/", {"kind": "note"}).status_code == 401


def test_an_idea_logged_at_the_event_goes_through_ideas_with_provenance(
    client, event, challenge, facilitator_of, django_capture_on_commit_callbacks
):
    facilitator = facilitator_of(event)
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{event.url}console/input/", idea_data(challenge))
    assert response.status_code == 302
    idea = Idea.objects.get()
    assert idea.process_id == challenge.pk
    assert idea.channel == Channel.OFFLINE_EVENT
    assert idea.entered_by == facilitator
    assert idea.author is None
    assert (idea.source_type.model_class(), idea.source_id) == (type(event), event.pk)
    assert (idea.source_detail, idea.people_count, idea.language) == ("Table 3", 6, "fr")
    item = EventInput.objects.get()
    assert item.target == idea
    assert (item.channel, item.entered_by, item.people_count) == (
        Channel.OFFLINE_EVENT,
        facilitator,
        6,
    )
    assert ModelLogEntry.objects.filter(action="ideas.idea.submitted").count() == 1
    assert ModelLogEntry.objects.filter(action="events.input.logged").count() == 1


def test_sync_is_idempotent_and_answers_the_same_for_a_repeated_key(
    client, event, challenge, facilitator_of
):
    client.force_login(facilitator_of(event))
    data = idea_data(challenge)
    first = client.post(f"{event.url}console/sync/", data)
    second = client.post(f"{event.url}console/sync/", data)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert first.json()["target_url"].endswith(f"/{Idea.objects.get().pk}/")
    assert EventInput.objects.count() == 1
    assert Idea.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"text": ""}, "text"),
        ({"title": ""}, "title"),
        ({"people_count": "0"}, "people_count"),
        ({"people_count": "lots"}, "people_count"),
        ({"language": "xx"}, "language"),
        ({"challenge": "999999"}, "challenge"),
        ({"submission_key": "not-a-uuid"}, "submission_key"),
        ({"text": "x" * 5001}, "text"),
        ({"source_detail": "tab\x00le"}, "source_detail"),
    ],
)
def test_bad_input_gets_a_clear_message_and_nothing_is_saved(
    client, event, challenge, facilitator_of, change, field
):
    client.force_login(facilitator_of(event))
    response = client.post(f"{event.url}console/sync/", idea_data(challenge, **change))
    assert response.status_code == 400
    assert field in response.json()["errors"]
    form = client.post(f"{event.url}console/input/", idea_data(challenge, **change))
    assert form.status_code == 400
    assert "There is a problem" in form.content.decode()
    assert not EventInput.objects.exists()
    assert not Idea.objects.exists()


def test_unknown_kind_and_missing_key(client, event, facilitator_of):
    client.force_login(facilitator_of(event))
    assert client.post(f"{event.url}console/sync/", {"kind": "spell"}).status_code == 400
    response = client.post(f"{event.url}console/sync/", {"kind": "note", "text": "Hi"})
    assert response.status_code == 400
    assert "submission_key" in response.json()["errors"]
    assert client.get(f"{event.url}console/?kind=spell").status_code == 404


def test_comment_note_and_dot_vote_stay_in_events(client, event, facilitator_of):
    client.force_login(facilitator_of(event))
    base = {"source_detail": "Wall", "people_count": "1", "language": "en"}
    for kind, extra in (
        ("comment", {"text": "Keep the market"}),
        ("note", {"text": "People asked for Arabic"}),
        ("dot_vote", {"title": "Benches", "text": "Most dots", "tally": "17"}),
    ):
        data = {**base, **extra, "kind": kind, "submission_key": str(uuid.uuid4())}
        assert client.post(f"{event.url}console/sync/", data).status_code == 200
    assert EventInput.objects.get(kind="dot_vote").tally == 17
    assert not EventInput.objects.exclude(target_id=None).exists()
    assert client.post(
        f"{event.url}console/sync/",
        {
            **base,
            "kind": "dot_vote",
            "title": "x",
            "text": "y",
            "submission_key": str(uuid.uuid4()),
        },
    ).json()["errors"]["tally"]


def test_flip_chart_photos_are_stored_without_metadata(client, event, facilitator_of):
    client.force_login(facilitator_of(event))
    photo = SimpleUploadedFile("chart.jpg", jpeg_with_gps(), content_type="image/jpeg")
    data = {"kind": "note", "text": "See the chart", "people_count": "4", "language": "en"}
    response = client.post(
        f"{event.url}console/sync/", {**data, "submission_key": str(uuid.uuid4()), "photos": photo}
    )
    assert response.status_code == 200
    stored = InputPhoto.objects.get()
    with stored.image.open("rb") as handle, Image.open(handle) as image:
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert image.size == (40, 30)


def test_files_that_are_not_photos_are_refused(client, event, facilitator_of):
    client.force_login(facilitator_of(event))
    fake = SimpleUploadedFile("chart.jpg", b"<?php evil(); ?>", content_type="image/jpeg")
    data = {"kind": "note", "text": "x", "people_count": "1", "language": "en"}
    response = client.post(
        f"{event.url}console/sync/", {**data, "submission_key": str(uuid.uuid4()), "photos": fake}
    )
    assert response.status_code == 400
    assert "photos" in response.json()["errors"]
    assert not EventInput.objects.exists()


def test_receipt_cards_let_participants_follow_their_input(
    client, event, challenge, facilitator_of, make_event
):
    facilitator = facilitator_of(event)
    client.force_login(facilitator)
    assert client.post(f"{event.url}console/cards/", {"count": "3"}).status_code == 302
    cards = list(ReceiptCard.objects.filter(event=event))
    assert len(cards) == 3
    page = client.get(f"{event.url}console/cards/").content.decode()
    assert page.count('class="qr"') == 3
    assert cards[0].code in page
    data = idea_data(challenge, receipt_code=cards[0].code.lower())
    assert client.post(f"{event.url}console/sync/", data).status_code == 200
    # A card is attached once; cards of other events are refused.
    again = client.post(
        f"{event.url}console/sync/", idea_data(challenge, receipt_code=cards[0].code)
    )
    assert again.status_code == 409
    other = services.receipt_cards_create(event=make_event(title="Other"), by=None, count=1)[0]
    refused = client.post(
        f"{event.url}console/sync/", idea_data(challenge, receipt_code=other.code)
    )
    assert refused.status_code == 400
    assert EventInput.objects.count() == 1

    idea = Idea.objects.get()
    idea_status_set(idea=idea, status="accepted", answer="We plant them in spring.", by=None)
    client.logout()
    lookup = client.get(f"{event.get_parent().url}receipt/", {"code": cards[0].code})
    assert lookup.status_code == 200
    text = lookup.content.decode()
    assert "Shade trees on Mill Square" in text
    assert "Accepted" in text
    assert "We plant them in spring." in text
    assert client.get(f"{event.get_parent().url}receipt/", {"code": "NOPE"}).status_code == 404


def test_attendance_in_bands_kept_as_aggregates(client, event, facilitator_of, district):
    client.force_login(facilitator_of(event))
    url = f"{event.url}console/attendance/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"total": "5", "age_18_29": "4", "age_65_plus": "3"})
    assert bad.status_code == 400
    assert "add up to more" in bad.content.decode()
    good = client.post(url, {"total": "12", "age_18_29": "4", f"district_{district.pk}": "7"})
    assert good.status_code == 302
    attendance = Attendance.objects.get()
    assert (attendance.total, attendance.by_age, attendance.by_district) == (
        12,
        {"18_29": 4},
        {str(district.pk): 7},
    )
