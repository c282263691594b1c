"""The clip JSON API (no language prefix; the file endpoints are in file_views).

The page's own JavaScript calls the API with the session cookie and the CSRF
token. Errors are JSON ``{"error": "..."}`` in the user's language."""

import json

from django.core.exceptions import RequestDataTooBig
from django.core.validators import slug_re
from django.http import JsonResponse
from django.http.request import RawPostDataException
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mediaportal.errors import json_error

from . import selectors, services
from .forms import ClipRequestForm
from .models import Clip


def _login_required_json(view):
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return json_error(_("Log in to download videos."), 401)
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


def clip_json(clip: Clip) -> dict:
    data = {
        "id": clip.pk,
        "status": clip.status,
        "progress": clip.progress,
        "url": reverse("downloads_api:clip_status", args=[clip.pk]),
        "start": clip.start_seconds,
        "end": clip.end_seconds,
        "frames": clip.end_frame - clip.start_frame,
        "method": clip.method or None,
        "format": clip.format,
    }
    if clip.status == Clip.Status.READY:
        data["download_url"] = reverse("downloads_api:clip_file", args=[clip.pk, clip.download_name()])
        data["size"] = clip.size
    if clip.status == Clip.Status.FAILED:
        data["error"] = _("The clip could not be made. Please try another range or contact us.")
    return data


@require_POST
@_login_required_json
def clip_create(request):
    try:
        payload = json.loads(request.body or b"{}")
    except RequestDataTooBig:
        return json_error(_("The request is too large."), 413)
    except RawPostDataException:
        # A multipart form: the CSRF check has read it as a stream already.
        return json_error(_("The request body must be JSON."), 400)
    except (ValueError, UnicodeDecodeError, RecursionError):
        # RecursionError: arrays or objects nested thousands deep.
        return json_error(_("The request body must be JSON."), 400)
    if not isinstance(payload, dict):
        return json_error(_("The request body must be a JSON object."), 400)
    slug = payload.get("video")
    if not isinstance(slug, str) or not slug:
        return json_error(_("Say which video the clip comes from."), 400)
    # Not a slug (NUL bytes, spaces...): no video has it, and PostgreSQL
    # refuses NUL in a query.
    video = selectors.video_visible_to(request.user).filter(slug=slug).first() if slug_re.match(slug) else None
    if video is None:
        return json_error(_("No such video."), 404)
    if video.status == video.Status.FAILED:
        return json_error(_("This video could not be processed, so no clip can be made from it."), 409)
    if video.status != video.Status.READY:
        return json_error(_("This video is still being processed. Try again in a few minutes."), 409)
    form = ClipRequestForm(payload, video=video)
    if not form.is_valid():
        return json_error(form.first_error(), 400)
    try:
        clip = services.clip_request(
            rendition=form.cleaned_data["rendition"],
            first_frame=form.cleaned_data["first_frame"],
            end_frame=form.cleaned_data["end_frame"],
            format=form.cleaned_data["format"],
            user=request.user,
        )
    except services.ClipLimitReached as limit:
        return json_error(
            _("You already have %(count)s clips being made. Please wait until one is ready.")
            % {"count": limit.args[0]},
            429,
        )
    clip.refresh_from_db()
    return JsonResponse(clip_json(clip), status=202)


@require_GET
@_login_required_json
def clip_status(request, pk):
    clip = selectors.clip_visible(clip_id=pk, user=request.user)
    if clip is None:
        return json_error(_("No such clip."), 404)
    return JsonResponse(clip_json(clip))
