from urllib.parse import unquote

from django.conf import settings
from django.http import HttpResponseBadRequest
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
