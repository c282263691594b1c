"""Pages of the video library: list and video page with the download panel."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Rendition, Video


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
    return render(
        request,
        "downloads/video_detail.html",
        {
            "video": video,
            "renditions": renditions,
            "preview": preview,
            "ready": video.status == Video.Status.READY,
            "max_clip_seconds": settings.CLIP_MAX_SECONDS,
        },
    )


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
