"""Privacy matrix: nobody outside department B reaches a case of B by any path.

Who tries: a member of department A, a member of a department asked to contribute to another
case of B, a former member of B, a resident and someone not signed in. What they try: the case
page and its actions, its files, the inboxes with their search and filters, the CSV export, the
bulk form, the department API with another department's token, the live inbox subscription and
the links of the notifications and e-mails sent about the case. Every path answers 403 or 404
(or a login redirect for someone not signed in), lists leave the case out, and nothing changes.
"""

import json
import re

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished
from django.db import close_old_connections
from django.urls import reverse

from civitas.accounts.models import Role, RoleAssignment
from civitas.accounts.services import role_revoke
from civitas.notifications.models import Notification, NotificationPreference
from config.asgi import application
from feedback_loop import services
from feedback_loop.models import Case, CaseState, Department, DepartmentToken
from feedback_loop.views import ACTION_PERMS
from tests.notifications.test_consumer import assert_refused, signed_in_headers

from .conftest import person

PERSONAS = ["other_member", "contributor", "removed_member", "resident", "anonymous"]
SECRET_TITLE = "Bench plan kept within Parks"


@pytest.fixture
def world(
    settings,
    tmp_path,
    rules,
    streets,
    parks,
    streets_member,
    parks_member,
    taskforce,
    resident,
    other_topic,
    submit,
    case_of,
    django_capture_on_commit_callbacks,
):
    """Two cases of Parks (B): `secret`, which no one outside Parks may reach, and `shared`,
    to which Culture was asked to contribute. Streets (A) and Culture each have a member."""
    settings.CIVITAS_PRIVATE_MEDIA_ROOT = str(tmp_path)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    culture = Department.objects.create(name="Culture", slug="culture")
    contributor = person(Role.DEPARTMENT_MEMBER, culture, name="Cleo")
    removed = person(Role.DEPARTMENT_MEMBER, parks, name="Remy")
    for member in (parks_member, removed):
        # New cases are e-mailed to those who ask for it, so that the e-mailed links are tried.
        NotificationPreference.objects.create(
            user=member, kind="feedback_loop.case_assigned", in_app=True, email=True
        )
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        # Routing notifies Parks in the app and by e-mail, after the commit.
        secret = case_of(submit(topic=other_topic, title=SECRET_TITLE))
        shared = case_of(submit(topic=other_topic, title="Playground shared with Culture"))
    assert secret.department_id == parks.pk and secret.state == CaseState.ROUTED
    with django_capture_on_commit_callbacks(execute=True):
        services.case_add_contributing_department(case=shared, department=culture, by=taskforce)
        attachment = services.attachment_add(
            case=secret,
            by=parks_member,
            file=SimpleUploadedFile("memo.txt", b"secret", content_type="text/plain"),
            title="Internal memo",
            public=False,
        )
        public_file = services.attachment_add(
            case=secret,
            by=parks_member,
            file=SimpleUploadedFile("plan.csv", b"bench,1\n", content_type="text/csv"),
            title="Plan",
            public=True,
        )
    role_revoke(
        assignment=RoleAssignment.objects.get(user=removed, role=Role.DEPARTMENT_MEMBER),
        by=None,
    )
    return {
        "secret": Case.objects.get(pk=secret.pk),
        "shared": shared,
        "attachments": [attachment, public_file],
        "parks": parks,
        "culture": culture,
        "parks_member": parks_member,
        "taskforce": taskforce,
        "people": {
            "other_member": streets_member,
            "contributor": contributor,
            "removed_member": removed,
            "resident": resident,
            "anonymous": None,
        },
    }


def sign_in(client, world, persona):
    user = world["people"][persona]
    if user is not None:
        client.force_login(user)
    return user


def snapshot(case: Case) -> tuple:
    """Everything about a case that a leaked write would change."""
    case = Case.objects.get(pk=case.pk)
    return (
        case.state,
        case.department_id,
        case.priority,
        case.due_date,
        case.merged_into_id,
        case.out_of_scope_reason,
        case.events.count(),
        case.attachments.count(),
        sorted(case.contributing_departments.values_list("pk", flat=True)),
        Case.objects.filter(answer__case=case).count(),
    )


