"""The staff CSV export of ideas: streamed, and safe to open in a spreadsheet."""

import csv

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _

from civitas.core.exports import safe_cell

from .selectors import filtered_ideas

CHUNK = 2000


class _Echo:
    def write(self, value):
        return value


def _rows(ideas, request):
    yield [
        _("Number"),
        _("Challenge"),
        _("Title"),
        _("Description"),
        _("Topic"),
        _("District"),
        _("Place"),
        _("Latitude"),
        _("Longitude"),
        _("Status"),
        _("Official answer"),
        _("Supports"),
        _("Comments"),
        _("Channel"),
        _("People behind it"),
        _("Created at"),
        _("Link"),
    ]
    for idea in ideas.iterator(chunk_size=CHUNK):
        yield [
            idea.pk,
            idea.process.title,
            idea.title,
            idea.body,
            idea.topic or "",
            idea.district or "",
            idea.location_text,
            idea.latitude,
            idea.longitude,
            idea.status.label,
            idea.official_answer,
            idea.support_count,
            idea.comment_count,
            idea.get_channel_display(),
            idea.people_count,
            idea.created_at.isoformat(),
            request.build_absolute_uri(f"{idea.process.get_url(request)}{idea.pk}/"),
        ]


def _lines(ideas, request):
    writer = csv.writer(_Echo())
    # Spreadsheet programs read UTF-8 (Arabic, accents) only after a byte order mark.
    yield "\ufeff"
    for row in _rows(ideas, request):
        yield writer.writerow([safe_cell(cell) for cell in row])


def ideas_csv_response(request, ideas, filename: str) -> StreamingHttpResponse:
    """Stream `ideas` (with their counts) as UTF-8 CSV with a byte order mark, one line at a
    time."""
    ideas = filtered_ideas(ideas, filters={}, sort="newest")
    response = StreamingHttpResponse(_lines(ideas, request), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
