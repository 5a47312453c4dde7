import pytest
from django.urls import reverse

from civitas.notifications.models import Notification, NotificationPreference
from civitas.notifications.services import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REPLY = "interactions.reply"
HIDDEN = "interactions.content_hidden"


def make(person, count, **kwargs):
    for i in range(count):
        notify(recipients=[person], kind=REPLY, title=f"News {i}", **kwargs)


def test_sign_in_required(client):
    for name in ("notifications:list", "notifications:preferences"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_list_is_paginated_newest_first_with_unread_marked(client, person):
    make(person, 25)
    Notification.objects.filter(title="News 24").update(body="<b>escaped</b>")
    notify(recipients=[UserFactory()], kind=REPLY, title="Someone else's")
    client.force_login(person)
    first = client.get(reverse("notifications:list"))
    html = first.content.decode()
    titles = [n.title for n in first.context["notifications"]]
    assert titles == [f"News {i}" for i in range(24, 4, -1)]
    assert html.count("notification-unread") == 20
    assert "Mark all as read" in html
    assert "&lt;b&gt;escaped&lt;/b&gt;" in html
    assert "Someone else" not in html
    second = client.get(reverse("notifications:list"), {"page": 2})
    assert [n.title for n in second.context["notifications"]] == [
        f"News {i}" for i in range(4, -1, -1)
    ]
    assert client.get(reverse("notifications:list"), {"page": "x"}).status_code == 200


def test_mark_one_and_all_read(client, person):
    make(person, 3)
    first = Notification.objects.order_by("pk").first()
    client.force_login(person)
    assert client.get(reverse("notifications:read", args=[first.pk])).status_code == 405
    response = client.post(reverse("notifications:read", args=[first.pk]))
    assert response.status_code == 302 and response.url == reverse("notifications:list")
    first.refresh_from_db()
    assert first.read_at is not None
    response = client.post(reverse("notifications:read_all"), {"next": "https://evil.example/"})
    assert response.url == reverse("notifications:list")
    assert not Notification.objects.unread().exists()


def test_open_marks_read_and_follows_only_safe_links(client, person):
    notify(recipients=[person], kind=REPLY, title="Safe", url="/parks/#comment-3")
    notify(recipients=[person], kind=REPLY, title="Unsafe", url="https://evil.example/")
    safe, unsafe = Notification.objects.order_by("pk")
    client.force_login(person)
    response = client.get(reverse("notifications:open", args=[safe.pk]))
    assert response.url == "/parks/#comment-3"
    response = client.get(reverse("notifications:open", args=[unsafe.pk]))
    assert response.url == reverse("notifications:list")
    assert not Notification.objects.unread().exists()


def test_other_peoples_notifications_are_404(client, person):
    make(person, 1)
    mine = Notification.objects.get()
    client.force_login(UserFactory())
    assert client.post(reverse("notifications:read", args=[mine.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[mine.pk])).status_code == 404
    mine.refresh_from_db()
    assert mine.read_at is None


def test_preferences_page(client, person):
    client.force_login(person)
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Someone replied to my comment" in html
    assert "always shown in the app" in html
    # Everything unticked: e-mail off everywhere, in-app off except the mandatory kind.
    response = client.post(reverse("notifications:preferences"), {})
    assert response.status_code == 302
    stored = {p.kind: (p.in_app, p.email) for p in NotificationPreference.objects.all()}
    assert stored[REPLY] == (False, False)
    assert stored[HIDDEN] == (True, False)
    client.post(
        reverse("notifications:preferences"),
        {f"{REPLY}__in_app": "on", f"{REPLY}__email": "on", f"{HIDDEN}__in_app": ""},
    )
    assert NotificationPreference.objects.get(kind=REPLY).email is True
    assert NotificationPreference.objects.get(kind=HIDDEN).in_app is True


def test_header_badge_counts_unread(client, person):
    make(person, 2)
    client.force_login(person)
    html = client.get(reverse("notifications:list")).content.decode()
    assert "data-unread-count" in html
