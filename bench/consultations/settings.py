"""Development settings with DEBUG off, as a server runs: no query log, no debug context."""

from config.settings.dev import *  # noqa: F403

DEBUG = False
