"""URL wiring: the top floor imports every app's URLs; nothing imports this module."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from civitas.core import views as core_views

from .api import api

handler400 = core_views.bad_request
handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
handler500 = core_views.server_error

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", api.urls),
    path("accounts/", include("allauth.urls")),
    path("me/", include("civitas.accounts.urls")),
    path("i/", include("civitas.interactions.urls")),
    path("notifications/", include("civitas.notifications.urls")),
    path("feedback/", include("feedback_loop.urls")),
    path("budgeting/", include("budgeting.urls")),
    path("ideas-help/", include("ideas.urls")),
    path("", include("civitas.core.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving catches everything else, so it comes last.
urlpatterns += [path("", include(wagtail_urls))]
