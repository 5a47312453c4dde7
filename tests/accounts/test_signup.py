"""Sign-up: unverified account, verification mail, consent; contributing only once verified."""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone

from civitas.accounts.models import TermsConsent, User
from civitas.participation.predicates import is_verified
from tests.dummy_process.models import Note
from tests.factories import make_dummy_process

from .conftest import link_from_mail, sign_in

NEW_PASSWORD = "a-long-and-unusual-phrase-42"


def sign_up(client, email="nia@example.org", **extra):
    data = {
        "email": email,
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "display_name": "Nia",
        "accept_terms": "on",
        **extra,
    }
    return client.post("/accounts/signup/", data)


@pytest.mark.django_db
def test_sign_up_creates_unverified_account_and_sends_verification_mail(client, mailoutbox):
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="nia@example.org")
    assert user.display_name == "Nia"
    address = EmailAddress.objects.get(user=user)
    assert address.verified is False
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nia@example.org"]
    assert "/accounts/confirm-email/" in mailoutbox[0].body
    # The verification page is rendered in the site's layout.
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b'class="skip-link"' in page.content
    assert b"Check your e-mail" in page.content


@pytest.mark.django_db
def test_sign_up_records_consent_with_version_and_time(client):
    before = timezone.now()
    sign_up(client)

    consent = TermsConsent.objects.get(user__email="nia@example.org")
    assert consent.version == settings.CIVITAS_TERMS_VERSION
    assert before - dt.timedelta(seconds=1) <= consent.accepted_at <= timezone.now()


@pytest.mark.django_db
def test_sign_up_without_accepting_terms_is_refused(client, mailoutbox):
    response = sign_up(client, accept_terms="")

    assert response.status_code == 200
    assert not User.objects.filter(email="nia@example.org").exists()
    assert b"You need to accept the terms of use" in response.content
    # The error summary links to the checkbox.
    assert b'href="#id_accept_terms"' in response.content
    assert mailoutbox == []


@pytest.mark.django_db
def test_unverified_person_cannot_contribute_until_the_mail_link_is_confirmed(
    client, home_page, mailoutbox
):
    process = make_dummy_process(home_page)
    sign_up(client)
    user = User.objects.get(email="nia@example.org")
    assert not is_verified(user)
    assert not user.has_perm("dummy_process.submit_note", process)
    # Mandatory verification: signing in does not let them in either.
    response = sign_in(client, "nia@example.org", NEW_PASSWORD)
    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/me/").status_code == 302

    confirm_path = link_from_mail(mailoutbox[0])
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert b"Please confirm that nia@example.org is your e-mail address." in page.content
    response = client.post(confirm_path)
    assert response.status_code == 302

    user = User.objects.get(pk=user.pk)
    assert EmailAddress.objects.get(user=user).verified is True
    assert is_verified(user)
    assert user.has_perm("dummy_process.submit_note", process)
    sign_in(client, "nia@example.org", NEW_PASSWORD)
    response = client.post(f"/dummy/{process.pk}/notes/new/", {"text": "More benches, please"})
    assert response.status_code == 302
    assert Note.objects.get().author == user


@pytest.mark.django_db
def test_sign_up_rejects_control_characters_in_display_name(client):
    response = sign_up(client, display_name="Nia\x07")

    assert response.status_code == 200
    assert not User.objects.filter(email="nia@example.org").exists()
    assert b"control characters" in response.content
