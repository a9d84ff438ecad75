"""Project-wide middleware that belongs to no one app: what every response must say."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control

from .uploads import RequestBodyTooLarge


class PrivateNoStoreMiddleware:
    """Every response to a logged-in user says ``Cache-Control: private, no-store``.

    Pages show a unit's unapproved reports, the audit trail and who is behind what: no proxy or
    shared browser cache on the way may keep a copy. A view's own directives are kept (a view
    that says ``no-cache, must-revalidate`` keeps saying it); ``public`` gives way to
    ``private``. So do the login pages, whatever answers them (axes' lock-out page too).
    Static files never get here: WhiteNoise answers them before this middleware, with their own
    long-lived headers, and they hold nothing private.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path in login_paths():
            patch_cache_control(response, private=True, no_store=True)
        return response


def login_paths() -> set[str]:
    """The login pages, whose answers (the form, a failure, axes' lock-out page) no cache keeps."""
    return {reverse("login"), reverse("admin:login")}


class RequestSizeLimitMiddleware:
    """Answer 413 with a readable page to a request whose body is over
    ``REQUEST_MAX_BODY_BYTES``, without reading it.

    A declared ``Content-Length`` over the limit is refused at once; a multipart form is parsed
    here, before any view, through ``RequestSizeLimitUploadHandler``, which stops at the limit.
    The page is rendered without a request context (no query, no session), as the 503 page is.
    The reverse proxy should refuse such bodies before they reach us: README, production.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.REQUEST_MAX_BODY_BYTES:
            return too_large(request)
        if request.method == "POST" and request.content_type == "multipart/form-data":
            try:
                request.FILES  # noqa: B018 -- parse now, through the counting handler
            except RequestBodyTooLarge:
                return too_large(request)
        return self.get_response(request)


def too_large(request):
    """The 413 page: what the limit is and what to do instead."""
    megabytes = settings.REQUEST_MAX_BODY_BYTES // (1024 * 1024)
    with translation.override(translation.get_language() or settings.LANGUAGE_CODE):
        body = loader.get_template("413.html").render({"megabytes": megabytes})
    # The rest of the body is never read; gunicorn's workers close the connection after it.
    return HttpResponse(body, status=413)


class PasswordChangeRequiredMiddleware:
    """An account an administrator created or reset sees only the password change page (and
    may log out or switch language) until it has chosen its own password. The flag comes from
    the session, set at login (``plan.signals``): no query per page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from plan.accounts import MUST_CHANGE_SESSION_KEY

        if request.user.is_authenticated and request.session.get(MUST_CHANGE_SESSION_KEY):
            allowed = {reverse("password_change"), reverse("logout"), reverse("set_language")}
            if request.path not in allowed:
                return redirect("password_change")
        return self.get_response(request)
