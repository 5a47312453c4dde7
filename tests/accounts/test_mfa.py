"""Two-factor authentication: the pages, and staff required to use it before the admin."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.auth import SESSION_KEY

from civitas.accounts.models import Role

from .conftest import PASSWORD, person_with_role, reauthenticate, sign_in


def current_code(secret: str) -> str:
    # A code read in the last seconds of its 30-second step could reach the server in the
    # next step, where it no longer counts: wait for the next step then.
    left = 30 - time.time() % 30
    if left < 2:
        time.sleep(left + 0.05)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def activate_totp(client) -> str:
    """Activate an authenticator app through the pages; returns the secret."""
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page.content.decode()).group(1)
    response = client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    assert response.status_code == 302
    return secret


@pytest.fixture
def taskforce_member(db):
    return person_with_role(Role.TASKFORCE, display_name="Tess Taskforce")


@pytest.mark.django_db
def test_staff_without_totp_is_sent_to_set_it_up_when_required(client, settings, taskforce_member):
    settings.CIVITAS_REQUIRE_MFA_FOR_STAFF = True
    client.force_login(taskforce_member)

    response = client.get("/admin/pages/?q=x")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/?next=%2Fadmin%2Fpages%2F%3Fq%3Dx"
    # Signing out of the admin stays possible.
    assert client.post("/admin/logout/").status_code == 302


@pytest.mark.django_db
def test_staff_reach_the_admin_when_mfa_is_not_required(client, settings, taskforce_member):
    settings.CIVITAS_REQUIRE_MFA_FOR_STAFF = False
    client.force_login(taskforce_member)

    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_residents_are_never_asked_for_totp(client, settings, resident):
    settings.CIVITAS_REQUIRE_MFA_FOR_STAFF = True
    client.force_login(resident)

    response = client.get("/admin/")
    assert "/2fa/" not in response.get("Location", "")


@pytest.mark.django_db
def test_activating_totp_opens_the_admin_and_is_asked_at_sign_in(
    client, settings, taskforce_member
):
    settings.CIVITAS_REQUIRE_MFA_FOR_STAFF = True
    sign_in(client, taskforce_member.email)
    # Activation needs a fresh confirmation of the password.
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
    reauthenticate(client)
    secret = activate_totp(client)

    assert Authenticator.objects.filter(user=taskforce_member, type="totp").exists()
    assert client.get("/admin/").status_code == 200
    index = client.get("/accounts/2fa/")
    assert b"An authenticator app is active." in index.content
    codes = client.get("/accounts/2fa/recovery-codes/")
    assert codes.status_code == 200
    assert b'<ul class="recovery-codes"' in codes.content

    client.logout()
    response = sign_in(client, taskforce_member.email)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert SESSION_KEY not in client.session
    page = client.get("/accounts/2fa/authenticate/")
    assert b'for="id_code"' in page.content
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert b'class="error-summary"' in wrong.content
    response = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(taskforce_member.pk)


@pytest.mark.django_db
def test_deactivating_totp(client, resident):
    sign_in(client, resident.email)
    reauthenticate(client, PASSWORD)
    activate_totp(client)

    page = client.get("/accounts/2fa/totp/deactivate/")
    assert page.status_code == 200
    assert b"Deactivate the authenticator app" in page.content
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=resident, type="totp").exists()
