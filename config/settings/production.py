"""Production: refuses to start without a secret key and allowed hosts; HTTPS everywhere.

Expects to run behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto.
`manage.py check --deploy --fail-level WARNING` reports no issue with these settings.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = False

SECRET_KEY = os.environ.get("SECRET_KEY", "").strip()
if not SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY for production settings.")
if SECRET_KEY == "civitas-insecure-development-key-change-me":  # noqa: S105
    raise ImproperlyConfigured("SECRET_KEY is the public development key: set a secret one.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated) for production settings.")

# Absolute links (e-mails, the admin's "view live") point at the public site.
_public_host = ALLOWED_HOSTS[0].lstrip(".")
if os.environ.get("SITE_URL"):
    WAGTAILADMIN_BASE_URL = os.environ["SITE_URL"]
elif _public_host != "*":
    WAGTAILADMIN_BASE_URL = f"https://{_public_host}"

# TLS ends at the proxy, which tells us the original scheme.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Staff roles set up TOTP before they reach staff screens (CIVITAS_REQUIRE_MFA_FOR_STAFF=0 to
# switch off, e.g. while a city connects its own single sign-on).
CIVITAS_REQUIRE_MFA_FOR_STAFF = env_bool("CIVITAS_REQUIRE_MFA_FOR_STAFF", True)

# Hashed, compressed static files served by WhiteNoise; needs `manage.py collectstatic`.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
