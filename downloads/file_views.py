"""The file endpoints (no language prefix): full renditions, rendered clips
and the public preview. Each checks the permission, records the download and
hands the bytes to ``serve.serve``.

A logged-out person who follows a file link is sent to the login page and
back; a script or the page's JavaScript gets JSON 401 (its error display reads
that), so nobody's client parses a login page as a video."""

import uuid

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mediaportal.errors import json_error

from . import selectors, serve, services
from .models import Clip, Rendition


def _wants_page(request) -> bool:
    """A browser navigating (a click on a link), not a script or fetch()."""
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        return False
    mode = request.headers.get("Sec-Fetch-Mode")
    if mode:
        return mode == "navigate"
    return "text/html" in request.headers.get("Accept", "")


def login_required_for_file(view):
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if _wants_page(request):
            return redirect_to_login(request.get_full_path())
        response = json_error(_("Log in to download videos."), 401)
        response["Vary"] = "Accept, Sec-Fetch-Mode, X-Requested-With"
        return response

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


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
@login_required_for_file
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
@login_required_for_file
def clip_file(request, pk, filename):
    # ``pk`` is the person's own request id: another user's answers 404.
    try:
        row = selectors.clip_request_owned(request_id=uuid.UUID(pk), user=request.user)
    except ValueError:
        row = None
    clip = row.clip if row else None
    if clip is None or clip.status != Clip.Status.READY or filename != clip.download_name():
        raise Http404
    return _download_response(request, clip.rendition, clip.file, filename, clip.finished_at, clip=clip)


@require_http_methods(["GET", "HEAD"])
def preview(request, slug):
    """The browser-playable version for the player: anyone may watch a published video."""
    video = get_object_or_404(selectors.video_visible_to(request.user), slug=slug)
    rendition = selectors.rendition_preview(video.renditions.all())
    if rendition is None:
        raise Http404
    return serve.serve(
        request, rendition.file, filename=f"{video.slug}-preview.mp4", modified=rendition.created_at, attachment=False
    )


@require_http_methods(["GET", "HEAD"])
def filmstrip(request, slug, kind):
    """The timeline's sprite sheet (``jpg``) or its WebVTT track (``vtt``), for
    whoever may see the video."""
    video = get_object_or_404(selectors.video_visible_to(request.user), slug=slug)
    field = video.filmstrip if kind == "jpg" else video.filmstrip_vtt
    if not field:
        raise Http404
    response = FileResponse(field.open("rb"), content_type="image/jpeg" if kind == "jpg" else "text/vtt; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
