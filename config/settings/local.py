"""Development settings: the base ones, on SQLite unless DATABASE_URL says otherwise."""

from .base import *  # noqa: F403

# runserver serves static files from the finders; collectstatic is for production.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True

# E-mail (reminders) goes to the console in development.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
