from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "civitas.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from civitas.core.privacy import personal_data_exporters

        from .privacy import export_account

        personal_data_exporters.register("accounts", export_account)
