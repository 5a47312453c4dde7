"""My account: profile changes through the service, and hostile input never reaching a 500."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import ModelLogEntry

from civitas.accounts.models import User
from civitas.accounts.services import profile_update
from civitas.core.errors import DomainError
from tests.factories import DistrictFactory


@pytest.fixture
def signed_in(client, resident):
    client.force_login(resident)
    return client


@pytest.mark.django_db
def test_profile_page_links_to_every_account_page(signed_in):
    response = signed_in.get("/me/")

    assert response.status_code == 200
    body = response.content.decode()
    for href in (
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        "/accounts/sessions/",
        "/notifications/settings/",
        "/me/privacy/",
        "/me/terms/",
    ):
        assert f'href="{href}"' in body
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_profile_update_saves_name_language_and_district(signed_in, resident):
    district = DistrictFactory(name="Old Town")
    response = signed_in.post(
        "/me/",
        {"display_name": "  Marta  ", "preferred_language": "fr", "district": district.pk},
    )

    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.display_name == "Marta"
    assert resident.preferred_language == "fr"
    assert resident.district == district
    entry = ModelLogEntry.objects.get(action="accounts.profile.updated")
    assert entry.user_id == resident.pk
    assert set(entry.data["fields"]) == {"display_name", "preferred_language", "district"}


@pytest.mark.django_db
def test_html_in_display_name_is_escaped_in_output(signed_in, resident):
    signed_in.post("/me/", {"display_name": "<script>alert(1)</script>"})
    resident.refresh_from_db()
    assert resident.display_name == "<script>alert(1)</script>"

    body = signed_in.get("/me/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Bell\x07", "control characters"),
        ("Nul\x00byte", "Null characters are not allowed"),
        ("Line\nbreak", "cannot be shown"),
        ("x" * 81, "at most 80 characters"),
    ],
)
def test_bad_display_names_are_form_errors(signed_in, resident, value, message):
    response = signed_in.post("/me/", {"display_name": value})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert User.objects.get(pk=resident.pk).display_name == resident.display_name


@pytest.mark.django_db
def test_undecodable_bytes_are_a_form_error_not_a_crash(signed_in, resident):
    # A lone surrogate encoded as UTF-8 bytes: Django decodes it to replacement characters.
    response = signed_in.generic(
        "POST",
        "/me/",
        b"display_name=%ED%A0%80",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert b"cannot be shown" in response.content
    assert User.objects.get(pk=resident.pk).display_name == resident.display_name


@pytest.mark.django_db
def test_unknown_language_and_district_are_form_errors(signed_in):
    response = signed_in.post("/me/", {"preferred_language": "xx", "district": "999999"})

    assert response.status_code == 400
    body = response.content.decode()
    assert 'href="#id_preferred_language"' in body
    assert 'href="#id_district"' in body


@pytest.mark.django_db
def test_oversized_request_is_refused(signed_in, settings):
    settings.CIVITAS_MAX_REQUEST_BYTES = 1000
    response = signed_in.post("/me/", {"display_name": "x" * 5000})
    assert response.status_code == 413


@pytest.mark.django_db
def test_service_rejects_lone_surrogates_and_foreign_fields(resident):
    with pytest.raises(ValidationError):
        profile_update(user=resident, data={"display_name": "bad\ud800"})
    assert User.objects.get(pk=resident.pk).display_name == resident.display_name
    with pytest.raises(DomainError):
        profile_update(user=resident, data={"email": "other@example.org"})


@pytest.mark.django_db
def test_profile_needs_sign_in(client):
    response = client.get("/me/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
