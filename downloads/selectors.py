"""Reads for the video library."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from mediaportal import search

from .models import ClipRequest, Download, Rendition, Video

# What the video list searches when full-text search is not available (SQLite).
SEARCH_FALLBACK_FIELDS = ["title", "title_fr", "summary", "summary_fr", "shot_list", "shot_list_fr"]
# The snippet quotes the summary and shot list in the reader's language (or
# the other one where that is missing, as the page does).
SNIPPET_SQL = {
    "en": "concat_ws(' ', coalesce(nullif(downloads_video.summary, ''), downloads_video.summary_fr),"
    " coalesce(nullif(downloads_video.shot_list, ''), downloads_video.shot_list_fr))",
    "fr": "concat_ws(' ', coalesce(nullif(downloads_video.summary_fr, ''), downloads_video.summary),"
    " coalesce(nullif(downloads_video.shot_list_fr, ''), downloads_video.shot_list))",
}


def _public_now() -> Q:
    """Published, and its publication time (if any) has come: a video
    scheduled for later stays hidden until then, and appears by itself."""
    return Q(is_published=True) & (Q(published_at__isnull=True) | Q(published_at__lte=timezone.now()))


def video_list_published() -> QuerySet[Video]:
    """The one rule for which videos the public sees (pages, lists, files, sitemap)."""
    return Video.objects.filter(_public_now(), status=Video.Status.READY)


def video_visible_to(user) -> QuerySet[Video]:
    """Public videos (and those still processing) for everyone; staff also see
    drafts, scheduled videos and failures."""
    if user.is_authenticated and user.is_staff:
        return Video.objects.all()
    return Video.objects.filter(_public_now())


def video_search(
    *, query: str = "", language: str = "", date_from=None, date_to=None, plan: search.SearchPlan | None = None
) -> QuerySet[Video]:
    """Public videos matching the filters; with a query (or a ``plan`` made of
    one), best matches first with a ``search_snippet``, else newest first."""
    videos = video_list_published()
    if language:
        videos = videos.filter(language=language)
    if date_from:
        videos = videos.filter(published_at__date__gte=date_from)
    if date_to:
        videos = videos.filter(published_at__date__lte=date_to)
    if plan is None and query:
        plan = video_search_plan(query)
    if plan is None:
        return videos.order_by("-published_at", "-created_at")
    reader = search.reader_language()
    return search.search_filter(
        videos,
        plan,
        fallback_fields=SEARCH_FALLBACK_FIELDS,
        snippet_sql=SNIPPET_SQL[reader],
        snippet_config=search.CONFIGS[reader],
    )


def video_search_plan(query: str) -> search.SearchPlan:
    """Videos carry both languages: the query is read in both."""
    return search.search_plan(query, languages=["en", "fr"])


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


def rendition_preview(renditions) -> Rendition | None:
    """The rendition the browser preview plays: the web version, and only it
    (every master gets one at ingest; a master is never streamed to the
    anonymous player, whatever its format). ``renditions``: the video's,
    already fetched."""
    return next((r for r in renditions if r.kind == Rendition.Kind.WEB), None)
