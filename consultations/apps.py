from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations")

    def ready(self):
        from civitas.accounts.models import Role
        from civitas.accounts.scopes import role_scopes
        from civitas.accounts.signals import account_deleting
        from civitas.core.privacy import personal_data_exporters
        from civitas.home.management.commands.demo_city import demo_builders
        from civitas.interactions.registry import register as register_interactions
        from civitas.participation.phases import register_phase_type

        from . import rules, signals  # noqa: F401  (registers permissions and domain events)
        from .demo import build_demo
        from .models import Argument, ConsultationPage, ParagraphComment
        from .phases import PHASE_TYPES
        from .selectors import personal_data
        from .services import forget_person

        for phase_type in PHASE_TYPES:
            register_phase_type(phase_type)
        # Arguments take supports and threaded replies; paragraph comments take supports.
        register_interactions(Argument, comment_action="argue", support_action="argue")
        register_interactions(
            ParagraphComment, comments=False, follows=False, support_action="comment"
        )
        # A facilitator may be named for one consultation, to type in its paper responses.
        role_scopes.register_model(ConsultationPage, roles=[Role.FACILITATOR])
        personal_data_exporters.register("consultations", personal_data)
        account_deleting.connect(
            lambda sender, user, **kwargs: forget_person(user),
            weak=False,
            dispatch_uid="consultations.forget_person",
        )
        if build_demo not in demo_builders:
            demo_builders.append(build_demo)
