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

# (prefix, router) of every app router, for the API root's list of resources.
registered_routers: list = []

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
        prefix = getattr(module, "prefix", app_config.label)
        api.add_router(prefix, router)
        registered_routers.append((prefix, router))


@api.get("/", summary="API root", tags=["meta"])
def api_root(request):
    """Links to the API's resources, its OpenAPI schema and its documentation."""
    base = request.build_absolute_uri("/api/v1/")
    return {
        "version": api.version,
        "schema": base + "openapi.json",
        "docs": base + "docs",
        "resources": {
            route: base + route.lstrip("/")
            for route in sorted({path for path, _view in _public_paths()})
        },
    }


def _public_paths():
    """(path, view) for every GET route without parameters registered on the API."""
    for prefix, router in registered_routers:
        for path, path_view in router.path_operations.items():
            full = (prefix.strip("/") + "/" + path.lstrip("/")).strip("/")
            if "{" not in full and full and any("GET" in op.methods for op in path_view.operations):
                yield full, path_view
