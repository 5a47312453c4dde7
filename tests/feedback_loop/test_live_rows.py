"""Live inboxes show cases that arrive: the consumer names only cases the subscriber may see
(in the inbox they follow), contributing departments hear their cases too, and each row is
rendered by the server with the inbox's own row template and checks."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from config.asgi import application
from feedback_loop import services
from feedback_loop.models import CaseState
from tests.notifications.test_consumer import signed_in_headers

PATH = "/ws/feedback/inbox/"


@pytest.fixture(autouse=True)
def forget_flushed_content_types():
    ContentType.objects.clear_cache()


async def drain(socket) -> list:
    """Every message waiting on the socket."""
    messages = []
    while not await socket.receive_nothing(timeout=0.5):
        messages.append(await socket.receive_json_from(timeout=1))
    return messages


def added_in(messages) -> list:
    return [pk for message in messages for pk in message.get("added", [])]


@pytest.mark.django_db(transaction=True)
def test_a_new_case_is_named_to_its_department_and_to_no_other(
    client,
    channel_layer_settings,
    submit,
    rules,
    topic,
    streets_member,
    parks_member,
    case_of,
):
    streets_headers = signed_in_headers(client, streets_member)
    parks_headers = signed_in_headers(Client(), parks_member)

    async def scenario():
        streets = WebsocketCommunicator(application, PATH, headers=streets_headers)
        parks = WebsocketCommunicator(application, PATH, headers=parks_headers)
        assert (await streets.connect(timeout=10))[0]
        assert (await parks.connect(timeout=10))[0]
        await streets.receive_json_from(timeout=10)
        await parks.receive_json_from(timeout=10)
        idea = await database_sync_to_async(submit)(topic=topic)
        case = await database_sync_to_async(case_of)(idea)
        heard = await drain(streets)
        assert heard and added_in(heard) == [case.pk]
        assert heard[-1]["counts"]["open"] == 1 and heard[-1]["changed"] is True
        # Privacy: another department's member hears nothing at all of it.
        assert await parks.receive_nothing(timeout=0.5)
        await streets.disconnect(timeout=10)
        await parks.disconnect(timeout=10)

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_a_department_left_behind_hears_the_counts_but_not_the_case(
    client,
    channel_layer_settings,
    submit,
    rules,
    topic,
    parks,
    streets_member,
    taskforce,
    case_of,
):
    case = case_of(submit(topic=topic))
    headers = signed_in_headers(client, streets_member)

    async def scenario():
        socket = WebsocketCommunicator(application, PATH, headers=headers)
        assert (await socket.connect(timeout=10))[0]
        assert (await socket.receive_json_from(timeout=10))["counts"]["open"] == 1
        await database_sync_to_async(services.case_assign)(
            case=case, department=parks, by=taskforce, reason="A park path."
        )
        heard = await drain(socket)
        assert heard and added_in(heard) == []
        assert heard[-1]["counts"]["open"] == 0
        await socket.disconnect(timeout=10)

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_contributing_departments_hear_their_cases(
    client,
    channel_layer_settings,
    submit,
    rules,
    topic,
    parks,
    parks_member,
    taskforce,
    case_of,
):
    case = case_of(submit(topic=topic))
    headers = signed_in_headers(client, parks_member)

    async def scenario():
        socket = WebsocketCommunicator(
            application, f"{PATH}?department={parks.pk}", headers=headers
        )
        assert (await socket.connect(timeout=10))[0]
        await socket.receive_json_from(timeout=10)
        await database_sync_to_async(services.case_add_contributing_department)(
            case=case, department=parks, by=taskforce
        )
        assert added_in(await drain(socket)) == [case.pk]
        # Later changes of the case reach the contributing department's inbox too.
        await database_sync_to_async(services.case_set_priority)(
            case=case, priority=4, by=taskforce
        )
        heard = await drain(socket)
        assert heard and heard[-1]["changed"] is True
        await socket.disconnect(timeout=10)

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_a_returned_case_arrives_in_the_taskforce_inbox_and_leaves_the_department(
    client,
    channel_layer_settings,
    submit,
    rules,
    topic,
    streets_member,
    taskforce,
    case_of,
):
    case = case_of(submit(topic=topic))
    member_headers = signed_in_headers(client, streets_member)
    taskforce_headers = signed_in_headers(Client(), taskforce)

    async def scenario():
        member = WebsocketCommunicator(application, PATH, headers=member_headers)
        team = WebsocketCommunicator(application, PATH, headers=taskforce_headers)
        assert (await member.connect(timeout=10))[0]
        assert (await team.connect(timeout=10))[0]
        await member.receive_json_from(timeout=10)
        await team.receive_json_from(timeout=10)
        await database_sync_to_async(services.case_return)(
            case=case, by=streets_member, reason="Not ours."
        )
        heard = await drain(team)
        assert added_in(heard) == [case.pk] and heard[-1]["counts"]["triage"] == 1
        left = await drain(member)
        assert left and added_in(left) == [] and left[-1]["counts"]["open"] == 0
        await member.disconnect(timeout=10)
        await team.disconnect(timeout=10)

    async_to_sync(scenario)()


# --- the row a live inbox fetches ---------------------------------------------------------


def row_url(case, slug=None):
    if slug:
        return reverse("feedback_loop:department_row", args=[slug, case.pk])
    return reverse("feedback_loop:inbox_row", args=[case.pk])


@pytest.mark.django_db
def test_a_member_gets_the_row_of_their_case_only(
    client, submit, rules, topic, other_topic, streets_member, case_of
):
    mine = case_of(submit(topic=topic, title="Crossing"))
    theirs = case_of(submit(topic=other_topic, title="Benches"))
    client.force_login(streets_member)
    response = client.get(row_url(mine))
    body = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert body.strip().startswith(f'<tr data-case-id="{mine.pk}"')
    assert f"#{mine.pk} Crossing" in body and "Streets" in body
    assert "<html" not in body
    assert client.get(row_url(theirs)).status_code == 404
    assert client.get(row_url(mine, "streets")).status_code == 200
    assert client.get(row_url(theirs, "parks")).status_code == 403


@pytest.mark.django_db
def test_the_row_follows_the_inbox_filters(
    client, submit, rules, topic, streets_member, taskforce, case_of
):
    routed = case_of(submit(topic=topic, title="Crossing"))
    waiting = case_of(submit(title="No topic"))
    assert waiting.state == CaseState.TRIAGE
    client.force_login(streets_member)
    assert client.get(row_url(routed), {"state": "drafted"}).status_code == 204
    assert client.get(row_url(routed), {"state": "routed"}).status_code == 200
    assert client.get(row_url(routed), {"state": "nonsense"}).status_code == 400
    # The taskforce's inbox opens on triage: a routed case is not in it, a waiting one is,
    # with the checkbox of the bulk actions.
    client.force_login(taskforce)
    assert client.get(row_url(routed)).status_code == 204
    response = client.get(row_url(waiting))
    assert response.status_code == 200 and 'name="cases"' in response.content.decode()
    assert client.get(row_url(routed), {"state": ""}).status_code == 200


@pytest.mark.django_db
def test_the_inbox_loads_the_translations_and_the_live_script(
    client, submit, rules, topic, streets_member, case_of
):
    case = case_of(submit(topic=topic))
    client.force_login(streets_member)
    page = client.get(reverse("feedback_loop:inbox")).content.decode()
    catalog = page.index(reverse("javascript-catalog"))
    assert catalog < page.index("feedback_loop/inbox.js")
    assert f'data-row-url="{reverse("feedback_loop:inbox_row", args=[0])}"' in page
    assert 'aria-live="polite"' in page
    # Without JavaScript the list is complete, rendered with the same row.
    assert f'<tr data-case-id="{case.pk}"' in page


@pytest.mark.django_db
def test_an_empty_inbox_keeps_a_hidden_table_for_live_rows(client, streets_member):
    client.force_login(streets_member)
    page = client.get(reverse("feedback_loop:inbox")).content.decode()
    assert "No cases here." in page
    assert 'id="bulk-form" hidden data-live-hidden' in page
