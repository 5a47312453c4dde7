"""Event input kinds for consultations, through consultations.services.response_submit:
"survey answer" (an answer to one text question) and "paper survey" (a whole paper sheet).

Both are typed in only by people who may enter paper responses for that consultation
(``consultations.enter_paper``, decided by the consultations app).
"""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from civitas.core.errors import DomainError, NotAllowed
from civitas.participation.models import District
from consultations.answers import read_form
from consultations.models import AgeBand, Question, QuestionKind, Survey
from consultations.services import AnswersInvalid, response_submit, survey_questions

from ..input_kinds import InputKind, as_post, chooser

TEXT_KINDS = ("short_text", "long_text")


class QuestionField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.survey}: {obj.text}"


def fields(params) -> dict:
    return {
        "question": QuestionField(
            label=_("Survey question"),
            queryset=Question.objects.filter(kind__in=TEXT_KINDS, survey__consultation__live=True)
            .select_related("survey")
            .order_by("survey_id", "sort_order"),
            empty_label=None,
            help_text=_("The answer is recorded as a response to this question's survey."),
        )
    }


def _check_may_enter(provenance, survey) -> None:
    if not provenance["entered_by"].has_perm("consultations.enter_paper", survey):
        raise NotAllowed(_("You may not type in responses for this consultation."), code="kind")


def _submit(survey, answers, provenance, *, code: str = "", **person):
    """Record an offline response; the survey's refusals become one message naming them,
    under `code` or else the field of the first question refused."""
    _check_may_enter(provenance, survey)
    try:
        response, _created = response_submit(
            survey=survey, respondent=None, answers=answers, **person, **provenance
        )
    except AnswersInvalid as exc:
        texts = {q.key: q.text for q in survey_questions(survey)}
        message = " ".join(
            f"{texts[key]}: {error}" if key in texts else str(error)
            for key, error in exc.errors.items()
        )
        first = next(iter(exc.errors), "")
        code = code or (f"q-{first}" if first in texts else "text")
        raise DomainError(message, code=code) from exc
    return response


def handle(*, data, text, title, language, provenance):
    """Record the answer as an offline response to the question's survey."""
    question = data["question"]
    return _submit(question.survey, {question.key: text}, provenance, code="text")


KIND = InputKind("survey_answer", _("Survey answer"), fields, handle)


# --- a whole paper survey ---------------------------------------------------------------------


def _surveys():
    return Survey.objects.filter(consultation__live=True).order_by("consultation_id", "pk")


class SurveyField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


def _question_fields(question) -> dict[str, forms.Field]:
    """Form fields for one question, named as the survey's own form names them, so that
    consultations' `read_form` reads them; the consultations service checks the values."""
    name, kind = f"q-{question.key}", question.kind
    common = {"label": question.text, "required": False, "help_text": question.help_text}
    options = list(question.options)
    if question.allow_other:
        options.append(("other", gettext("Other")))
    if kind == QuestionKind.SINGLE:
        found = {name: forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)}
    elif kind == QuestionKind.MULTIPLE:
        found = {
            name: forms.MultipleChoiceField(
                choices=options, widget=forms.CheckboxSelectMultiple, **common
            )
        }
    elif kind == QuestionKind.SCALE:
        scale = [(str(n), str(n)) for n in question.scale_range]
        found = {name: forms.ChoiceField(choices=scale, widget=forms.RadioSelect, **common)}
    elif kind == QuestionKind.RANKING:
        found = {
            f"{name}-{key}": forms.IntegerField(
                label=_("%(question)s — rank of “%(option)s”")
                % {"question": question.text, "option": label},
                required=False,
                min_value=1,
                max_value=len(options),
            )
            for key, label in question.options
        }
    elif kind == QuestionKind.MATRIX:
        scale = [("", "—"), *((str(n), str(n)) for n in question.scale_range)]
        found = {
            f"{name}-{key}": forms.ChoiceField(
                label=f"{question.text} — {label}", required=False, choices=scale
            )
            for key, label in question.row_options
        }
    elif kind == QuestionKind.LONG_TEXT:
        found = {name: forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)}
    elif kind == QuestionKind.DATE:
        found = {name: forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)}
    elif kind == QuestionKind.HEADING:
        found = {}
    else:
        found = {name: forms.CharField(**common)}
    if question.allow_other and kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        found[f"{name}-other"] = forms.CharField(
            label=_("%(question)s — other:") % {"question": question.text}, required=False
        )
    return found


def paper_fields(params) -> dict:
    survey, field = chooser(
        params,
        "survey",
        SurveyField,
        _surveys(),
        label=_("Survey"),
        help_text=_("The sheet is recorded as one response to this survey."),
    )
    found = {"survey": field}
    if survey is not None:
        for question in survey_questions(survey):
            found.update(_question_fields(question))
    found["district"] = forms.ModelChoiceField(
        label=_("District (if the sheet gives it)"),
        queryset=District.objects.order_by("name"),
        required=False,
    )
    found["age_band"] = forms.ChoiceField(
        label=_("Age band (if the sheet gives it)"),
        choices=[("", "—"), *AgeBand.choices],
        required=False,
    )
    return found


def paper_handle(*, data, text, title, language, provenance):
    """Record the whole sheet as one offline response of the chosen survey."""
    survey = data["survey"]
    answers = read_form(survey_questions(survey), as_post(data))
    return _submit(
        survey,
        answers,
        provenance,
        district=data.get("district"),
        age_band=data.get("age_band") or "",
    )


def paper_describe(data) -> str:
    return gettext("Paper survey: %(survey)s") % {"survey": data["survey"].title}


PAPER_KIND = InputKind(
    "paper_survey",
    _("Whole paper survey"),
    paper_fields,
    paper_handle,
    describe=paper_describe,
    on_board=False,
    chooser="survey",
)
