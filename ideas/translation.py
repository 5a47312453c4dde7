from modeltranslation.translator import TranslationOptions, register

from .models import Idea, IdeaChallengePage, IdeasIndexPage, IdeaStatus


@register(IdeaChallengePage)
class IdeaChallengePageTR(TranslationOptions):
    # Inherits the translated fields of ProcessPage (intro); concrete pages must be registered.
    fields = ()


@register(Idea)
class IdeaTR(TranslationOptions):
    # The city answers in every language; the idea itself keeps the language it was written in.
    fields = ("official_answer",)


@register(IdeasIndexPage)
class IdeasIndexPageTR(TranslationOptions):
    fields = ("intro",)


@register(IdeaStatus)
class IdeaStatusTR(TranslationOptions):
    fields = ("label", "description")
