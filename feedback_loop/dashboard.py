"""The public accountability dashboard: figures aggregated in the database, per department, per
process and per month, the filter that narrows them, the SVG charts' geometry and the CSV rows.

Definitions (the page and the CSV say the same):

- received: inputs (cases not grouped into another) received in the month or period;
- answered: those with a published answer or closed as out of scope;
- response rate: answered / received, in percent;
- median and 90th percentile: calendar days from the input to its answer, of the answered ones
  (deadlines are set in working days; calendar days are what a resident waits);
- overdue now: those still waiting for an answer today whose due date has passed.

Months are months of input: a case counts in the month it was received, whatever its answer's
date. Inputs of processes that are not live and public count in the city's and departments'
figures but their process is never named.
"""

import datetime as dt

from django import forms
from django.core.cache import cache
from django.db.models import Aggregate, Count, F, FloatField, Func, IntegerField, Q, Value, When
from django.db.models import Case as SqlCase
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext_lazy as _

from .models import OPEN_STATES, Case, CaseState, Department

ANSWERED_STATES = (CaseState.PUBLISHED, CaseState.OUT_OF_SCOPE)
PERIODS = (3, 6, 12, 24, 36)
DEFAULT_PERIOD = 12
CACHE_SECONDS = 300


class DaysToAnswer(Func):
    """Calendar days (fractional, never negative) from `created_at` to `answered_at`."""

    output_field = FloatField()

    def __init__(self):
        super().__init__(F("answered_at"), F("created_at"))

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="GREATEST(EXTRACT(EPOCH FROM (%(expressions)s))::double precision "
            "/ 86400.0, 0)",
            arg_joiner=" - ",
            **extra,
        )

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="MAX(julianday(%(expressions)s), 0)",
            arg_joiner=") - julianday(",
            **extra,
        )


class DaysList(Aggregate):
    """Every value of a group in one column: a list on PostgreSQL, comma-separated text on
    SQLite (`days_list` reads both)."""

    function = "ARRAY_AGG"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", **extra)

    def convert_value(self, value, expression, connection):
        return value


def days_list(value) -> list[float]:
    """The values of a `DaysList` column, sorted."""
    if not value:
        return []
    if isinstance(value, str):
        value = value.split(",")
    return sorted(map(float, value))


def percentile_cont(ordered: list, fraction: float):
    """The continuous percentile (as PostgreSQL's percentile_cont) of an already sorted list."""
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def public_process_titles(ids=None) -> dict:
    """{page id: title} of live, public pages (of `ids` when given, else of those with cases)."""
    from wagtail.models import Page

    pages = Page.objects.live().public()
    if ids is None:
        pages = pages.filter(pk__in=Case.objects.order_by().values("process_id").distinct())
    else:
        pages = pages.filter(pk__in=list(ids))
    return dict(pages.order_by("title").values_list("pk", "title"))


