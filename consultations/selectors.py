"""Reads of consultations: survey results counted by the database in a fixed number of queries,
whatever the number of responses."""

from dataclasses import dataclass, field

from django.db.models import Avg, Count, Max, Min, Q

from civitas.participation.models import Channel

from .models import (
    AgeBand,
    Answer,
    PollVote,
    QuestionKind,
    Response,
    ResponseStatus,
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


def answer_filters(*, channel: str = "", district=None, age_band: str = "") -> Q:
    condition = Q()
    if channel in CHANNEL_GROUPS:
        condition &= Q(channel__in=CHANNEL_GROUPS[channel])
    if district:
        condition &= Q(district_id_copy=getattr(district, "pk", district))
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
    """Results per question and participation, in five queries:
    {"responses", "by_channel", "questions": [QuestionResult]}."""
    questions = [q for q in survey.questions.all() if q.is_answerable]
    answers = Answer.objects.filter(survey=survey).filter(
        answer_filters(channel=channel, district=district, age_band=age_band)
    )
    # Submitted responses only, as people (a paper sheet may stand for several people).
    responses = Response.objects.filter(survey=survey, status=ResponseStatus.SUBMITTED)
    response_filter = Q()
    if channel in CHANNEL_GROUPS:
        response_filter &= Q(channel__in=CHANNEL_GROUPS[channel])
    if district:
        response_filter &= Q(district=district)
    if age_band in AgeBand.values:
        response_filter &= Q(age_band=age_band)
    by_channel = dict(
        responses.filter(response_filter).values_list("channel").annotate(n=Count("pk")).order_by()
    )
    counts: dict[tuple[int, str, str], int] = {}
    for question_id, row, choice, n in (
        answers.exclude(choice="")
        .values_list("question_id", "row", "choice")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[(question_id, row, choice)] = n
    respondents = dict(
        answers.values_list("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
    )
    stats = {
        row["question_id"]: row
        for row in answers.filter(number__isnull=False, row="")
        .values("question_id")
        .annotate(mean=Avg("number"), low=Min("number"), high=Max("number"), n=Count("pk"))
        .order_by()
    }
    ranking_means = {
        (row["question_id"], row["choice"]): row["mean"]
        for row in answers.filter(question__kind=QuestionKind.RANKING)
        .values("question_id", "choice")
        .annotate(mean=Avg("number"))
        .order_by()
    }
    results = []
    for question in questions:
        result = QuestionResult(question=question, respondents=respondents.get(question.pk, 0))
        total = result.respondents
        mine = {
            choice: n for (qid, row, choice), n in counts.items() if qid == question.pk and not row
        }
        kind = question.kind
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            options = list(question.options)
            if question.allow_other:
                options.append(("other", _other_label()))
            result.bars = _bars(options, mine, total)
        elif kind == QuestionKind.SCALE:
            options = [(str(v), str(v)) for v in question.scale_range]
            result.bars = _bars(options, mine, total)
            result.stats = _stats(stats.get(question.pk))
        elif kind == QuestionKind.NUMBER:
            result.stats = _stats(stats.get(question.pk))
        elif kind == QuestionKind.RANKING:
            ranked = []
            for key, label in question.options:
                mean = ranking_means.get((question.pk, key))
                ranked.append(
                    Bar(key, str(label), mine.get(key, 0), 0.0, f"{mean:.2f}" if mean else "")
                )
            ranked.sort(key=lambda bar: float(bar.extra) if bar.extra else 1e9)
            result.bars = ranked
        elif kind == QuestionKind.MATRIX:
            scale = [(str(v), str(v)) for v in question.scale_range]
            for row, row_label in question.row_options:
                row_counts = {
                    choice: n
                    for (qid, r, choice), n in counts.items()
                    if qid == question.pk and r == row
                }
                row_total = sum(row_counts.values())
                result.rows.append((str(row_label), _bars(scale, row_counts, row_total)))
        elif kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.DATE):
            result.text_count = total
        results.append(result)
    return {
        "responses": sum(by_channel.values()),
        "by_channel": [
            (str(label), by_channel.get(value, 0))
            for value, label in Channel.choices
            if by_channel.get(value)
        ],
        "questions": results,
    }


def _other_label():
    from django.utils.translation import gettext

    return gettext("Other")


def _stats(row) -> dict:
    if not row:
        return {}
    return {"count": row["n"], "mean": round(row["mean"], 2), "min": row["low"], "max": row["high"]}


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
