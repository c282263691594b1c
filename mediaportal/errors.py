"""Error views the settings point to."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure


def csrf_failure(request, reason=""):
    """The clip API's JavaScript reads ``{"error": ...}``; pages get the
    portal's ``403_csrf.html`` through Django's own view."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": _("Your session has expired or cookies are blocked. Reload the page and try again.")}, status=403
        )
    return django_csrf_failure(request, reason=reason)
