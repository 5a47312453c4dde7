"""Reads of consultations: survey results counted by the database in a fixed number of queries,
whatever the number of responses."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

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
    stats: dict = field(default_factory=dict)  # number: count, mean, min, max
    text_count: int = 0


def count_filters(*, channel: str = "", district=None, age_band: str = "") -> Q:
    condition = Q()
    if channel in CHANNEL_GROUPS:
        condition &= Q(channel__in=CHANNEL_GROUPS[channel])
    if district:
        condition &= Q(district_id=getattr(district, "pk", district))
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
    """Results per question and participation from the running totals, in two queries
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
        elif kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
            if kind == QuestionKind.SCALE:
                options = [(str(v), str(v)) for v in question.scale_range]
                result.bars = _bars(options, plain, total)
            values = [(n, t) for (row, choice), (n, t) in mine.items() if choice != "*"]
            counted = sum(n for n, _t in values)
            if counted:
                result.stats = {
                    "count": counted,
                    "mean": round(sum(t for _n, t in values) / counted, 2),
                }
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
