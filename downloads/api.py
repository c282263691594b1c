"""The clip JSON API and the file endpoints (no language prefix).

The page's own JavaScript calls the API with the session cookie and the CSRF
token. Errors are JSON ``{"error": "..."}`` in the user's language."""

import json

from django.core.exceptions import RequestDataTooBig
from django.core.validators import slug_re
from django.http import Http404, JsonResponse
from django.http.request import RawPostDataException
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, serve, services
from .forms import ClipRequestForm
from .models import Clip, Rendition


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _login_required_json(view):
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _error(_("Log in to download videos."), 401)
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
        return _error(_("The request is too large."), 413)
    except RawPostDataException:
        # A multipart form: the CSRF check has read it as a stream already.
        return _error(_("The request body must be JSON."), 400)
    except (ValueError, UnicodeDecodeError, RecursionError):
        # RecursionError: arrays or objects nested thousands deep.
        return _error(_("The request body must be JSON."), 400)
    if not isinstance(payload, dict):
        return _error(_("The request body must be a JSON object."), 400)
    slug = payload.get("video")
    if not isinstance(slug, str) or not slug:
        return _error(_("Say which video the clip comes from."), 400)
    # Not a slug (NUL bytes, spaces...): no video has it, and PostgreSQL
    # refuses NUL in a query.
    video = selectors.video_visible_to(request.user).filter(slug=slug).first() if slug_re.match(slug) else None
    if video is None:
        return _error(_("No such video."), 404)
    if video.status != video.Status.READY:
        return _error(_("This video is still being processed. Try again in a few minutes."), 409)
    form = ClipRequestForm(payload, video=video)
    if not form.is_valid():
        return _error(form.first_error(), 400)
    try:
        clip = services.clip_request(
            rendition=form.cleaned_data["rendition"],
            first_frame=form.cleaned_data["first_frame"],
            end_frame=form.cleaned_data["end_frame"],
            format=form.cleaned_data["format"],
            user=request.user,
        )
    except services.ClipLimitReached as limit:
        return _error(
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
        return _error(_("No such clip."), 404)
    return JsonResponse(clip_json(clip))


def _download_response(request, rendition: Rendition, field_file, filename: str, modified, clip=None):
    def record(first, last, length):
        if request.method == "GET":
            services.download_record(
                user=request.user,
                rendition=rendition,
                clip=clip,
                byte_start=first,
                byte_end=last,
                sent=length,
            )

    return serve.serve(request, field_file, filename=filename, modified=modified, on_send=record)


@require_http_methods(["GET", "HEAD"])
@_login_required_json
def rendition_file(request, pk, filename):
    rendition = get_object_or_404(
        Rendition.objects.select_related("video"), pk=pk, video__in=selectors.video_visible_to(request.user)
    )
    if filename != rendition.download_name():
        raise Http404
    # A rendition's file never changes in place (a new master makes new rows), so
    # its validators stay valid across edits of the video's texts: resumes keep working.
    return _download_response(request, rendition, rendition.file, filename, rendition.created_at)


@require_http_methods(["GET", "HEAD"])
@_login_required_json
def clip_file(request, pk, filename):
    clip = selectors.clip_visible(clip_id=pk, user=request.user)
    if clip is None or clip.status != Clip.Status.READY or filename != clip.download_name():
        raise Http404
    return _download_response(request, clip.rendition, clip.file, filename, clip.finished_at, clip=clip)


@require_http_methods(["GET", "HEAD"])
def preview(request, slug):
    """The browser-playable version for the player: anyone may watch a published video."""
    video = get_object_or_404(selectors.video_visible_to(request.user), slug=slug)
    renditions = {r.kind: r for r in video.renditions.all()}
    rendition = renditions.get(Rendition.Kind.WEB) or renditions.get(Rendition.Kind.MASTER)
    if rendition is None or rendition.video_codec != "h264":
        raise Http404
    return serve.serve(
        request, rendition.file, filename=f"{video.slug}-preview.mp4", modified=rendition.created_at, attachment=False
    )
