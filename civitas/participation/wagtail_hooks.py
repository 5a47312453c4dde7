"""Admin for the participation kernel: topics and districts as snippets."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import District, Topic


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    list_display = ["name", "slug"]
    search_fields = ["name"]
    menu_label = _("Topics")


class DistrictViewSet(SnippetViewSet):
    model = District
    icon = "site"
    list_display = ["name", "code", "slug"]
    search_fields = ["name"]
    menu_label = _("Districts")


class TaxonomyViewSetGroup(SnippetViewSetGroup):
    items = (TopicViewSet, DistrictViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _("Topics and districts")
    menu_name = "taxonomy"


register_snippet(TaxonomyViewSetGroup)
