"""Event input kind "survey answer": an answer to one text question of a consultation's
survey, through consultations.services.response_submit."""

from django import forms
from django.utils.translation import gettext_lazy as _

from civitas.core.errors import DomainError
from consultations.models import Question
from consultations.services import AnswersInvalid, response_submit

from ..input_kinds import InputKind

TEXT_KINDS = ("short_text", "long_text")


class QuestionField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.survey}: {obj.text}"


def fields() -> dict:
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


def handle(*, data, text, title, language, provenance):
    """Record the answer as an offline response to the question's survey."""
    question = data["question"]
    try:
        response, _created = response_submit(
            survey=question.survey,
            respondent=None,
            answers={question.key: text},
            **provenance,
        )
    except AnswersInvalid as exc:
        # Name what the survey refused (a required question left out, a text too long...).
        raise DomainError(" ".join(str(m) for m in exc.errors.values()), code="text") from exc
    return response


KIND = InputKind("survey_answer", _("Survey answer"), fields, handle)
