from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetingConfig(AppConfig):
    name = "budgeting"
    verbose_name = _("Participatory budgeting")

    def ready(self):
        from civitas.accounts.models import Role
        from civitas.accounts.scopes import role_scopes
        from civitas.accounts.signals import account_deleting
        from civitas.core.privacy import personal_data_exporters
        from civitas.core.search import register_searchable
        from civitas.home.management.commands.demo_city import demo_builders
        from civitas.interactions.registry import register as register_interactions
        from civitas.participation.phases import register_phase_type

        from . import rules  # noqa: F401  (registers the permissions)
        from .demo import build_demo
        from .kinds import register_kinds
        from .models import BudgetRoundPage, Proposal, ProposalStatus
        from .phases import PHASE_TYPES
        from .selectors import personal_data
        from .services import forget_person

        for phase_type in PHASE_TYPES:
            register_phase_type(phase_type)
        register_kinds()
        register_interactions(
            Proposal, supports=False, support_action=None, comment_action="comment"
        )
        # Facilitators enter paper ballots of one round; department members review its proposals.
        role_scopes.register_model(
            BudgetRoundPage, roles=[Role.FACILITATOR, Role.DEPARTMENT_MEMBER]
        )
        personal_data_exporters.register("budgeting", personal_data)
        # Search filters on indexed fields only, so the public rounds are given as ids.
        register_searchable(
            Proposal,
            lambda: Proposal.objects.filter(
                hidden_at__isnull=True,
                process_id__in=list(
                    BudgetRoundPage.objects.live().public().values_list("pk", flat=True)
                ),
            ).exclude(status=ProposalStatus.MERGED),
        )
        account_deleting.connect(
            lambda sender, user, **kwargs: forget_person(user),
            weak=False,
            dispatch_uid="budgeting.forget_person",
        )
        if build_demo not in demo_builders:
            demo_builders.append(build_demo)
