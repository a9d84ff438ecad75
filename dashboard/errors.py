"""Error pages that work when the database does not: no query, no stack trace, in Chinese."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils import translation

# Errors that mean "the database is unreachable", not "the code is wrong".
UNAVAILABLE = (OperationalError, InterfaceError)


def server_error(request, *args, **kwargs):
    """The 500 handler: a 503 page (with Retry-After) when the database is down, else 500.

    Rendered without a request context, so no context processor queries the database."""
    error = sys.exc_info()[1]
    with translation.override("zh-hans"):
        if isinstance(error, UNAVAILABLE):
            body = loader.get_template("503.html").render({})
            response = HttpResponse(body, status=503)
            response["Retry-After"] = "30"
            return response
        return HttpResponseServerError(loader.get_template("500.html").render({}))
