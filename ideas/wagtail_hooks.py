from django.utils.translation import gettext_lazy as _
from wagtail import hooks


@hooks.register("register_log_actions")
def register_ideas_log_actions(actions):
    actions.register_action("ideas.idea.submitted", _("Submit idea"), _("Idea submitted"))
    actions.register_action("ideas.idea.edited", _("Edit idea"), _("Idea edited"))
    actions.register_action("ideas.idea.withdrawn", _("Withdraw idea"), _("Idea withdrawn"))
    actions.register_action(
        "ideas.idea.status_changed", _("Set idea status"), _("Idea status changed")
    )
