"""The public open-data API (version 1): one django-ninja API that collects the apps' routers."""

from importlib import import_module

from django.apps import apps
from ninja import NinjaAPI

from .routing import is_project_app

api = NinjaAPI(
    title="Civitas open data API",
    version="1",
    description=(
        "Public, read-only data about the city's participation processes. "
        "No personal data is exposed."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)

# Each app may provide `<app>/api.py` with `router` (a ninja Router) and `prefix`.
for app_config in apps.get_app_configs():
    if not is_project_app(app_config):
        continue
    try:
        module = import_module(f"{app_config.name}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"{app_config.name}.api":
            raise
        continue
    router = getattr(module, "router", None)
    if router is not None:
        api.add_router(getattr(module, "prefix", app_config.label), router)
