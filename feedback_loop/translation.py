from modeltranslation.translator import TranslationOptions, register

from .models import Answer, Department


@register(Department)
class DepartmentTR(TranslationOptions):
    fields = ("name", "description")


@register(Answer)
class AnswerTR(TranslationOptions):
    # The city answers in every language, whatever language the input was written in.
    fields = ("public_text",)
