"""Error answers: the one JSON error shape and the error views the settings
point to."""

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure


def wants_json(request: HttpRequest) -> bool:
    """Whether this request's errors are answered as JSON: everything under
    ``/api/``, which only the pages' own scripts call."""
    return request.path.startswith("/api/")


def json_error(message: str, status: int) -> JsonResponse:
    """The API's error answer: ``{"error": "<message in the user's language>"}``.
    The pages' scripts show ``error`` as it is."""
    return JsonResponse({"error": message}, status=status)


def csrf_failure(request, reason=""):
    """The clip API's JavaScript reads ``{"error": ...}``; pages get the
    portal's ``403_csrf.html`` through Django's own view."""
    if wants_json(request):
        return json_error(_("Your session has expired or cookies are blocked. Reload the page and try again."), 403)
    return django_csrf_failure(request, reason=reason)
