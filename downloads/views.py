"""Pages of the video library: list and video page with the download panel."""

from fractions import Fraction

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from . import selectors, shotlist
from .media import timecode
from .media.cut import frame_range
from .models import ClipRequest, Rendition, Video


class VideoFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"))
    language = forms.ChoiceField(
        required=False,
        label=_("Language"),
        choices=[("", _("Any language"))] + list(settings.LANGUAGES) + [("zxx", _("No speech"))],
    )
    date_from = forms.DateField(required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))


def video_list(request):
    form = VideoFilterForm(request.GET or None)
    # Filters that make sense apply; the others are named on the page, with a 400.
    valid = form.is_valid() if form.is_bound else True
    filters = form.cleaned_data if form.is_bound else {}
    videos = selectors.video_search(
        query=filters.get("q", ""),
        language=filters.get("language", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = Paginator(videos, 12).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "downloads/video_list.html",
        {
            "form": form,
            "page": page,
            "videos": page.object_list,
            "query": query.urlencode(),
        },
        status=200 if valid else 400,
    )


def video_detail(request, slug):
    video = get_object_or_404(selectors.video_visible_to(request.user), slug=slug)
    renditions = list(video.renditions.all())
    web = next((r for r in renditions if r.kind == Rendition.Kind.WEB), None)
    master = next((r for r in renditions if r.kind == Rendition.Kind.MASTER), None)
    preview = web or (master if master and master.video_codec == "h264" else None)
    start_timecode = selectors.start_timecode_of(video)
    fps = video.fps or Fraction(25)
    return render(
        request,
        "downloads/video_detail.html",
        {
            "video": video,
            "renditions": renditions,
            "preview": preview,
            "ready": video.status == Video.Status.READY,
            "max_clip_seconds": settings.CLIP_MAX_SECONDS,
            "start_timecode": start_timecode,
            "duration_timecode": timecode.format_frames(round((video.duration or 0) * fps), fps),
            "shots": _shots(video, fps, start_timecode),
            "clip_formats": ClipRequest.Format.choices,
        },
    )


def _shots(video: Video, fps: Fraction, start_timecode: str) -> list[dict]:
    """The shot list as lines to seek to: each runs to the next one's start."""
    parsed, errors = shotlist.parse(video.shot_list)
    if errors:  # typed before the admin checked it: the page shows the text as it is
        return []
    duration = video.duration or 0
    starts = [float(shot.seconds_at(fps)) for shot in parsed]
    return [
        {
            "start": start,
            "end": starts[index + 1] if index + 1 < len(starts) else duration,
            "timecode": timecode.format_frames(frame_range(fps, start, start)[0], fps, start_timecode),
            "text": shot.text,
        }
        for index, (shot, start) in enumerate(zip(parsed, starts, strict=True))
        if start < duration
    ]


@login_required
def download_history(request):
    """The user's own downloads, newest first."""
    page = Paginator(selectors.download_list_for_user(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "downloads/download_history.html", {"page": page, "downloads": page.object_list})


@login_required
def clip_request_list(request):
    """ "My clips": every clip the user asked for, with its download until it expires."""
    page = Paginator(selectors.clip_request_list_for_user(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "downloads/clip_request_list.html", {"page": page, "clip_requests": page.object_list})
