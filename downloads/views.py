"""Pages of the video library: list and video page with the download panel."""

from fractions import Fraction

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from mediaportal import search

from . import selectors, shotlist
from .media import timecode
from .media.cut import frame_range
from .models import Clip, Rendition, Video


class VideoFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"))
    language = forms.ChoiceField(
        required=False,
        label=_("Language"),
        choices=[("", _("Any language"))] + list(settings.LANGUAGES) + [("zxx", _("No speech"))],
    )
    date_from = forms.DateField(required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())

    def clean(self):
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_from > date_to:
            # Neither date applies: which one is wrong is the reader's call.
            del data["date_from"], data["date_to"]
            raise ValidationError(_("The From date is after the To date: swap them, or clear one."), code="date_order")
        return data


def video_list(request):
    form = VideoFilterForm(request.GET or None)
    # Filters that make sense apply; the others are named on the page, with a 400.
    valid = form.is_valid() if form.is_bound else True
    filters = form.cleaned_data if form.is_bound else {}
    query = filters.get("q", "")
    if query and (limited := search.search_rate_limited(request)):
        return limited
    result = search.search_paginate(
        lambda plan: selectors.video_search(
            language=filters.get("language", ""),
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
            plan=plan,
        ),
        plan=selectors.video_search_plan(query) if query else None,
        per_page=12,
        page_number=request.GET.get("page"),
    )
    page = result.page
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request,
        "downloads/video_list.html",
        {
            "form": form,
            "page": page,
            "videos": page.object_list,
            "query": query_string.urlencode(),
            "search_query": query,
            "corrected": result.corrected,
            "filtered": any(filters.get(name) for name in ("language", "date_from", "date_to")),
        },
        status=200 if valid else 400,
    )


def video_detail(request, slug):
    video = get_object_or_404(selectors.video_visible_to(request.user), slug=slug)
    renditions = list(video.renditions.all())
    preview = selectors.rendition_preview(renditions)
    master = next((r for r in renditions if r.kind == Rendition.Kind.MASTER), None)
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
            "clip_formats": _clip_formats(master),
            "start_timecode": start_timecode,
            "duration_timecode": timecode.format_frames(round((video.duration or 0) * fps), fps),
            "shots": _shots(video, fps, start_timecode),
        },
    )


def _clip_formats(master: Rendition | None) -> list[tuple[str, str, int]]:
    """The clip formats offered, with bytes per second for the expected size:
    the master's own (its bit rate) and MP4 (H.264 at the clip encoder's
    quality: about 0.1 bit per pixel)."""
    if master is None:
        return []
    pixels = (master.width or 1920) * (master.height or 1080) * float(master.fps or 25)
    return [
        (Clip.Format.MASTER, _("Master format (%(label)s)") % {"label": master.label()}, (master.bitrate or 0) // 8),
        (Clip.Format.MP4, _("MP4 (H.264) for laptops and the web"), int(pixels * 0.1 / 8) + 24_000),
    ]


def _shots(video: Video, fps: Fraction, start_timecode: str) -> list[dict]:
    """The shot list as lines to seek to: each runs to the next one's start."""
    parsed, errors = shotlist.parse(video.texts().shot_list)
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
