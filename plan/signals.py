"""Log successful and failed logins (who, from where) and start the idle clock at login."""

import logging

from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from .accounts import MUST_CHANGE_SESSION_KEY, must_change_password
from .login_limits import client_address
from .middleware import mark_seen

logger = logging.getLogger("dashboard.auth")


def _address(request) -> str:
    """The client's address, through trusted proxies (the proxy's own address says nothing)."""
    return (client_address(request) or "?") if request is not None else "?"


# Django saves the user on every login to set last_login, which would add an empty "user
# changed" row to the audit trail each time. The same column is set here without a save.
user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    type(user).objects.filter(pk=user.pk).update(last_login=timezone.now())
    logger.info("login succeeded user=%s address=%s", user.get_username(), _address(request))
    if request is not None and hasattr(request, "session"):
        mark_seen(request.session)  # the idle clock starts at login
        if must_change_password(user):  # asked once here, then kept in the session
            request.session[MUST_CHANGE_SESSION_KEY] = True


@receiver(user_login_failed)
def log_failed_login(sender, credentials, request=None, **kwargs):
    logger.warning(
        "login failed user=%s address=%s", credentials.get("username", "?"), _address(request)
    )


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs):
    name = user.get_username() if user is not None else "?"
    logger.info("logout user=%s address=%s", name, _address(request))


def grant_administrators(sender, using="default", **kwargs):
    """Give each administrator role (管理员 and the three separated ones) exactly its
    permissions (run after migrate, idempotent; see ``plan.admin_roles``)."""
    from .admin_roles import grant_role_permissions

    grant_role_permissions(sender, using=using)
