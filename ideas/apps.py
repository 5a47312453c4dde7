from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "ideas"
    verbose_name = _("Ideas")

    def ready(self):
        from civitas.core.privacy import personal_data_exporters
        from civitas.core.search import register_searchable
        from civitas.interactions.registry import register as register_interactions
        from civitas.participation.phases import register_phase_type

        from . import rules  # noqa: F401  (registers the permissions)
        from .models import Idea
        from .phases import PHASE_TYPES
        from .selectors import personal_data

        for phase_type in PHASE_TYPES:
            register_phase_type(phase_type)
        register_interactions(Idea, support_action="support", comment_action="comment")
        register_searchable(Idea, lambda: Idea.objects.public())
        personal_data_exporters.register("ideas", personal_data)
