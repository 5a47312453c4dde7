"""URLs for the test suite: the project's URLs plus the test-only dummy process app."""

from django.urls import include, path

from config import urls as project_urls
from config.urls import handler400, handler403, handler404, handler500  # noqa: F401

urlpatterns = [
    path("dummy/", include("tests.dummy_process.urls")),
    *project_urls.urlpatterns,
]
