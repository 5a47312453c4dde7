"""Privacy: downloading one's data, and deleting the account everywhere while keeping input."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from wagtail.models import ModelLogEntry

from civitas.accounts.models import Role, RoleAssignment, TermsConsent, User
from civitas.accounts.services import account_delete, role_assign
from civitas.core.errors import Conflict
from tests.dummy_process.models import Note
from tests.dummy_process.services import note_submit
from tests.factories import UserFactory, make_dummy_process

from .conftest import PASSWORD, reauthenticate, sign_in


def sessions_of(user) -> list[Session]:
    return [s for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(user.pk)]


@pytest.mark.django_db
def test_download_my_data_is_a_private_json_attachment(client, resident, home_page):
    role_assign(user=resident, role=Role.MODERATOR, scope=None, by=None)
    client.force_login(resident)

    assert client.get("/me/privacy/download/").status_code == 405
    response = client.post("/me/privacy/download/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="civitas-my-data-')
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    data = json.loads(response.content)
    sections = data["sections"]
    assert {"accounts", "interactions"} <= set(sections)
    accounts = sections["accounts"]
    assert accounts["profile"]["email"] == resident.email
    assert accounts["profile"]["display_name"] == resident.display_name
    assert [r["role"] for r in accounts["roles"]] == ["moderator"]
    assert [c["version"] for c in accounts["terms_consents"]] == [
        TermsConsent.objects.get(user=resident).version
    ]
    assert accounts["email_addresses"] == [
        {"email": resident.email, "verified": True, "primary": True}
    ]
    assert ModelLogEntry.objects.filter(
        action="accounts.data.exported", object_id=str(resident.pk)
    ).exists()


@pytest.mark.django_db
def test_download_needs_sign_in(client):
    response = client.post("/me/privacy/download/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_delete_account_anonymises_keeps_notes_and_ends_every_session(client, resident, home_page):
    process = make_dummy_process(home_page)
    note, _created = note_submit(process=process, author=resident, text="A bench by the river")
    other_browser = Client()
    assert sign_in(client, resident.email).status_code == 302
    assert sign_in(other_browser, resident.email).status_code == 302
    assert other_browser.get("/me/").status_code == 200
    assert len(sessions_of(resident)) == 2

    page = client.get("/me/delete/")
    assert page.status_code == 200
    assert b'name="confirm"' in page.content
    # Deleting asks for the password again before it happens.
    response = client.post("/me/delete/", {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert User.objects.get(pk=resident.pk).deleted_at is None
    response = client.post(
        "/accounts/reauthenticate/", {"password": PASSWORD, "next": "/me/delete/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"

    user = User.objects.get(pk=resident.pk)
    assert user.deleted_at is not None
    assert user.email == f"deleted-{user.pk}@deleted.invalid"
    assert user.display_name == ""
    assert not user.is_active
    assert not user.has_usable_password()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not TermsConsent.objects.filter(user=user).exists()
    assert sessions_of(user) == []
    # Signed out here and in the other browser.
    assert SESSION_KEY not in client.session
    assert client.get("/me/").status_code == 302
    assert other_browser.get("/me/").status_code == 302
    home = client.get("/")
    assert b"Your account was deleted" in home.content
    # The note stays, shown as from a deleted user.
    note.refresh_from_db()
    assert note.author_id == user.pk
    assert Note.objects.select_related("author").get(pk=note.pk).author_name == "Deleted user"
    assert "Deleted user" in client.get(process.url).content.decode()
    assert resident.email not in client.get(process.url).content.decode()
    # The old address no longer signs in.
    assert SESSION_KEY not in sign_in(Client(), resident.email).wsgi_request.session


@pytest.mark.django_db
def test_delete_without_ticking_the_box_is_refused(client, resident):
    sign_in(client, resident.email)
    # Just reauthenticated: the form itself is what refuses.
    assert reauthenticate(client).status_code == 302
    response = client.post("/me/delete/", {})
    assert response.status_code == 400
    assert b"Tick the box" in response.content
    assert User.objects.get(pk=resident.pk).deleted_at is None


@pytest.mark.django_db
def test_audit_log_forgets_the_name_of_a_deleted_account(resident):
    from civitas.accounts.services import profile_update

    profile_update(user=resident, data={"display_name": "Very Recognisable"})
    account_delete(user=resident)

    labels = set(
        ModelLogEntry.objects.filter(object_id=str(resident.pk)).values_list("label", flat=True)
    )
    assert labels == {"Deleted user"}
    with pytest.raises(Conflict):
        account_delete(user=User.objects.get(pk=resident.pk))


@pytest.mark.django_db
def test_last_administrator_cannot_delete_the_account(administrator):
    with pytest.raises(Conflict):
        account_delete(user=administrator)
    second = UserFactory()
    role_assign(user=second, role=Role.ADMINISTRATOR, by=administrator)
    account_delete(user=administrator)
    assert not RoleAssignment.objects.filter(user=administrator).exists()


@pytest.mark.django_db
def test_downloads_are_rate_limited(client, resident):
    client.force_login(resident)
    statuses = [client.post("/me/privacy/download/").status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
