"""Reads for the video library."""

from django.db.models import Q, QuerySet

from .models import ClipRequest, Download, Video


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
    return Download.objects.filter(user=user).select_related("video", "rendition").prefetch_related("video__renditions")


def clip_request_list_for_user(*, user, video: Video | None = None) -> QuerySet[ClipRequest]:
    """The user's own clip requests, newest first (on one video if given)."""
    requests = (
        ClipRequest.objects.filter(user=user)
        .select_related("video", "clip__rendition__video")
        .prefetch_related("video__renditions")
    )
    if video is not None:
        requests = requests.filter(video=video)
    return requests.order_by("-created_at")


def clip_request_owned(*, request_id, user) -> ClipRequest | None:
    """The user's request with this id; None for anyone else's (finding: ids
    must not let one user read another's clips)."""
    return clip_request_list_for_user(user=user).filter(pk=request_id, video__in=video_visible_to(user)).first()


def start_timecode_of(video: Video) -> str:
    """The master's own timecode of its first frame (``HH:MM:SS:FF``), when ingest
    has read one; else 00:00:00:00."""
    master = next((r for r in video.renditions.all() if r.kind == "master"), None)
    return getattr(master, "timecode", "") or getattr(master, "start_timecode", "") or "00:00:00:00"
