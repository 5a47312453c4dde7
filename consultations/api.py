"""Public API of consultations: consultations, their survey questions and aggregated results.

Results are served only where the public may see them (after the report is published, or while
open when the survey says so); no response, name or free text ever leaves here.
"""

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from . import selectors
from .models import AgeBand, ConsultationPage, Survey

router = Router(tags=["consultations"])
prefix = "consultations"


class SurveyRef(Schema):
    id: int
    title: str


class ConsultationOut(Schema):
    id: int
    title: str
    url: str
    status: str
    report_published: bool
    surveys: list[SurveyRef]


class OptionOut(Schema):
    key: str
    label: str


class QuestionOut(Schema):
    key: str
    kind: str
    text: str
    help_text: str
    required: bool
    page: int
    options: list[OptionOut]
    rows: list[OptionOut]
    min_value: int | None
    max_value: int | None
    show_if_key: str
    show_if_values: list[str]


class BarOut(Schema):
    key: str
    label: str
    count: int
    percent: float


class ResultOut(Schema):
    key: str
    kind: str
    text: str
    respondents: int
    options: list[BarOut]
    rows: dict[str, list[BarOut]]
    mean: float | None
    median: float | None
    min: float | None
    max: float | None
    histogram: list[BarOut]
    average_ranks: dict[str, float]


class SurveyResultsOut(Schema):
    survey: int
    responses: int
    by_channel: dict[str, int]
    questions: list[ResultOut]


def _live():
    return ConsultationPage.objects.live().public().prefetch_related("phases", "surveys")


def _survey(survey_id) -> Survey:
    survey = get_object_or_404(
        Survey.objects.select_related("consultation"), pk=survey_id, consultation__live=True
    )
    if not survey.consultation.get_view_restrictions().exists():
        return survey
    raise HttpError(404, "Not found")


@router.get("/", response=list[ConsultationOut], summary="Public consultations")
def list_consultations(request):
    return [
        ConsultationOut(
            id=page.pk,
            title=page.title,
            url=request.build_absolute_uri(page.url) if page.url else "",
            status=page.status(),
            report_published=page.report_is_published(),
            surveys=[SurveyRef(id=s.pk, title=s.title) for s in page.surveys.all()],
        )
        for page in _live()
    ]


@router.get("/surveys/{survey_id}/questions", response=list[QuestionOut], summary="Questions")
def survey_questions(request, survey_id: int):
    survey = _survey(survey_id)
    return [
        QuestionOut(
            key=q.key,
            kind=q.kind,
            text=q.text,
            help_text=q.help_text,
            required=q.required,
            page=q.page_number,
            options=[OptionOut(key=k, label=str(v)) for k, v in q.options],
            rows=[OptionOut(key=k, label=str(v)) for k, v in q.row_options],
            min_value=q.min_value,
            max_value=q.max_value,
            show_if_key=q.show_if_key,
            show_if_values=q.condition_values,
        )
        for q in survey.questions.all()
    ]


@router.get("/surveys/{survey_id}/results", response=SurveyResultsOut, summary="Aggregated results")
def survey_results(
    request, survey_id: int, channel: str = "", age_band: str = "", district: int | None = None
):
    """Counts per option (and matrix row); for numbers and scales the average, median, lowest
    and highest, and for numbers how they spread in ranges; only once results are public."""
    survey = _survey(survey_id)
    # The open-data API answers as the public, whoever asks.
    if not AnonymousUser().has_perm("consultations.view_results", survey):
        raise HttpError(403, "Results are not public yet.")
    if channel not in ("", *selectors.CHANNEL_GROUPS):
        raise HttpError(400, "channel must be one of: " + ", ".join(selectors.CHANNEL_GROUPS))
    if age_band not in ("", *AgeBand.values):
        raise HttpError(400, "age_band must be one of: " + ", ".join(AgeBand.values))
    results = selectors.survey_results(
        survey, channel=channel, age_band=age_band, district=district
    )

    def bars(items):
        return [BarOut(key=b.key, label=b.label, count=b.count, percent=b.percent) for b in items]

    questions = []
    for r in results["questions"]:
        q = r.question
        ranking = q.kind == "ranking"
        questions.append(
            ResultOut(
                key=q.key,
                kind=q.kind,
                text=q.text,
                respondents=r.respondents,
                options=[] if ranking else bars(r.bars),
                rows={label: bars(items) for label, items in r.rows},
                mean=r.stats.get("mean"),
                median=r.stats.get("median"),
                min=r.stats.get("min"),
                max=r.stats.get("max"),
                histogram=bars(r.histogram),
                average_ranks={b.key: float(b.extra) for b in r.bars if ranking and b.extra},
            )
        )
    return SurveyResultsOut(
        survey=survey.pk,
        responses=results["responses"],
        by_channel=dict(results["by_channel"]),
        questions=questions,
    )
