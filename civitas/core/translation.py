from modeltranslation.translator import TranslationOptions, register

from .models import CitySettings


@register(CitySettings)
class CitySettingsTR(TranslationOptions):
    fields = ("tagline",)
