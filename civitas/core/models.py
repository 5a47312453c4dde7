"""Site-wide settings: the city's name, logo, colours, languages and holidays."""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def validate_hex_colour(value: str) -> None:
    if not HEX_COLOUR.match(value):
        raise ValidationError(_("Enter a colour as #RRGGBB, for example #1d4ed8."))


def language_choices():
    return list(settings.LANGUAGES)


class CitySettingsForm(WagtailAdminModelForm):
    """Languages as checkboxes instead of raw JSON."""

    languages = forms.MultipleChoiceField(
        label=_("Languages offered"),
        choices=language_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Shown in the language switcher; none ticked means all."),
    )


@register_setting(icon="site")
class CitySettings(BaseSiteSetting, ClusterableModel):
    """What a city sets once: name, logo, colours, languages offered, holiday calendar."""

    city_name = models.CharField(_("city name"), max_length=120, default="Civitas")
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    primary_colour = models.CharField(
        _("primary colour"), max_length=7, default="#1d4ed8", validators=[validate_hex_colour]
    )
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, default="#b45309", validators=[validate_hex_colour]
    )
    languages = models.JSONField(
        _("languages offered"),
        default=list,
        blank=True,
        help_text=_("Language codes shown in the language switcher; empty means all."),
    )
    holidays_country = models.CharField(
        _("public holidays country"),
        max_length=2,
        default="BE",
        help_text=_("ISO 3166 country code used for national public holidays, e.g. FR, ES, BE."),
    )
    holidays_subdivision = models.CharField(
        _("public holidays region"),
        max_length=10,
        blank=True,
        help_text=_("Optional region code for regional holidays, e.g. BRU or CT."),
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    base_form_class = CitySettingsForm

    panels = [
        MultiFieldPanel(
            [FieldPanel("city_name"), FieldPanel("tagline"), FieldPanel("logo")],
            heading=_("Identity"),
        ),
        MultiFieldPanel(
            [FieldPanel("primary_colour"), FieldPanel("accent_colour")], heading=_("Colours")
        ),
        FieldPanel("languages"),
        MultiFieldPanel(
            [
                FieldPanel("holidays_country"),
                FieldPanel("holidays_subdivision"),
                InlinePanel("local_holidays", label=_("Local holidays")),
            ],
            heading=_("Holidays"),
        ),
        FieldPanel("contact_email"),
    ]

    class Meta:
        verbose_name = _("city settings")

    def clean(self):
        super().clean()
        known = {code for code, _name in settings.LANGUAGES}
        if not isinstance(self.languages, list) or not set(self.languages) <= known:
            raise ValidationError(
                {"languages": _("Choose from: %(codes)s.") % {"codes": ", ".join(sorted(known))}}
            )
        import holidays

        if self.holidays_country.upper() not in holidays.list_supported_countries():
            raise ValidationError({"holidays_country": _("Unknown country code.")})
        self.holidays_country = self.holidays_country.upper()

    def offered_languages(self):
        """The (code, name) pairs to offer, in settings order."""
        if not self.languages:
            return list(settings.LANGUAGES)
        return [(code, name) for code, name in settings.LANGUAGES if code in self.languages]


class LocalHoliday(models.Model):
    """A day off in this city that the national calendar does not know (e.g. a city festival)."""

    settings = ParentalKey(CitySettings, related_name="local_holidays", on_delete=models.CASCADE)
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=120)

    panels = [FieldPanel("date"), FieldPanel("name")]

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["settings", "date"], name="unique_local_holiday_date")
        ]

    def __str__(self):
        return f"{self.date}: {self.name}"
