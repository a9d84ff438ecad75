"""Log successful and failed logins (who, from where) and start the idle clock at login."""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .middleware import mark_seen

logger = logging.getLogger("dashboard.auth")


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "?") if request is not None else "?"


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    logger.info("login succeeded user=%s address=%s", user.get_username(), _address(request))
    if request is not None and hasattr(request, "session"):
        mark_seen(request.session)  # the idle clock starts at login


@receiver(user_login_failed)
def log_failed_login(sender, credentials, request=None, **kwargs):
    logger.warning(
        "login failed user=%s address=%s", credentials.get("username", "?"), _address(request)
    )


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs):
    name = user.get_username() if user is not None else "?"
    logger.info("logout user=%s address=%s", name, _address(request))
