"""Editors build processes in the Wagtail admin; phases are validated as a whole."""

import datetime as dt

import pytest
from django.utils import timezone

from civitas.accounts.models import Role
from civitas.accounts.services import role_assign
from tests.dummy_process.models import DummyProcessPage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    editor = UserFactory()
    role_assign(user=editor, role=Role.EDITOR, by=None)
    client.force_login(editor)
    return client


def local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def page_form(title, phases):
    data = {
        "title_en": title,
        "slug": title.lower().replace(" ", "-"),
        "phases-TOTAL_FORMS": str(len(phases)),
        "phases-INITIAL_FORMS": "0",
        "phases-MIN_NUM_FORMS": "0",
        "phases-MAX_NUM_FORMS": "1000",
        "action-publish": "publish",
    }
    for i, (phase_type, start, end) in enumerate(phases):
        data.update(
            {
                f"phases-{i}-phase_type": phase_type,
                f"phases-{i}-title_en": "",
                f"phases-{i}-description_en": "",
                f"phases-{i}-starts_at": local(start),
                f"phases-{i}-ends_at": local(end),
                f"phases-{i}-ORDER": str(i + 1),
                f"phases-{i}-id": "",
                f"phases-{i}-DELETE": "",
            }
        )
    return data


def add_url(home_page):
    return f"/admin/pages/add/dummy_process/dummyprocesspage/{home_page.pk}/"


def test_editor_creates_a_process_with_phases(editor_client, home_page):
    now = timezone.now().replace(second=0, microsecond=0)
    data = page_form(
        "Parks plan",
        [
            ("dummy_process.collect", now, now + dt.timedelta(days=10)),
            ("dummy_process.review", now + dt.timedelta(days=10), now + dt.timedelta(days=20)),
        ],
    )
    response = editor_client.post(add_url(home_page), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = DummyProcessPage.objects.get(title="Parks plan")
    assert [p.phase_type for p in page.phase_list()] == [
        "dummy_process.collect",
        "dummy_process.review",
    ]


@pytest.mark.parametrize(
    "phases,message",
    [
        ([("dummy_process.collect", 0, 10), ("dummy_process.review", 5, 20)], "overlap"),
        ([("dummy_process.collect", 10, 5)], "must end after it starts"),
        ([("nowhere.vote", 0, 5)], "Unknown phase type"),
    ],
)
def test_admin_refuses_invalid_phases_and_keeps_the_input(
    editor_client, home_page, phases, message
):
    now = timezone.now().replace(second=0, microsecond=0)
    data = page_form(
        "Broken plan",
        [(t, now + dt.timedelta(days=a), now + dt.timedelta(days=b)) for t, a, b in phases],
    )
    response = editor_client.post(add_url(home_page), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert 'value="Broken plan"' in body  # what the editor typed is still there
    assert not DummyProcessPage.objects.filter(title="Broken plan").exists()


def test_phase_type_choices_come_from_the_registry(editor_client, home_page):
    body = editor_client.get(add_url(home_page)).content.decode()
    assert 'value="dummy_process.collect"' in body
    assert 'value="dummy_process.review"' in body


def test_residents_cannot_reach_the_admin(client, home_page):
    client.force_login(UserFactory())
    response = client.get("/admin/")
    assert response.status_code in (302, 403)
    assert "/admin/login/" in response.get("Location", "/admin/login/")


def test_administrator_sets_city_languages_with_checkboxes(client, home_page):
    from wagtail.models import Site

    from civitas.core.models import CitySettings

    admin = UserFactory()
    role_assign(user=admin, role=Role.ADMINISTRATOR, by=None)
    client.force_login(admin)
    site = Site.objects.get(is_default_site=True)
    url = f"/admin/settings/core/citysettings/{site.pk}/"
    body = client.get(url).content.decode()
    assert 'type="checkbox" name="languages" value="ar"' in body
    data = {
        "city_name": "Riverton",
        "tagline_en": "",
        "primary_colour": "#1d4ed8",
        "accent_colour": "#b45309",
        "languages": ["en", "ar"],
        "holidays_country": "fr",
        "holidays_subdivision": "",
        "contact_email": "",
        "local_holidays-TOTAL_FORMS": "0",
        "local_holidays-INITIAL_FORMS": "0",
        "local_holidays-MIN_NUM_FORMS": "0",
        "local_holidays-MAX_NUM_FORMS": "1000",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    city = CitySettings.for_site(site)
    assert city.languages == ["en", "ar"] and city.holidays_country == "FR"
    assert [code for code, _name in city.offered_languages()] == ["en", "ar"]
    data["primary_colour"] = "red"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "#RRGGBB" in response.content.decode()
