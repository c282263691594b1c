"""Reads for the video library."""

from django.db.models import Q, QuerySet

from .models import Clip, Download, Rendition, Video


def video_list_published() -> QuerySet[Video]:
    return Video.objects.filter(is_published=True, status=Video.Status.READY)


def video_visible_to(user) -> QuerySet[Video]:
    """Published videos for everyone; staff also see drafts and failures."""
    if user.is_authenticated and user.is_staff:
        return Video.objects.all()
    return Video.objects.filter(is_published=True)


def video_search(*, query: str = "", language: str = "", date_from=None, date_to=None) -> QuerySet[Video]:
    videos = video_list_published()
    if query:
        videos = videos.filter(Q(title__icontains=query) | Q(summary__icontains=query) | Q(shot_list__icontains=query))
    if language:
        videos = videos.filter(language=language)
    if date_from:
        videos = videos.filter(published_at__date__gte=date_from)
    if date_to:
        videos = videos.filter(published_at__date__lte=date_to)
    return videos.order_by("-published_at", "-created_at")


def download_list_for_user(*, user) -> QuerySet[Download]:
    return Download.objects.filter(user=user).select_related("video", "rendition")


def clip_visible(*, clip_id: int, user) -> Clip | None:
    return (
        Clip.objects.select_related("rendition__video")
        .filter(pk=clip_id, rendition__video__in=video_visible_to(user))
        .first()
    )


def rendition_preview(renditions) -> Rendition | None:
    """The rendition the browser preview plays: the web version, and only it
    (every master gets one at ingest; a master is never streamed to the
    anonymous player, whatever its format). ``renditions``: the video's,
    already fetched."""
    return next((r for r in renditions if r.kind == Rendition.Kind.WEB), None)
