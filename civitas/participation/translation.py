from modeltranslation.translator import TranslationOptions, register

from .models import District, Phase, ProcessPage, Topic


@register(Topic)
class TopicTR(TranslationOptions):
    fields = ("name", "description")


@register(District)
class DistrictTR(TranslationOptions):
    fields = ("name",)


@register(Phase)
class PhaseTR(TranslationOptions):
    fields = ("title", "description")


@register(ProcessPage)
class ProcessPageTR(TranslationOptions):
    fields = ("intro",)