class DashboardFilter(forms.Form):
    """Department, process and period of the dashboard, as GET parameters."""

    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("All departments"),
    )
    process = forms.TypedChoiceField(
        label=_("Process"), coerce=int, required=False, empty_value=None
    )
    months = forms.TypedChoiceField(
        label=_("Period"),
        coerce=int,
        required=False,
        empty_value=DEFAULT_PERIOD,
        initial=DEFAULT_PERIOD,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["months"].choices = [
            (n, pgettext("dashboard period", "Last %(count)s months") % {"count": n})
            for n in PERIODS
        ]
        self.fields["process"].choices = [("", _("All processes"))] + [
            (pk, title) for pk, title in public_process_titles().items()
        ]

    def filters(self) -> dict:
        """The valid choices ({} for any field left empty or when the form is invalid)."""
        if not self.is_bound or not self.is_valid():
            return {"months": DEFAULT_PERIOD}
        data = self.cleaned_data
        return {
            "department": data["department"],
            "process": data["process"],
            "months": data["months"] or DEFAULT_PERIOD,
        }


def months_back(today: dt.date, count: int) -> list[dt.date]:
    """The first days of the `count` months ending with today's, oldest first."""
    year, month = today.year, today.month
    firsts = []
    for _index in range(count):
        firsts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def month_number(month_list) -> SqlCase:
    """The index in `month_list` of the month a case was received in, as a plain comparison of
    `created_at` with each month's first instant (no time zone function per row, which made
    SQLite call back into Python for every case)."""
    return SqlCase(
        *(
            When(created_at__gte=month_start(month), then=Value(index))
            for index, month in reversed(list(enumerate(month_list)))
        ),
        default=Value(0),
        output_field=IntegerField(),
    )


def month_start(month: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(month, dt.time.min))


def _figures(counts, days) -> dict:
    received, answered, overdue = counts
    return {
        "total": received,
        "answered": answered,
        "response_rate": round(100 * answered / received) if received else None,
        "median_days": _rounded(days.get(0.5)),
        "p90_days": _rounded(days.get(0.9)),
        "overdue": overdue,
    }


def _rounded(value):
    return None if value is None else round(value, 1)


def figures(*, department=None, process=None, months: int = DEFAULT_PERIOD, today=None) -> dict:
    """The dashboard's figures for inputs received in the last `months` months (this one
    included), optionally of one department or one process.

    A constant number of queries whatever the number of cases: one for the counts and days to
    answer per month, department and process, and the names of departments and processes."""
    today = today or timezone.localdate()
    month_list = months_back(today, months)
    since = month_start(month_list[0])
    cases = Case.objects.exclude(state=CaseState.MERGED).filter(created_at__gte=since)
    if department is not None:
        cases = cases.filter(department=department)
    if process is not None:
        cases = cases.filter(process_id=process)
    cases = cases.order_by().annotate(month=month_number(month_list))
    answered_q = Q(state__in=ANSWERED_STATES, answered_at__isnull=False)
    # One row per (month, department, process) cell with its counts and its days to answer;
    # every grouping's figures are sums and merged lists of cells. One scan of the
    # `case_dashboard_figures` index, on both databases.
    counts: dict = {}
    durations: dict = {}
    rows = cases.values_list("month", "department_id", "process_id").annotate(
        received=Count("pk"),
        answered=Count("pk", filter=answered_q),
        overdue=Count("pk", filter=Q(state__in=OPEN_STATES, due_date__lt=today)),
        days=DaysList(DaysToAnswer(), filter=answered_q),
    )
    for month, department_id, process_id, received, answered, overdue, cell_days in rows:
        numbers = (received, answered, overdue)
        cell_days = days_list(cell_days)
        for key in (
            ("overall", ()),
            ("department", (department_id,)),
            ("process", (process_id,)),
            ("month", (month,)),
            ("department_month", (department_id, month)),
            ("process_month", (process_id, month)),
        ):
            total = counts.get(key, (0, 0, 0))
            counts[key] = tuple(a + b for a, b in zip(total, numbers, strict=True))
            durations.setdefault(key, []).extend(cell_days)
    days = {}
    for key, values in durations.items():
        values.sort()  # a merge of sorted runs
        days[key] = {0.5: percentile_cont(values, 0.5), 0.9: percentile_cont(values, 0.9)}

    def row_for(grouping, key):
        return _figures(counts.get((grouping, key), (0, 0, 0)), days.get((grouping, key), {}))

    department_ids = {key[0] for grouping, key in counts if grouping == "department"} - {None}
    departments = sorted(
        Department.objects.filter(pk__in=department_ids), key=lambda d: d.name.casefold()
    )
    process_ids = {key[0] for grouping, key in counts if grouping == "process"} - {None}
    titles = public_process_titles(process_ids)
    processes = sorted(titles.items(), key=lambda item: item[1].casefold())

    def series(grouping, key):
        return [
            {"month": month, **row_for(grouping, (*key, index))}
            for index, month in enumerate(month_list)
        ]

    return {
        "today": today,
        "since": month_list[0],
        "months_count": months,
        "overall": row_for("overall", ()),
        "departments": [
            {"id": d.pk, "slug": d.slug, "name": d.name, **row_for("department", (d.pk,))}
            for d in departments
        ],
        "processes": [
            {"id": pk, "name": title, **row_for("process", (pk,))} for pk, title in processes
        ],
        "months": series("month", ()),
        "department_months": [
            {"id": d.pk, "name": d.name, "months": series("department_month", (d.pk,))}
            for d in departments
        ],
        "process_months": [
            {"id": pk, "name": title, "months": series("process_month", (pk,))}
            for pk, title in processes
        ],
        "unnamed_processes": len(process_ids - set(titles)),
    }


def cache_key(*, department=None, process=None, months: int = DEFAULT_PERIOD, today=None) -> str:
    """Where `figures_cached` keeps the figures of this filter, language and day."""
    return ":".join(
        [
            "feedback_loop:dashboard:v2",
            get_language() or "",
            (today or timezone.localdate()).isoformat(),
            department.slug if department is not None else "",
            str(process or ""),
            str(months),
        ]
    )


def figures_cached(*, department=None, process=None, months: int = DEFAULT_PERIOD) -> dict:
    """`figures`, computed at most every five minutes per language (names of departments are
    translated) and filter; they are public and need not be to the second."""
    today = timezone.localdate()
    return cache.get_or_set(
        cache_key(department=department, process=process, months=months, today=today),
        lambda: figures(department=department, process=process, months=months, today=today),
        CACHE_SECONDS,
    )


# --- charts ---------------------------------------------------------------------------------

CHART_WIDTH = 640
LABEL_WIDTH = 190
BAR = 16
GAP = 10


def bar_chart(rows, series, *, chart_id: str, title, table, unit: str = "") -> dict:
    """Geometry of a horizontal SVG bar chart: for each row, one bar per (key, label, css
    class) of `series`, its value written after it. `table` names the table with the same
    numbers, for the chart's description."""
    values = [row[key] or 0 for row in rows for key, _label, _css in series]
    top = max(values, default=0) or 1
    room = CHART_WIDTH - LABEL_WIDTH - 70
    group = len(series) * BAR + GAP
    groups = []
    for index, row in enumerate(rows):
        y = index * group
        label = row.get("name") or row["month"].strftime("%Y-%m")
        bars = []
        for position, (key, series_label, css) in enumerate(series):
            value = row[key]
            width = round(room * (value or 0) / top, 1)
            bar_y = y + position * BAR
            bars.append(
                {
                    "label": series_label,
                    "value": value,
                    "css": css,
                    "y": bar_y,
                    "width": width,
                    "text_x": LABEL_WIDTH + width + 4,
                    "text_y": bar_y + BAR * 0.75,
                }
            )
        groups.append({"label": label, "label_y": y + len(series) * BAR / 2 + 4, "bars": bars})
    return {
        "id": chart_id,
        "title": title,
        "desc": _("Horizontal bar chart. The same figures are in the table “%(table)s” next to it.")
        % {"table": table},
        "groups": groups,
        "series": [{"label": label, "css": css} for _key, label, css in series],
        "unit": unit,
        "width": CHART_WIDTH,
        "height": max(len(rows) * group, group),
        "label_width": LABEL_WIDTH,
        "bar": BAR,
    }


def charts_for(rows, *, prefix: str, table) -> list[dict]:
    """The three charts of a table: response rate, median and 90th percentile days, overdue."""
    if not rows:
        return []
    return [
        bar_chart(
            rows,
            [("response_rate", _("Response rate (%)"), "chart-bar")],
            chart_id=f"{prefix}-rate",
            title=_("Response rate (%%): %(table)s") % {"table": table},
            table=table,
            unit="%",
        ),
        bar_chart(
            rows,
            [
                ("median_days", _("Median (calendar days)"), "chart-bar"),
                ("p90_days", _("90th percentile (calendar days)"), "chart-bar-alt"),
            ],
            chart_id=f"{prefix}-days",
            title=_("Calendar days to answer, median and 90th percentile: %(table)s")
            % {"table": table},
            table=table,
        ),
        bar_chart(
            rows,
            [("overdue", _("Overdue now"), "chart-bar-overdue")],
            chart_id=f"{prefix}-overdue",
            title=_("Inputs overdue now: %(table)s") % {"table": table},
            table=table,
        ),
    ]


# --- CSV ------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "group",
    "name",
    "total",
    "answered",
    "response_rate_percent",
    "median_calendar_days",
    "p90_calendar_days",
    "overdue_now",
    "month",
)
FIGURE_KEYS = ("total", "answered", "response_rate", "median_days", "p90_days", "overdue")


def csv_rows(data):
    """The dashboard's tables as CSV rows (names not yet made safe for spreadsheets): the
    period, each department and process, each month, and each department's and process's
    months; `month` is empty for figures of the whole period."""
    yield CSV_COLUMNS

    def numbers(row):
        return ["" if row[key] is None else row[key] for key in FIGURE_KEYS]

    yield ["overall", "", *numbers(data["overall"]), ""]
    for group, rows in (("department", data["departments"]), ("process", data["processes"])):
        for row in rows:
            yield [group, row["name"], *numbers(row), ""]
    for row in data["months"]:
        yield ["month", "", *numbers(row), row["month"].strftime("%Y-%m")]
    for group, rows in (
        ("department_month", data["department_months"]),
        ("process_month", data["process_months"]),
    ):
        for item in rows:
            for row in item["months"]:
                yield [group, item["name"], *numbers(row), row["month"].strftime("%Y-%m")]
