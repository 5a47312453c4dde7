from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "civitas.core"
    label = "core"
    verbose_name = _("Civitas core")
