"""The clip JSON API (no language prefix; the file endpoints are in file_views.py).

The page's own JavaScript calls the API with the session cookie and the CSRF
token. Errors are JSON ``{"error": "..."}`` in the user's language."""

import json
import uuid

from django.core.exceptions import RequestDataTooBig
from django.core.validators import slug_re
from django.http import JsonResponse
from django.http.request import RawPostDataException
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mediaportal.errors import json_error

from . import selectors, services
from .forms import ClipRequestForm
from .media import timecode
from .models import Clip, ClipRequest


def _login_required_json(view):
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return json_error(_("Log in to download videos."), 401)
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


def _timecode(request_row: ClipRequest, frame: int) -> str:
    return timecode.format_frames(frame, request_row.fps, selectors.start_timecode_of(request_row.video))


def clip_request_json(request_row: ClipRequest) -> dict:
    """One person's clip as their page shows it; ``id`` is the request's own
    random id, never the shared render's."""
    clip = request_row.clip
    data = {
        "id": str(request_row.pk),
        "name": request_row.name,
        "video": request_row.video.slug,
        "video_title": request_row.video.title,
        "video_url": request_row.video.get_absolute_url(),
        "rendition": request_row.rendition_kind,
        "format": request_row.format,
        "start_frame": request_row.start_frame,
        "end_frame": request_row.end_frame,
        "start": float(request_row.start_frame / request_row.fps),
        "end": float(request_row.end_frame / request_row.fps),
        "frames": request_row.end_frame - request_row.start_frame,
        "timecode_in": _timecode(request_row, request_row.start_frame),
        "timecode_out": _timecode(request_row, request_row.end_frame - 1),
        "duration": timecode.format_frames(request_row.end_frame - request_row.start_frame, request_row.fps),
        "created": request_row.created_at.isoformat(),
        "url": reverse("downloads_api:clip_status", args=[request_row.pk]),
        "status": clip.status if clip else "expired",
        "progress": clip.progress if clip else 0,
        "method": (clip.method or None) if clip else None,
        "expires": clip.expires_at.isoformat() if clip and clip.expires_at else None,
    }
    if clip and clip.status == Clip.Status.READY:
        data["download_url"] = reverse("downloads_api:clip_file", args=[request_row.pk, clip.download_name()])
        data["size"] = clip.size
    if clip and clip.status == Clip.Status.FAILED:
        data["error"] = _("The clip could not be made. Please try another range or contact us.")
    return data


def _json_body(request) -> dict | JsonResponse:
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
    return payload


def _clean_name(payload: dict) -> str | JsonResponse:
    name = payload.get("name", "")
    if not isinstance(name, str) or "\x00" in name:
        return json_error(_("The name must be text."), 400)
    if len(name) > 200:
        return json_error(_("The name can be at most 200 characters long."), 400)
    return name


@require_http_methods(["GET", "POST"])
@_login_required_json
def clips(request):
    """GET: the user's own clips (``?video=<slug>`` for one video's); POST: a new request."""
    if request.method == "POST":
        return _clip_create(request)
    video = None
    slug = request.GET.get("video")
    if slug is not None:
        video = selectors.video_visible_to(request.user).filter(slug=slug).first() if slug_re.match(slug) else None
        if video is None:
            return json_error(_("No such video."), 404)
    rows = selectors.clip_request_list_for_user(user=request.user, video=video)[:200]
    return JsonResponse({"clips": [clip_request_json(row) for row in rows]})


def _clip_create(request):
    payload = _json_body(request)
    if isinstance(payload, JsonResponse):
        return payload
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
    name = _clean_name(payload)
    if isinstance(name, JsonResponse):
        return name
    try:
        row = services.clip_request_create(
            rendition=form.cleaned_data["rendition"],
            first_frame=form.cleaned_data["first_frame"],
            end_frame=form.cleaned_data["end_frame"],
            user=request.user,
            name=name,
            format=form.cleaned_data["format"],
        )
    except services.ClipLimitReached as limit:
        return json_error(
            _("You already have %(count)s clips being made. Please wait until one is ready.")
            % {"count": limit.args[0]},
            429,
        )
    row = selectors.clip_request_owned(request_id=row.pk, user=request.user)
    return JsonResponse(clip_request_json(row), status=202)


def _owned(request, pk: str) -> ClipRequest | None:
    try:
        request_id = uuid.UUID(pk)
    except ValueError:
        return None
    return selectors.clip_request_owned(request_id=request_id, user=request.user)


@require_http_methods(["GET", "PATCH"])
@_login_required_json
def clip_status(request, pk):
    """One of the user's own clips (another user's answers 404); PATCH renames it."""
    row = _owned(request, pk)
    if row is None:
        return json_error(_("No such clip."), 404)
    if request.method == "PATCH":
        payload = _json_body(request)
        if isinstance(payload, JsonResponse):
            return payload
        name = _clean_name(payload)
        if isinstance(name, JsonResponse):
            return name
        if not name.strip():
            return json_error(_("Give the clip a name."), 400)
        services.clip_request_rename(clip_request=row, name=name)
    return JsonResponse(clip_request_json(row))
