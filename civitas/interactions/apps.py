from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteractionsConfig(AppConfig):
    name = "civitas.interactions"
    label = "interactions"
    verbose_name = _("Interactions")

    def ready(self):
        from civitas.core.privacy import personal_data_exporters

        from .privacy import export_interactions

        personal_data_exporters.register("interactions", export_interactions)
