"""Reads of consultations: survey results counted by the database in a fixed number of queries,
whatever the number of responses."""

import math
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from civitas.participation.models import Channel

from .models import (
    AgeBand,
    Answer,
    PollVote,
    QuestionKind,
    Response,
    ResultCount,
)

# The channel filter offers the three groups people ask about.
CHANNEL_GROUPS = {
    "online": [Channel.ONLINE],
    "paper": [Channel.PAPER, Channel.POST],
    "event": [Channel.OFFLINE_EVENT, Channel.PHONE, Channel.EMAIL],
}


@dataclass
class Bar:
    key: str
    label: str
    count: int
    percent: float
    extra: str = ""


@dataclass
class QuestionResult:
    question: object
    respondents: int = 0
    bars: list[Bar] = field(default_factory=list)
    rows: list[tuple[str, list[Bar]]] = field(default_factory=list)  # matrix
    stats: dict = field(default_factory=dict)  # number, scale: count, mean, median, min, max
    histogram: list[Bar] = field(default_factory=list)  # number: values in ranges
    text_count: int = 0


def count_filters(
    *, channel: str = "", district=None, age_band: str = "", district_field: str = "district_id"
) -> Q:
    """The filters of the results page on a model with `channel`, `age_band` and a district id
    column named `district_field`."""
    condition = Q()
    if channel in CHANNEL_GROUPS:
        condition &= Q(channel__in=CHANNEL_GROUPS[channel])
    if district:
        condition &= Q(**{district_field: getattr(district, "pk", district)})
    if age_band in AgeBand.values:
        condition &= Q(age_band=age_band)
    return condition


def _bars(options, counts: dict, total: int) -> list[Bar]:
    return [
        Bar(
            key,
            str(label),
            counts.get(key, 0),
            round(100 * counts.get(key, 0) / total, 1) if total else 0.0,
        )
        for key, label in options
    ]


def survey_results(survey, *, channel: str = "", district=None, age_band: str = "") -> dict:
    """Results per question and participation from the running totals, in three queries
    whatever the number of responses: {"responses", "by_channel", "questions"}.

    Counts are of people: a paper sheet standing for several people counts for each."""
    questions = [q for q in survey.questions.all() if q.is_answerable]
    counts: dict[tuple[int, str, str], tuple[int, float]] = {}
    by_channel: dict[str, int] = {}
    rows = (
        ResultCount.objects.filter(survey=survey)
        .filter(count_filters(channel=channel, district=district, age_band=age_band))
        .values_list("question_id", "row", "choice", "channel")
        .annotate(n=Sum("n"), total=Sum("total"))
        .order_by()
    )
    for question_id, row, choice, row_channel, n, total in rows:
        if question_id == 0:
            by_channel[row_channel] = by_channel.get(row_channel, 0) + n
            continue
        old_n, old_total = counts.get((question_id, row, choice), (0, 0.0))
        counts[(question_id, row, choice)] = (old_n + n, old_total + total)
    results = []
    numbers = number_values(
        [q.pk for q in questions if q.kind == QuestionKind.NUMBER],
        channel=channel,
        district=district,
        age_band=age_band,
    )
    for question in questions:
        mine = {
            (row, choice): value
            for (qid, row, choice), value in counts.items()
            if qid == question.pk
        }
        result = QuestionResult(question=question, respondents=mine.get(("", "*"), (0, 0))[0])
        total = result.respondents
        plain = {choice: n for (row, choice), (n, _t) in mine.items() if not row and choice != "*"}
        kind = question.kind
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            options = list(question.options)
            if question.allow_other:
                options.append(("other", _other_label()))
            result.bars = _bars(options, plain, total)
        elif kind == QuestionKind.SCALE:
            options = [(str(v), str(v)) for v in question.scale_range]
            result.bars = _bars(options, plain, total)
            result.stats = number_stats([(int(key), n) for key, n in plain.items()])
        elif kind == QuestionKind.NUMBER:
            values = numbers.get(question.pk, [])
            result.stats = number_stats(values)
            result.histogram = histogram(values)
        elif kind == QuestionKind.RANKING:
            ranked = []
            for key, label in question.options:
                n, rank_total = mine.get(("", key), (0, 0.0))
                ranked.append(Bar(key, str(label), n, 0.0, f"{rank_total / n:.2f}" if n else ""))
            ranked.sort(key=lambda bar: float(bar.extra) if bar.extra else 1e9)
            result.bars = ranked
        elif kind == QuestionKind.MATRIX:
            scale = [(str(v), str(v)) for v in question.scale_range]
            for row, row_label in question.row_options:
                row_counts = {c: n for (r, c), (n, _t) in mine.items() if r == row}
                result.rows.append(
                    (str(row_label), _bars(scale, row_counts, sum(row_counts.values())))
                )
        else:
            result.text_count = total
        results.append(result)
    return {
        "responses": sum(by_channel.values()),
        "by_channel": [
            (str(label), by_channel[value])
            for value, label in Channel.choices
            if by_channel.get(value)
        ],
        "questions": results,
    }


def number_values(question_ids, *, channel="", district=None, age_band="") -> dict:
    """{question id: [(value, people)]} of the number questions, ascending, filtered like the
    counts; one query (none without number questions), answered from an index. Values are
    grouped, so the rows returned grow with the distinct values given, not with the responses."""
    if not question_ids:
        return {}
    rows = (
        Answer.objects.filter(question_id__in=question_ids, choice="", number__isnull=False)
        .filter(
            count_filters(
                channel=channel,
                district=district,
                age_band=age_band,
                district_field="district_id_copy",
            )
        )
        .values_list("question_id", "number")
        .annotate(people=Sum("people"))
        .order_by("question_id", "number")
    )
    found: dict[int, list[tuple[float, int]]] = {}
    for question_id, number, people in rows:
        found.setdefault(question_id, []).append((number, people))
    return found


