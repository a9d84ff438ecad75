"""Test settings: fast password hashing; the database still comes from DATABASE_URL."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False

# Static files come from the app finders in tests; nothing is collected.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True

# Figures are rendered live: a test's writes never commit (each test is one transaction), so the
# stamp that stales cached figures would not change. The browser tests, whose writes commit,
# and the tests of the cache itself turn it on.
FIGURES_CACHE_SECONDS = 0
