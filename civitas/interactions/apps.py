from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteractionsConfig(AppConfig):
    name = "civitas.interactions"
    label = "interactions"
    verbose_name = _("Interactions")

    def ready(self):
        from civitas.accounts.signals import account_deleting
        from civitas.core.privacy import personal_data_exporters

        from .kinds import register_kinds
        from .privacy import export_interactions
        from .services import forget_person

        personal_data_exporters.register("interactions", export_interactions)
        register_kinds()
        account_deleting.connect(
            lambda sender, user, **kwargs: forget_person(user),
            weak=False,
            dispatch_uid="interactions.forget_person",
        )
