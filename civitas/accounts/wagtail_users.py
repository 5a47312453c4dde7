"""Wagtail's users app, wired to the Civitas user model (e-mail, display name, no last name)."""

from wagtail.users.apps import WagtailUsersAppConfig


class CivitasUsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "civitas.accounts.admin_views.UserViewSet"
