from modeltranslation.translator import TranslationOptions, register

from .models import ConsultationPage, Debate, DraftDocument, Poll, Question, Survey


@register(ConsultationPage)
class ConsultationPageTR(TranslationOptions):
    # Inherits the translated fields of ProcessPage (intro).
    fields = ("body", "report_summary")


@register(Survey)
class SurveyTR(TranslationOptions):
    fields = ("title", "intro")


@register(Question)
class QuestionTR(TranslationOptions):
    # Options and rows are translated line by line; their keys come from the default language.
    fields = ("text", "help_text", "choices", "rows", "label_min", "label_max")


@register(Poll)
class PollTR(TranslationOptions):
    fields = ("question", "intro", "choices")


@register(DraftDocument)
class DraftDocumentTR(TranslationOptions):
    # The text itself is versioned, in the language it was consulted on.
    fields = ("title", "intro")


@register(Debate)
class DebateTR(TranslationOptions):
    fields = ("question", "intro")
