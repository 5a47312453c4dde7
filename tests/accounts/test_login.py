"""Signing in by e-mail, allauth's rate limits, password reset by e-mail."""

import pytest
from django.contrib.auth import SESSION_KEY

from tests.factories import UserFactory

from .conftest import PASSWORD, link_from_mail, sign_in


@pytest.mark.django_db
def test_sign_in_by_email_address(client, resident):
    response = sign_in(client, resident.email.upper())

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(resident.pk)
    assert client.get("/me/").status_code == 200


@pytest.mark.django_db
def test_wrong_password_shows_an_error_summary_and_keeps_person_out(client, resident):
    response = sign_in(client, resident.email, "not-the-password")

    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    body = response.content.decode()
    assert 'class="error-summary"' in body
    assert "not correct" in body


@pytest.mark.django_db
def test_repeated_failures_lock_the_address_then_answer_429(client, resident):
    for _attempt in range(5):
        sign_in(client, resident.email, "not-the-password")
    # Five failures for one address: even the right password is refused for a while.
    response = sign_in(client, resident.email)
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert b"Too many failed login attempts" in response.content

    statuses = [sign_in(client, "someone@example.org", "nope").status_code for _ in range(30)]
    assert statuses[-1] == 429
    response = sign_in(client, resident.email)
    assert response.status_code == 429
    assert b"Too many attempts" in response.content


@pytest.mark.django_db
def test_password_reset_by_mail(client, mailoutbox):
    user = UserFactory(email="ruth@example.org")
    response = client.post("/accounts/password/reset/", {"email": "ruth@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ruth@example.org"]

    link = link_from_mail(mailoutbox[0])
    page = client.get(link, follow=True)
    assert page.status_code == 200
    assert b"Choose a new password" in page.content
    action = page.redirect_chain[-1][0] if page.redirect_chain else link
    new_password = "another-long-phrase-77"
    response = client.post(action, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert not user.check_password(PASSWORD)


@pytest.mark.django_db
def test_password_reset_for_unknown_address_sends_no_reset_link(client, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert response.status_code == 302
    # allauth tells the unknown address that it has no account (no enumeration on the page).
    assert all("/accounts/password/reset/key/" not in m.body for m in mailoutbox)
