from urllib.parse import unquote

from django.conf import settings
from django.db import OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .errors import json_error, wants_json


class ContentSecurityPolicyMiddleware:
    """Adds the site's Content-Security-Policy header (Django 5.2 has none
    built in). A view that needs a stricter policy (served files) sets its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class RejectNulMiddleware:
    """Answers 400 when the address holds a NUL character (``%00``).

    No link or form of the site sends one, and PostgreSQL refuses NUL in text,
    so a view (or the admin's list filters) that passed it on to a query would
    fail with a 500. Form fields already refuse NUL with their own message;
    the query string and the path are what reach queries unchecked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            message = _("The address contains a character that is not allowed. Check the link and try again.")
            if wants_json(request):
                return json_error(message, 400)
            return HttpResponseBadRequest(render_to_string("400.html", {"message": message}, request=request))
        return self.get_response(request)


class MethodNotAllowedPageMiddleware:
    """``require_POST`` and its kin answer 405 with an empty body: someone who
    opens a form's target from a bookmark or history gets a blank page. Give
    that answer a message (JSON under /api/), keeping the status and Allow."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.content or request.method == "HEAD":
            return response
        if wants_json(request):
            message = _("This address does not answer %(method)s requests.") % {"method": request.method}
            response.content = json_error(message, 405).content
            response["Content-Type"] = "application/json"
        else:
            response.content = render_to_string("405.html", request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response


class QueryTimeoutMiddleware:
    """A query cancelled by ``statement_timeout`` (DATABASE_STATEMENT_TIMEOUT)
    answers 503 with a page that says to try again, not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError) or not _is_query_canceled(exception):
            return None
        message = _("This request took too long and was stopped. Please try again in a minute, or narrow your search.")
        if wants_json(request):
            response = json_error(message, 503)
        else:
            response = HttpResponse(render_to_string("503.html", {"message": message}, request=request), status=503)
        response["Retry-After"] = "60"
        return response


def _is_query_canceled(exception: BaseException) -> bool:
    cause = exception.__cause__
    # psycopg's QueryCanceled: SQLSTATE 57014 (statement timeout or cancel request).
    return getattr(cause, "sqlstate", None) == "57014"
