"""A minimal process and contribution, built only from kernel parts."""

from django.db import models
from wagtail.search import index

from civitas.core.text import validate_clean_text
from civitas.participation.models import CONTRIBUTION_SEARCH_FIELDS, Contribution, ProcessPage


class DummyProcessPage(ProcessPage):
    phase_types = ("dummy_process.collect", "dummy_process.review")
    parent_page_types = ["home.HomePage"]
    subpage_types: list = []

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["notes"] = (
            Note.objects.visible().filter(process=self).select_related("author").order_by("pk")
        )
        return context


class Note(index.Indexed, Contribution):
    text = models.TextField(max_length=2000, validators=[validate_clean_text])

    search_fields = [*CONTRIBUTION_SEARCH_FIELDS, index.SearchField("text")]

    def __str__(self):
        return self.text[:40]

    def contribution_text(self) -> str:
        return self.text
