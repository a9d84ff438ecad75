"""System checks for settings that are easy to get wrong and costly when wrong."""

import ipaddress

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security)
def trusted_proxies_are_networks(app_configs=None, **kwargs):
    """Every ``DJANGO_TRUSTED_PROXIES`` entry must be an address or a network: a typo would
    otherwise fail at the first login."""
    errors = []
    for entry in getattr(settings, "TRUSTED_PROXIES", []):
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            errors.append(Error(
                f"DJANGO_TRUSTED_PROXIES: {entry!r} is not an IP address or network.",
                hint="List the reverse proxies' addresses, e.g. 127.0.0.1 or 10.1.0.0/24.",
                id="plan.E001",
            ))  # fmt: skip
    return errors


@register(Tags.security, deploy=True)
def proxy_without_trusted_proxies(app_configs=None, **kwargs):
    """Behind a TLS proxy with no trusted proxy listed, every client has the proxy's address:
    the per-address ceiling of failed logins would then pause logins for everyone."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not settings.TRUSTED_PROXIES:
        return [Warning(
            "DJANGO_BEHIND_TLS_PROXY is on but DJANGO_TRUSTED_PROXIES is empty: every client "
            "has the proxy's address, so failed logins from anyone count against everyone.",
            hint="Set DJANGO_TRUSTED_PROXIES to the proxy's address (e.g. 127.0.0.1).",
            id="plan.W001",
        )]  # fmt: skip
    return []
