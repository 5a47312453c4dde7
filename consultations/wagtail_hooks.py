"""Admin: consultation parts as snippets, audit actions, document versions on save."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Debate, DraftDocument, Poll, Survey


class SurveyViewSet(SnippetViewSet):
    model = Survey
    icon = "form"
    list_display = ["title", "consultation", "response_mode"]
    list_filter = ["consultation"]


class PollViewSet(SnippetViewSet):
    model = Poll
    icon = "pick"
    list_display = ["question", "consultation", "results_shown"]


class DraftDocumentViewSet(SnippetViewSet):
    model = DraftDocument
    icon = "doc-full"
    list_display = ["title", "consultation"]


class DebateViewSet(SnippetViewSet):
    model = Debate
    icon = "group"
    list_display = ["question", "consultation"]


class ConsultationPartsGroup(SnippetViewSetGroup):
    menu_label = _("Consultation parts")
    menu_icon = "form"
    menu_order = 250
    items = (SurveyViewSet, PollViewSet, DraftDocumentViewSet, DebateViewSet)


register_snippet(ConsultationPartsGroup)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def publish_document_version(request, instance):
    """Saving a draft document publishes its text as a new version when it changed."""
    if isinstance(instance, DraftDocument):
        from .services import document_version_publish

        document_version_publish(document=instance, by=request.user)


@hooks.register("register_log_actions")
def register_consultation_log_actions(actions):
    for action, label, message in (
        ("response.submitted", _("Submit survey response"), _("Survey response submitted")),
        ("answer.moderated", _("Moderate answer"), _("Answer moderated")),
        ("theme.added", _("Add theme"), _("Theme added")),
        ("export.started", _("Export responses"), _("Export started")),
        ("poll.voted", _("Vote in poll"), _("Poll vote cast")),
        ("document.versioned", _("Publish document version"), _("Document version published")),
        ("paragraph.commented", _("Comment on paragraph"), _("Paragraph comment added")),
        ("argument.added", _("Add argument"), _("Argument added")),
    ):
        actions.register_action(f"consultations.{action}", label, message)
