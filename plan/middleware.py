"""Sessions that end after a stretch of idleness, without a database write on every page."""

import time

from django.conf import settings

SEEN_KEY = "_seen"


def mark_seen(session) -> None:
    session[SEEN_KEY] = int(time.time())


class SessionIdleTimeoutMiddleware:
    """Push a logged-in session's expiry (``SESSION_COOKIE_AGE`` from its last save) forward,
    at most once per ``SESSION_TOUCH_SECONDS``: a session left idle for the configured minutes
    expires, one in use never does, and most page views write nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            seen = request.session.get(SEEN_KEY, 0)
            if time.time() - seen > getattr(settings, "SESSION_TOUCH_SECONDS", 60):
                mark_seen(request.session)
        return self.get_response(request)
