"""Who is logging in from where, and how many failures the dashboard tolerates.

Behind a reverse proxy every request's ``REMOTE_ADDR`` is the proxy's. The client's address is
taken from ``X-Forwarded-For`` only when the request comes from a proxy listed in
``TRUSTED_PROXIES`` (addresses or networks): the header is read from the right, past every
trusted hop, and the first address that is not a trusted proxy is the client. A header sent by
anyone else is ignored, so a client cannot choose its own address. django-axes asks
``client_address`` (``AXES_CLIENT_IP_CALLABLE``), and the login log uses it too.

Three limits, all within the cool-off window (``AXES_COOLOFF_TIME``):

- django-axes locks the pair (user name, address) after ``AXES_FAILURE_LIMIT`` failures, so one
  person guessing at one account from one place stops there, and nobody else is touched;
- ``LoginCeilingBackend`` refuses an account after ``LOGIN_ACCOUNT_FAILURE_LIMIT`` failures from
  any addresses (guessing one password from many places), and an address after
  ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures for any accounts (spraying passwords over accounts).

The counts are axes' own ``AccessAttempt`` rows, so ``manage.py axes_reset_username NAME`` and
``axes_reset_ip ADDRESS`` (or deleting the rows in the admin) lift every one of these locks.
"""

import ipaddress
import logging
from functools import lru_cache

from axes.attempts import get_cool_off_threshold
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_credentials
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

logger = logging.getLogger("dashboard.auth")


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _trusted(address, networks) -> bool:
    return any(address in network for network in networks)


def _parse(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The address of the client that sent ``request``, as far as trusted proxies vouch for it."""
    remote = request.META.get("REMOTE_ADDR")
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    nearest = _parse(remote or "")
    if nearest is None or not networks or not _trusted(nearest, networks):
        return remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for text in reversed(hops):
        hop = _parse(text)
        if hop is None:
            # Garbage where an address should be: the last trusted hop is all that is known.
            return str(nearest)
        if not _trusted(hop, networks):
            return str(hop)
        nearest = hop
    return str(nearest)


def _failures(threshold, **match) -> int:
    rows = AccessAttempt.objects.filter(attempt_time__gte=threshold, **match)
    return rows.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LoginCeilingBackend:
    """Refuses a login (before the password is checked) once the account, or the address, has
    reached its ceiling of failures in the cool-off window. Placed after axes' backend and
    before the one that checks passwords; it never logs anyone in (and has no ``get_user``, so
    the test client's ``force_login`` passes it by).

    A refused login is answered by axes' lock-out page (429) and counted as a failure, as axes
    counts failures during its own lock-outs.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or username is None:
            return None
        threshold = get_cool_off_threshold(request)
        address = getattr(request, "axes_ip_address", None) or client_address(request)
        if _failures(threshold, username=username) >= settings.LOGIN_ACCOUNT_FAILURE_LIMIT:
            reason = "account"
        elif _failures(threshold, ip_address=address) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            reason = "address"
        else:
            return None
        logger.warning("login refused user=%s address=%s ceiling=%s", username, address, reason)
        request.axes_locked_out = True  # axes' middleware answers with the lock-out page
        request.axes_credentials = get_credentials(username=username)
        raise AxesBackendPermissionDenied(f"too many failed logins for this {reason}")
