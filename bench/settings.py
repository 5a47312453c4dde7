"""Settings of the page benchmarks: the development settings with debugging off, as a server
runs (no query log, no debug context, no template debug information)."""

from config.settings.dev import *  # noqa: F403

DEBUG = False
