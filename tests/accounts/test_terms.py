"""Terms of use: the page, consent at sign-in, and asking again when a new version is in force."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone
from wagtail.models import ModelLogEntry

from civitas.accounts.models import TermsConsent, User
from civitas.accounts.rules import has_accepted_current_terms
from civitas.accounts.services import terms_accept
from tests.factories import UserFactory

from .conftest import sign_in
from .factories import TermsConsentFactory

NEW_VERSION = "2099-01"


@pytest.mark.django_db
def test_terms_page_shows_the_version_in_force(client, settings):
    response = client.get("/me/terms/")

    assert response.status_code == 200
    assert f"Version {settings.CIVITAS_TERMS_VERSION}".encode() in response.content
    assert b'name="accept"' not in response.content


@pytest.mark.django_db
def test_signed_in_person_sees_when_they_accepted(client, resident):
    client.force_login(resident)
    response = client.get("/me/terms/")

    assert b"You accepted this version on" in response.content
    assert b'name="accept"' not in response.content


@pytest.mark.django_db
def test_new_terms_version_asks_signed_in_people_to_accept_again(client, home_page, resident):
    client.force_login(resident)
    assert client.get("/").status_code == 200

    with override_settings(CIVITAS_TERMS_VERSION=NEW_VERSION):
        assert not has_accepted_current_terms(resident)
        response = client.get("/?page=2")
        assert response.status_code == 302
        assert response["Location"] == "/me/terms/?next=%2F%3Fpage%3D2"
        page = client.get(response["Location"])
        assert b"The terms of use have changed" in page.content
        assert f"Version {NEW_VERSION}".encode() in page.content
        # Their account and privacy pages stay reachable meanwhile.
        assert client.get("/me/privacy/").status_code == 200

        refused = client.post("/me/terms/", {"next": "/?page=2"})
        assert refused.status_code == 400
        assert b"Tick the box" in refused.content

        before = timezone.now()
        response = client.post("/me/terms/", {"accept": "on", "next": "/?page=2"})
        assert response.status_code == 302
        assert response["Location"] == "/?page=2"
        consent = TermsConsent.objects.get(user=resident, version=NEW_VERSION)
        assert before - dt.timedelta(seconds=1) <= consent.accepted_at <= timezone.now()
        assert client.get("/").status_code == 200
        assert has_accepted_current_terms(User.objects.get(pk=resident.pk))
    assert ModelLogEntry.objects.filter(action="accounts.terms.accepted").exists()


@pytest.mark.django_db
def test_next_must_stay_on_the_site(client, resident):
    client.force_login(resident)
    with override_settings(CIVITAS_TERMS_VERSION=NEW_VERSION):
        response = client.post("/me/terms/", {"accept": "on", "next": "https://evil.example/"})
    assert response["Location"] == "/me/"


@pytest.mark.django_db
def test_person_who_never_accepted_is_asked_at_sign_in(client):
    # Accounts created by staff have no consent yet.
    user = UserFactory(consented=False)
    response = sign_in(client, user.email)

    assert response.status_code == 302
    assert response["Location"].startswith("/me/terms/?next=")
    terms_accept(user=user)
    client.logout()
    assert sign_in(client, user.email)["Location"] == "/"


@pytest.mark.django_db
def test_consent_is_per_version_and_idempotent(resident, settings):
    first = terms_accept(user=resident)
    again = terms_accept(user=resident)

    assert first.pk == again.pk
    assert TermsConsent.objects.filter(user=resident).count() == 1


@pytest.mark.django_db
def test_outdated_consent_is_not_current():
    consent = TermsConsentFactory(version="2001-01")
    assert not has_accepted_current_terms(consent.user)
    assert not has_accepted_current_terms(UserFactory(consented=False))
