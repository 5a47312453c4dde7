from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackLoopConfig(AppConfig):
    name = "feedback_loop"
    verbose_name = _("Feedback loop")

    def ready(self):
        from civitas.accounts.models import Role
        from civitas.accounts.scopes import role_scopes
        from civitas.accounts.signals import account_deleting
        from civitas.core.privacy import personal_data_exporters
        from civitas.home.management.commands.demo_city import demo_builders
        from civitas.notifications.kinds import NotificationKind, register_kind

        from . import rules  # noqa: F401  (registers the permissions)
        from .demo import build_demo
        from .models import Department
        from .privacy import personal_data
        from .services import forget_person
        from .sources import load_sources

        role_scopes.register_model(Department, roles=[Role.DEPARTMENT_MEMBER])
        register_kind(
            NotificationKind(
                "feedback_loop.case_assigned",
                _("A case was given to your department"),
                email_by_default=False,
            )
        )
        register_kind(
            NotificationKind(
                "feedback_loop.contribution_requested",
                _("Your department is asked to contribute to an answer"),
            )
        )
        register_kind(NotificationKind("feedback_loop.deadline", _("Answer deadlines")))
        register_kind(
            NotificationKind(
                "feedback_loop.case_returned",
                _("A department returned a case to the taskforce"),
            )
        )
        register_kind(
            NotificationKind("feedback_loop.answer_published", _("The city answered your input"))
        )
        personal_data_exporters.register("feedback_loop", personal_data)
        account_deleting.connect(
            lambda sender, user, **kwargs: forget_person(user),
            dispatch_uid="feedback_loop.forget_person",
            weak=False,
        )
        load_sources()
        demo_builders.append(build_demo)
