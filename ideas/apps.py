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

        from . import counters, receivers, rules  # noqa: F401  (rules registers the permissions)
        from .kinds import register_kinds
        from .models import Idea, IdeaChallengePage
        from .phases import PHASE_TYPES
        from .selectors import personal_data

        for phase_type in PHASE_TYPES:
            register_phase_type(phase_type)
        register_interactions(
            Idea,
            support_action="support",
            comment_action="comment",
            is_open=Idea.is_open_for,
            comment_moderated=counters.recount_for_comment,
        )
        register_kinds()
        receivers.connect(self)
        # Search can only filter on indexed fields, so the live challenges are given as ids.
        register_searchable(
            Idea,
            lambda: Idea.objects.filter(
                hidden_at__isnull=True,
                withdrawn_at__isnull=True,
                process_id__in=list(IdeaChallengePage.objects.live().values_list("pk", flat=True)),
            ),
        )
        personal_data_exporters.register("ideas", personal_data)

        from civitas.home.management.commands.demo_city import demo_builders

        from .demo import build_demo

        if build_demo not in demo_builders:
            demo_builders.append(build_demo)
