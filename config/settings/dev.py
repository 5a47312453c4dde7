"""Local development and the demo: debug on, console e-mail."""

from .base import *  # noqa: F403

DEBUG = True
