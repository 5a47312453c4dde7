"""Websocket routes, collected from each app's `routing.py` (`websocket_urlpatterns`)."""

from importlib import import_module

from django.apps import apps
from django.conf import settings


def is_project_app(app_config) -> bool:
    """True for Civitas's own apps (not installed third-party packages)."""
    return (
        app_config.path.startswith(str(settings.BASE_DIR))
        and "site-packages" not in app_config.path
    )


def collect_websocket_urlpatterns() -> list:
    patterns = []
    for app_config in apps.get_app_configs():
        if not is_project_app(app_config):
            continue
        try:
            module = import_module(f"{app_config.name}.routing")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app_config.name}.routing":
                raise
            continue
        patterns.extend(getattr(module, "websocket_urlpatterns", []))
    return patterns
