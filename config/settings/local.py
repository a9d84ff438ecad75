"""Development settings: the base ones, on SQLite unless DATABASE_URL says otherwise."""

from .base import *  # noqa: F403
