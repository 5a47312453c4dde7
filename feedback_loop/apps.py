from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackLoopConfig(AppConfig):
    name = "feedback_loop"
    verbose_name = _("Feedback loop")
