import datetime as dt

import pytest

from civitas.core.models import CitySettings, LocalHoliday
from civitas.core.working_days import add_working_days, working_days_between

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(home_page):
    from wagtail.models import Site

    settings = CitySettings.for_site(Site.objects.get(is_default_site=True))
    settings.holidays_country = "BE"
    settings.save()
    return settings


def test_weekends_and_national_holidays_are_skipped(city):
    # Thursday 24 Dec 2026; 25 Dec is a Belgian holiday; then the weekend.
    assert add_working_days(dt.date(2026, 12, 24), 1, city) == dt.date(2026, 12, 28)
    assert working_days_between(dt.date(2026, 12, 24), dt.date(2026, 12, 28), city) == 1


def test_local_holidays_count_too(city):
    LocalHoliday.objects.create(settings=city, date=dt.date(2026, 12, 28), name="City fair")
    assert add_working_days(dt.date(2026, 12, 24), 1, city) == dt.date(2026, 12, 29)


def test_negative_spans_and_long_spans(city):
    assert working_days_between(dt.date(2026, 3, 10), dt.date(2026, 3, 3), city) == -5
    end = add_working_days(dt.date(2026, 1, 1), 250, city)
    assert working_days_between(dt.date(2026, 1, 1), end, city) == 250


def test_unknown_country_is_a_validation_error(city):
    from django.core.exceptions import ValidationError

    city.holidays_country = "ZZ"
    with pytest.raises(ValidationError):
        city.full_clean()
