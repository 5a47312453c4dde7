"""Working-day arithmetic with national holidays (holidays package) and the city's own days off."""

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=128)
def national_holidays(country: str, subdiv: str | None, years: tuple[int, ...]) -> frozenset:
    """National/regional holidays; computing them takes milliseconds, so they are cached."""
    return frozenset(holidays.country_holidays(country, subdiv=subdiv, years=list(years)).keys())


def holiday_calendar(city_settings, years) -> set[dt.date]:
    """All days off for the given years: national/regional plus local holidays."""
    country = (city_settings.holidays_country or "BE").upper()
    subdiv = city_settings.holidays_subdivision or None
    days = set(national_holidays(country, subdiv, tuple(years)))
    if city_settings.pk:
        days |= {h.date for h in city_settings.local_holidays.all()}
    return days


def is_working_day(day: dt.date, days_off: set[dt.date]) -> bool:
    return day.weekday() < 5 and day not in days_off


def add_working_days(start: dt.date, count: int, city_settings) -> dt.date:
    """The date `count` working days after `start` (start itself is not counted)."""
    days_off = holiday_calendar(city_settings, range(start.year, start.year + 2 + count // 200))
    day = start
    remaining = count
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day, days_off):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, city_settings) -> int:
    """Working days after `start` up to and including `end` (negative when end is earlier)."""
    if end < start:
        return -working_days_between(end, start, city_settings)
    days_off = holiday_calendar(city_settings, range(start.year, end.year + 1))
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day, days_off):
            count += 1
    return count
