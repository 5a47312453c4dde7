"""Event input kind "idea": goes through ideas.services.idea_submit into a chosen challenge."""

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ideas.models import IdeaChallengePage
from ideas.services import idea_submit

from ..input_kinds import InputKind


class PageField(forms.ModelChoiceField):
    """A choice of process pages, shown by title."""

    def label_from_instance(self, obj):
        return obj.title


def fields(params) -> dict:
    return {
        "challenge": PageField(
            label=_("Idea challenge"),
            queryset=IdeaChallengePage.objects.live().order_by("title"),
            empty_label=None,
        )
    }


def handle(*, data, text, title, language, provenance):
    """Submit the idea as offline input of the event; the same key never makes a second idea."""
    # idea_submit records the active language; the sticky note may be in another one.
    with translation.override(language or None):
        idea, _created = idea_submit(
            challenge=data["challenge"],
            author=None,
            data={"title": title, "body": text},
            **provenance,
        )
    return idea


KIND = InputKind("idea", _("Idea"), fields, handle, needs_title=True)
