from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "civitas.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from civitas.accounts.signals import account_deleting
        from civitas.core.privacy import personal_data_exporters

        from .privacy import export_notifications
        from .services import forget_person

        personal_data_exporters.register("notifications", export_notifications)
        account_deleting.connect(
            lambda sender, user, **kwargs: forget_person(user),
            weak=False,
            dispatch_uid="notifications.forget_person",
        )
