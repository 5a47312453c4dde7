"""Anonymised survey exports: one row per submitted response, one column per answer.

No e-mail, address, user id, receipt code or IP ever leaves in an export; text cells that a
spreadsheet would read as a formula are prefixed with an apostrophe.
"""

import csv

from django.utils.translation import gettext as _

from civitas.core.exports import safe_cell
from civitas.participation.models import Channel

from .models import AgeBand, QuestionKind, Response, ResponseStatus

CHUNK = 2000


def _columns(questions):
    """[(header, getter(answers) -> value)] for every answerable question."""
    columns = []
    for question in questions:
        if not question.is_answerable:
            continue
        key = question.key
        labels = dict(question.options)
        if question.kind == QuestionKind.MATRIX:
            for row, row_label in question.row_options:
                columns.append(
                    (f"{key}[{row}] {row_label}", lambda a, k=key, r=row: (a.get(k) or {}).get(r))
                )
            continue
        if question.kind == QuestionKind.MULTIPLE:
            getter = lambda a, k=key, lab=labels: "; ".join(  # noqa: E731
                str(lab.get(v, v)) for v in a.get(k) or []
            )
        elif question.kind == QuestionKind.RANKING:
            getter = lambda a, k=key, lab=labels: " > ".join(  # noqa: E731
                str(lab.get(v, v)) for v in a.get(k) or []
            )
        elif question.kind == QuestionKind.SINGLE:
            getter = lambda a, k=key, lab=labels: lab.get(a.get(k), a.get(k))  # noqa: E731
        else:
            getter = lambda a, k=key: a.get(k)  # noqa: E731
        columns.append((f"{key} {question.text}", getter))
        if question.allow_other:
            columns.append((f"{key}.other", lambda a, k=f"{key}.other": a.get(k)))
    return columns


def export_rows(survey, *, progress=None):
    """Header row, then one anonymised row per submitted response (streamed in chunks), every
    text cell already formula-safe.

    `progress(done)` is called after every chunk."""
    questions = list(survey.questions.all())
    columns = _columns(questions)
    channels = dict(Channel.choices)
    ages = dict(AgeBand.choices)
    yield [
        _("number"),
        _("submitted at"),
        _("channel"),
        _("people"),
        _("district"),
        _("age band"),
        _("language"),
        *(safe_cell(header) for header, _getter in columns),
    ]
    rows = (
        Response.objects.filter(survey=survey, status=ResponseStatus.SUBMITTED)
        .order_by("pk")
        .values_list(
            "submitted_at",
            "channel",
            "people_count",
            "district__name",
            "age_band",
            "language",
            "answers",
        )
    )
    for number, (at, channel, people, district, age, language, answers) in enumerate(
        rows.iterator(chunk_size=CHUNK), start=1
    ):
        yield [
            number,
            at.replace(microsecond=0).isoformat() if at else "",
            str(channels.get(channel, channel)),
            people,
            safe_cell(district or ""),
            str(ages.get(age, age)),
            language,
            *(_flatten(getter(answers)) for _header, getter in columns),
        ]
        if progress is not None and number % CHUNK == 0:
            progress(number)


def _flatten(value):
    if isinstance(value, list | dict):
        value = "; ".join(map(str, value.values() if isinstance(value, dict) else value))
    return safe_cell(value)


class _Echo:
    def write(self, value):
        return value


def csv_lines(survey):
    """The export as CSV text, line by line (for a streaming response)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # spreadsheet programs read UTF-8 only with the byte order mark
    for row in export_rows(survey):
        yield writer.writerow(row)


def write_xlsx(survey, stream, *, progress=None) -> int:
    """Write the export as an XLSX workbook to `stream`; returns the number of responses.

    Rows are flushed as they are written (constant memory), and text is never read as a
    formula or link."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        stream,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = workbook.add_worksheet(_("Responses")[:31])
    count = -1
    for count, row in enumerate(export_rows(survey, progress=progress)):  # noqa: B007
        sheet.write_row(count, 0, row)
    workbook.close()
    return max(count, 0)
