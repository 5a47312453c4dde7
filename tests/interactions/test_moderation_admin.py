import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from civitas.accounts.models import Role
from civitas.accounts.services import role_assign
from civitas.interactions import services
from civitas.interactions.models import Flag
from civitas.notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "interactions_moderation:queue"


def action_url(name, obj):
    type_id = ContentType.objects.get_for_model(obj).pk
    return reverse(f"interactions_moderation:{name}", args=[type_id, obj.pk])


@pytest.fixture
def reported(note, resident):
    services.flag_create(target=note, reporter=resident, reason="spam", details="Ads & x<y and y>z")
    services.flag_create(target=note, reporter=UserFactory(), reason="spam")
    services.flag_create(target=note, reporter=UserFactory(), reason="offensive")
    return note


def test_queue_groups_open_reports_by_content(client, site_moderator, reported, author):
    comment = services.comment_post(target=reported, author=author, body="Buy now")
    services.flag_create(target=comment, reporter=UserFactory(), reason="spam")
    client.force_login(site_moderator)
    response = client.get(reverse(QUEUE))
    assert response.status_code == 200
    html = response.content.decode()
    groups = response.context["groups"]
    assert [(g["target"], g["reports"]) for g in groups] == [(reported, 3), (comment, 1)]
    assert groups[0]["reasons"] == {"Spam or advertising": 2, "Offensive, abusive or hateful": 1}
    assert "3 reports" in html
    assert "More benches by the river" in html and "Buy now" in html
    assert "Ads &amp; x&lt;y and y&gt;z" in html  # what reporters wrote, escaped
    assert reported.process.specific.url in html


def test_hide_from_the_queue(client, moderator, reported, author):
    client.force_login(moderator)
    url = action_url("hide", reported)
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": " "})
    assert response.status_code == 400
    response = client.post(url, {"reason": "Advertising"})
    assert response.status_code == 302 and response.url == reverse(QUEUE)
    reported.refresh_from_db()
    assert reported.hidden_reason == "Advertising"
    assert not Flag.objects.open().exists()
    assert Notification.objects.filter(
        recipient=author, kind="interactions.content_hidden"
    ).exists()
    assert client.get(reverse(QUEUE)).context["groups"] == []


def test_dismiss_and_unhide(client, administrator, reported, author):
    client.force_login(administrator)
    assert client.post(action_url("dismiss", reported)).status_code == 302
    assert not Flag.objects.open().exists()
    reported.refresh_from_db()
    assert reported.hidden_at is None
    services.content_hide(target=reported, by=administrator, reason="Spam")
    hidden_page = client.get(reverse("interactions_moderation:hidden"))
    assert hidden_page.status_code == 200
    assert [item["object"] for item in hidden_page.context["items"]] == [reported]
    assert client.post(action_url("unhide", reported)).status_code == 302
    reported.refresh_from_db()
    assert reported.hidden_at is None
    assert client.get(action_url("dismiss", reported)).status_code == 405


def test_process_moderators_see_and_act_on_their_process_only(
    client, moderator, reported, make_process, make_note, resident
):
    elsewhere = make_note(make_process(title="Elsewhere"), text="Elsewhere note")
    services.flag_create(target=elsewhere, reporter=resident, reason="spam")
    client.force_login(moderator)
    groups = client.get(reverse(QUEUE)).context["groups"]
    assert [g["target"] for g in groups] == [reported]
    assert client.post(action_url("hide", elsewhere), {"reason": "x"}).status_code == 403
    assert client.post(action_url("dismiss", elsewhere)).status_code == 403
    assert Flag.objects.open().filter(target_id=elsewhere.pk).exists()


def test_staff_without_moderation_rights_get_403(client, reported):
    editor = UserFactory()
    role_assign(user=editor, role=Role.EDITOR, by=None)
    client.force_login(editor)
    assert client.get(reverse(QUEUE)).status_code == 403
    assert client.post(action_url("hide", reported), {"reason": "x"}).status_code == 403
    assert client.post(action_url("dismiss", reported)).status_code == 403
    assert Flag.objects.open().count() == 3
    assert "Moderation" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_residents_never_reach_the_queue(client, resident, reported):
    client.force_login(resident)
    response = client.get(reverse(QUEUE))
    assert response.status_code == 302  # the admin sends people without access to sign in
    assert "groups" not in (response.context or {})
    assert client.post(action_url("dismiss", reported)).status_code == 302
    assert Flag.objects.open().count() == 3


def test_menu_item_for_moderators(client, site_moderator):
    client.force_login(site_moderator)
    assert reverse(QUEUE) in client.get(reverse("wagtailadmin_home")).content.decode()


def test_unknown_or_unregistered_objects_are_404(client, administrator):
    client.force_login(administrator)
    user_type = ContentType.objects.get_for_model(administrator).pk
    url = reverse("interactions_moderation:hide", args=[user_type, administrator.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("interactions_moderation:hide", args=[99999, 1])).status_code == 404