def assert_denied(response, persona):
    """403 or 404; someone not signed in is sent to sign in, which shows nothing either."""
    if persona == "anonymous" and response.status_code == 302:
        assert reverse("account_login") in response["Location"]
        return
    assert response.status_code in (403, 404), (persona, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_case_page_and_every_action_are_refused(client, world, persona):
    secret = world["secret"]
    before = snapshot(secret)
    sign_in(client, world, persona)
    assert_denied(client.get(reverse("feedback_loop:case", args=[secret.pk])), persona)
    for action in ACTION_PERMS:
        response = client.post(
            reverse("feedback_loop:case_action", args=[secret.pk, action]),
            {
                f"{action}-department": world["culture"].pk,
                f"{action}-reason": "Taken over",
                f"{action}-priority": 4,
                f"{action}-decision": "adopted",
                f"{action}-public_text": "Leaked answer",
                f"{action}-text": "Leaked part",
                f"{action}-title": "Leaked file",
                f"{action}-file": SimpleUploadedFile("x.txt", b"x", content_type="text/plain"),
                f"{action}-others": str(world["shared"].pk),
            },
        )
        assert_denied(response, persona)
    assert snapshot(secret) == before


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_attachments_are_refused(client, world, persona):
    sign_in(client, world, persona)
    for attachment in world["attachments"]:
        # The public file is public only with a published answer; this one is not published.
        assert_denied(
            client.get(reverse("feedback_loop:attachment", args=[attachment.pk])), persona
        )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_lists_searches_and_exports_leave_the_case_out(client, world, persona):
    secret, parks = world["secret"], world["parks"]
    sign_in(client, world, persona)
    link = reverse("feedback_loop:case", args=[secret.pk]).encode()
    for path in [
        "/feedback/inbox/",
        f"/feedback/inbox/?q={SECRET_TITLE[:10]}",
        f"/feedback/inbox/?department={parks.pk}",
        "/feedback/inbox/?state=routed",
        "/feedback/inbox/?overdue=on",
        "/feedback/inbox/cases.csv",
        f"/feedback/inbox/cases.csv?q={SECRET_TITLE[:10]}",
        f"/feedback/inbox/cases.csv?department={parks.pk}",
        "/feedback/approvals/",
        "/feedback/",
    ]:
        response = client.get(path)
        assert response.status_code in (200, 302, 400, 403, 404), path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert SECRET_TITLE.encode() not in body, (persona, path)
        assert link not in body, (persona, path)
    assert_denied(client.get(reverse("feedback_loop:department", args=[parks.slug])), persona)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_bulk_form_changes_nothing(client, world, persona):
    secret = world["secret"]
    before = snapshot(secret)
    sign_in(client, world, persona)
    for action in ("assign", "priority", "out_of_scope"):
        response = client.post(
            reverse("feedback_loop:bulk"),
            {
                "cases": [secret.pk],
                "action": action,
                "department": world["culture"].pk,
                "priority": 4,
                "reason": "Not ours",
            },
        )
        assert_denied(response, persona)
    assert snapshot(secret) == before


TOKENS = ["other_department", "contributing_department", "revoked_parks", "none"]


@pytest.fixture
def api_token(world, streets):
    def make(kind):
        if kind == "none":
            return None
        if kind == "revoked_parks":
            token, raw = DepartmentToken.issue(department=world["parks"], label="Old system")
            services.token_revoke(token=token, by=world["taskforce"])
            return raw
        department = streets if kind == "other_department" else world["culture"]
        return DepartmentToken.issue(department=department, label="Their system")[1]

    return make


@pytest.mark.django_db
@pytest.mark.parametrize("kind", TOKENS)
def test_department_api_with_another_token(client, world, api_token, kind):
    secret, shared = world["secret"], world["shared"]
    raw = api_token(kind)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}
    before = snapshot(secret), snapshot(shared)
    listed = client.get("/api/v1/feedback/cases", **headers)
    if listed.status_code == 200:
        ids = {item["id"] for item in listed.json()}
        assert secret.pk not in ids and shared.pk not in ids
    else:
        assert listed.status_code in (401, 403)
    for case in (secret, shared):
        base = f"/api/v1/feedback/cases/{case.pk}"
        assert client.get(base, **headers).status_code in (401, 403, 404)
        for path, body in (
            (f"{base}/answer", {"decision": "adopted", "public_text": "Leaked answer"}),
            (f"{base}/status", {"status": "in_progress", "note": "Leaked note"}),
        ):
            response = client.post(
                path, json.dumps(body), content_type="application/json", **headers
            )
            assert response.status_code in (401, 403, 404), (kind, path)
    assert (snapshot(secret), snapshot(shared)) == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("persona", ["other_member", "contributor", "removed_member", "resident"])
def test_live_inbox_of_another_department_is_refused(
    client, channel_layer_settings, world, persona
):
    ContentType.objects.clear_cache()
    headers = signed_in_headers(client, world["people"][persona])
    path = f"/ws/feedback/inbox/?department={world['parks'].pk}"

    async_to_sync(assert_refused)(path, headers)


