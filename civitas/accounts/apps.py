from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "civitas.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from wagtail.models import Page

        from civitas.core.privacy import personal_data_exporters

        from .models import Role
        from .privacy import export_account
        from .scopes import resolve_process_page, role_scopes

        personal_data_exporters.register("accounts", export_account)
        # Moderators can hold their role for one process page instead of the whole site.
        role_scopes.register_model(Page, roles=[Role.MODERATOR], resolve=resolve_process_page)
