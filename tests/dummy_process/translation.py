from modeltranslation.translator import TranslationOptions, register

from .models import DummyProcessPage


@register(DummyProcessPage)
class DummyProcessPageTR(TranslationOptions):
    # Inherits the translated fields of ProcessPage (intro); concrete pages must be registered.
    fields = ()
