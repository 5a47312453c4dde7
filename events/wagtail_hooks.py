from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from civitas.home.sections import HomeSection

from .models import Baseline, Venue


class VenueViewSet(SnippetViewSet):
    model = Venue
    icon = "site"
    menu_label = _("Venues")
    list_display = ["name", "kind", "address", "district"]
    list_filter = ["kind", "district"]
    search_fields = ["name"]


class BaselineViewSet(SnippetViewSet):
    model = Baseline
    icon = "table"
    menu_label = _("Baseline figures")
    panels = [
        FieldPanel("process"),
        FieldPanel(
            "by_age",
            help_text=_('Percent of residents per age band, e.g. {"18_29": 20, "65_plus": 18}.'),
        ),
        FieldPanel(
            "by_district",
            help_text=_('Percent of residents per district id, e.g. {"1": 40, "2": 60}.'),
        ),
    ]


register_snippet(VenueViewSet)
register_snippet(BaselineViewSet)


@hooks.register("register_log_actions")
def register_events_log_actions(actions):
    for action, label in (
        ("events.registration.created", _("Registration created")),
        ("events.registration.cancelled", _("Registration cancelled")),
        ("events.registration.promoted", _("Registration promoted from the waiting list")),
        ("events.attendance.recorded", _("Attendance recorded")),
        ("events.cards.created", _("Receipt cards printed")),
        ("events.input.logged", _("Event input logged")),
        ("events.input.posted", _("Input posted on the live board")),
        ("events.board.moderated", _("Live board moderated")),
    ):
        actions.register_action(action, label, label)


@hooks.register("civitas_home_section")
def upcoming_events_section():
    from .selectors import next_session, upcoming_events

    def get_context(request):
        events = upcoming_events(limit=4)
        return {"events": [(event, next_session(event)) for event in events]}

    return HomeSection("upcoming_events", "events/home_section.html", get_context)