def _plain(number: float) -> int | float:
    return int(number) if float(number).is_integer() else round(number, 2)


def number_stats(values: list[tuple[float, int]]) -> dict:
    """Count, mean, median, lowest and highest of (value, people) pairs; {} when empty."""
    values = sorted(v for v in values if v[1] > 0)
    count = sum(n for _v, n in values)
    if not count:
        return {}

    def nth(position: int) -> float:  # the value at 0-based `position` in the sorted list
        seen = 0
        for value, n in values:
            seen += n
            if position < seen:
                return value
        return values[-1][0]

    middle = (nth((count - 1) // 2) + nth(count // 2)) / 2
    return {
        "count": count,
        "mean": round(sum(v * n for v, n in values) / count, 2),
        "median": _plain(middle),
        "min": _plain(values[0][0]),
        "max": _plain(values[-1][0]),
    }


HISTOGRAM_BINS = 10


def _nice_width(span: float) -> float:
    """The smallest of 1, 2, 5 x 10^k that cuts `span` in at most HISTOGRAM_BINS ranges."""
    raw = span / HISTOGRAM_BINS
    magnitude = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 5, 10):
        if step * magnitude >= raw:
            return step * magnitude
    return 10 * magnitude


def histogram(values: list[tuple[float, int]]) -> list[Bar]:
    """(value, people) pairs in ranges of equal width (one per value for a few whole numbers),
    as bars with counts and shares, for the chart and its table."""
    values = [(v, n) for v, n in values if n > 0]
    if not values:
        return []
    total = sum(n for _v, n in values)
    low, high = min(v for v, _n in values), max(v for v, _n in values)
    whole = all(float(v).is_integer() for v, _n in values)
    if whole and high - low < 2 * HISTOGRAM_BINS:
        counts: dict[int, int] = {}
        for value, n in values:
            counts[int(value)] = counts.get(int(value), 0) + n
        options = [(str(v), str(v)) for v in range(int(low), int(high) + 1)]
        return _bars(options, {str(k): n for k, n in counts.items()}, total)
    width = _nice_width(high - low) if high > low else 1
    if whole:
        width = max(1, math.ceil(width))
    start = math.floor(low / width) * width
    # The last range also holds the highest value: 0 to 99 ... 900 to 1000, not a range of one.
    bins = max(1, math.ceil((high - start) / width))
    counts = {}
    for value, n in values:
        index = min(int((value - start) // width), bins - 1)
        counts[str(index)] = counts.get(str(index), 0) + n
    options = []
    for index in range(bins):
        a, b = start + index * width, start + (index + 1) * width
        last = index == bins - 1
        if whole or last:
            top = (max(b - 1, high) if last else b - 1) if whole else b
            label = _("%(low)s to %(high)s") % {"low": _plain(a), "high": _plain(top)}
        else:
            label = _("%(low)s to under %(high)s") % {"low": _plain(a), "high": _plain(b)}
        options.append((str(index), label))
    return _bars(options, counts, total)


def _other_label():
    from django.utils.translation import gettext

    return gettext("Other")


def free_text_answers(question, *, search: str = "", theme=None, include_hidden: bool = False):
    """Free-text answers of a question (and "other" texts), newest first, with their themes."""
    answers = Answer.objects.filter(question=question).exclude(text="")
    if not include_hidden:
        answers = answers.filter(hidden_at__isnull=True)
    if search:
        answers = answers.filter(text__icontains=search)
    if theme is not None:
        answers = answers.filter(themes=theme)
    return answers.prefetch_related("themes").order_by("-pk")


def poll_state(user, poll) -> dict:
    """What a poll box shows to `user`: their vote, whether it is closed, whether they may vote,
    the results (bars, or None while hidden by the poll's setting) and "results later"."""
    from .models import PollResults

    vote = (
        PollVote.objects.filter(poll=poll, author=user).first() if user.is_authenticated else None
    )
    closed = not poll.consultation.allows("vote")
    show = (poll.results_shown == PollResults.AFTER_VOTE and vote is not None) or (
        closed and poll.consultation.status() != "upcoming"
    )
    return {
        "poll": poll,
        "vote": vote,
        "closed": closed,
        "can_vote": vote is None and user.has_perm("consultations.vote_poll", poll),
        "bars": poll_counts(poll) if show else None,
        "results_later": not show and vote is not None,
    }


def poll_counts(poll) -> list[Bar]:
    counts = dict(
        PollVote.objects.filter(poll=poll).values_list("choice").annotate(n=Count("pk")).order_by()
    )
    return _bars(poll.options, counts, sum(counts.values()))


def personal_data(user) -> list[dict]:
    """What consultations hold about `user`, for "download my data"."""
    from .models import Argument, ParagraphComment

    data = [
        {
            "type": "survey_response",
            "survey": response.survey.title,
            "status": response.status,
            "answers": response.answers or response.draft_answers,
            "submitted_at": response.submitted_at.isoformat() if response.submitted_at else None,
        }
        for response in Response.objects.filter(author=user).select_related("survey")
    ]
    data += [
        {"type": "poll_vote", "poll": vote.poll.question, "choice": vote.choice}
        for vote in PollVote.objects.filter(author=user).select_related("poll")
    ]
    data += [
        {"type": "paragraph_comment", "body": c.body, "created_at": c.created_at.isoformat()}
        for c in ParagraphComment.objects.filter(author=user)
    ]
    data += [
        {"type": "argument", "side": a.side, "body": a.body, "created_at": a.created_at.isoformat()}
        for a in Argument.objects.filter(author=user)
    ]
    return data
