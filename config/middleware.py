"""Project-wide middleware that belongs to no one app: what every response must say."""

from django.utils.cache import patch_cache_control


class PrivateNoStoreMiddleware:
    """Every response to a logged-in user says ``Cache-Control: private, no-store``.

    Pages show a unit's unapproved reports, the audit trail and who is behind what: no proxy or
    shared browser cache on the way may keep a copy. A view's own directives are kept (a view
    that says ``no-cache, must-revalidate`` keeps saying it); ``public`` gives way to
    ``private``. The login page says the same through Django's ``never_cache``. Static files
    never get here: WhiteNoise answers them before this middleware, with their own long-lived
    headers, and they hold nothing private.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