@pytest.mark.django_db(transaction=True)
def test_live_inbox_counts_leave_other_departments_out(client, channel_layer_settings, world):
    """The member of A hears the counters of A only: B's routed cases are not counted."""
    ContentType.objects.clear_cache()
    headers = signed_in_headers(client, world["people"]["other_member"])

    async def scenario():
        socket = WebsocketCommunicator(application, "/ws/feedback/inbox/", headers=headers)
        connected, _ = await socket.connect(timeout=10)
        assert connected
        first = await socket.receive_json_from(timeout=10)
        assert first["counts"]["total"] == 0 and first["counts"]["open"] == 0
        await socket.disconnect(timeout=10)

    async_to_sync(scenario)()


LINK = re.compile(r"(/(?:feedback|notifications)/[^\s\"'<>]*)")


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_links_sent_about_the_case_are_refused(client, world, persona):
    secret = world["secret"]
    notices = list(Notification.objects.filter(url__contains=f"/cases/{secret.pk}/"))
    assert notices, "Parks was told about its case"
    links = {notice.url for notice in notices}
    mailed = 0
    for message in mail.outbox:
        text = message.body + "".join(str(alt[0]) for alt in getattr(message, "alternatives", []))
        if f"/cases/{secret.pk}/" in text:
            # Every link but the footer's one to the reader's own notification settings.
            links |= set(LINK.findall(text)) - {reverse("notifications:preferences")}
            mailed += 1
    assert mailed, "Parks was e-mailed about its case, so the e-mailed links are tried too"
    before = snapshot(secret)
    user = sign_in(client, world, persona)
    for link in sorted(links):
        assert_denied(client.get(link), persona)
    # Someone else's notification is not found; the former member's own one (sent while a
    # member of Parks) leads only to the case page, which is refused.
    for notice in notices:
        response = client.get(reverse("notifications:open", args=[notice.pk]))
        if user is not None and notice.recipient_id == user.pk:
            assert response.status_code == 302 and response["Location"] == notice.url
            assert_denied(client.get(response["Location"]), persona)
        else:
            assert_denied(response, persona)
            notice.refresh_from_db()
            assert notice.read_at is None
    assert snapshot(secret) == before


@pytest.mark.django_db
def test_contributor_sees_the_shared_case_but_cannot_answer_or_triage_it(client, world):
    """A contributing department sees the case it was asked about and adds its part only."""
    shared = world["shared"]
    before = snapshot(shared)
    sign_in(client, world, "contributor")
    assert client.get(reverse("feedback_loop:case", args=[shared.pk])).status_code == 200
    for action in (
        "assign",
        "priority",
        "out-of-scope",
        "group",
        "invite",
        "answer",
        "attach",
        "approve",
        "publish",
        "review",
        "sort",
        "translate",
    ):
        response = client.post(
            reverse("feedback_loop:case_action", args=[shared.pk, action]),
            {f"{action}-decision": "adopted", f"{action}-public_text": "Leaked answer"},
        )
        assert response.status_code == 403, action
    assert snapshot(shared) == before


@pytest.mark.django_db
def test_the_department_itself_reaches_every_path(client, world):
    """The control: Parks's own member and token find the case where the others do not, so
    the checks above look where the case would show."""
    secret, parks = world["secret"], world["parks"]
    client.force_login(world["parks_member"])
    link = reverse("feedback_loop:case", args=[secret.pk]).encode()
    for path in [
        "/feedback/inbox/",
        f"/feedback/inbox/?q={SECRET_TITLE[:10]}",
        f"/feedback/inbox/?department={parks.pk}",
        reverse("feedback_loop:department", args=[parks.slug]),
    ]:
        response = client.get(path)
        assert response.status_code == 200 and link in response.content, path
    export = client.get(f"/feedback/inbox/cases.csv?q={SECRET_TITLE[:10]}")
    assert SECRET_TITLE.encode() in export.content
    assert client.get(link.decode()).status_code == 200
    private = world["attachments"][0]
    response = client.get(reverse("feedback_loop:attachment", args=[private.pk]))
    assert b"".join(response.streaming_content) == b"secret"
    # Close the file as the test client does for streamed responses: without letting the end
    # of the request close the test's database connection.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    raw = DepartmentToken.issue(department=parks, label="Parks system")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    listed = client.get("/api/v1/feedback/cases", **headers).json()
    assert secret.pk in {item["id"] for item in listed}
    assert client.get(f"/api/v1/feedback/cases/{secret.pk}", **headers).status_code == 200
