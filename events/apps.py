from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from civitas.accounts.models import Role
        from civitas.accounts.scopes import role_scopes
        from civitas.accounts.signals import account_deleting
        from civitas.core.privacy import personal_data_exporters
        from civitas.home.management.commands.demo_city import demo_builders
        from civitas.notifications.kinds import NotificationKind, register_kind

        from . import rules  # noqa: F401  (registers the permissions)
        from .input_kinds import CORE_KINDS, register_input_kind
        from .kinds import budgeting as proposal_kind
        from .kinds import consultations as survey_kind
        from .kinds import ideas as idea_kind
        from .models import EventPage
        from .selectors import personal_data
        from .services import forget_person

        role_scopes.register_model(EventPage, roles=[Role.FACILITATOR])
        register_input_kind(idea_kind.KIND)
        register_input_kind(survey_kind.KIND)
        register_input_kind(proposal_kind.KIND)
        register_input_kind(survey_kind.PAPER_KIND)
        register_input_kind(proposal_kind.BALLOT_KIND)
        for kind in CORE_KINDS:
            register_input_kind(kind)
        register_kind(NotificationKind("events.place_confirmed", _("A place came free for you")))
        register_kind(NotificationKind("events.reminder", _("Reminders before events")))
        personal_data_exporters.register("events", personal_data)
        account_deleting.connect(
            lambda sender, user, **kwargs: forget_person(user),
            weak=False,
            dispatch_uid="events.forget_person",
        )
        from .demo import build_demo

        demo_builders.append(build_demo)
