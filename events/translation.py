from modeltranslation.translator import TranslationOptions, register

from .models import EventIndexPage, EventPage, EventPhoto, EventSession, Venue


@register(EventIndexPage)
class EventIndexPageTR(TranslationOptions):
    fields = ("intro",)


@register(EventPage)
class EventPageTR(TranslationOptions):
    fields = ("intro", "summary", "minutes")


@register(EventSession)
class EventSessionTR(TranslationOptions):
    fields = ("title",)


@register(EventPhoto)
class EventPhotoTR(TranslationOptions):
    fields = ("caption",)


@register(Venue)
class VenueTR(TranslationOptions):
    fields = ("accessibility_notes",)
