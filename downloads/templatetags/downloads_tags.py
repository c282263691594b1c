from fractions import Fraction

from django import template

from .. import selectors
from ..media import timecode

register = template.Library()


@register.inclusion_tag("downloads/includes/recent_downloads.html")
def recent_downloads(user, count: int = 5):
    """The user's latest downloads, for the account page."""
    return {"downloads": list(selectors.download_list_for_user(user=user)[:count])}


@register.filter
def clip_range(download) -> str:
    """A clip download's range as ``HH:MM:SS:FF–HH:MM:SS:FF`` (first and last frame)."""
    fps = download.video.fps
    if download.clip_start is None or download.clip_end is None or not fps:
        return ""
    origin = selectors.start_timecode_of(download.video)
    first = round(Fraction(download.clip_start) * fps)
    end = round(Fraction(download.clip_end) * fps)
    return f"{timecode.format_frames(first, fps, origin)}–{timecode.format_frames(max(end - 1, first), fps, origin)}"


@register.filter
def request_timecodes(clip_request) -> dict:
    """In, out (last frame) and duration of a clip request, in timecode."""
    fps, origin = clip_request.fps, selectors.start_timecode_of(clip_request.video)
    return {
        "in": timecode.format_frames(clip_request.start_frame, fps, origin),
        "out": timecode.format_frames(clip_request.end_frame - 1, fps, origin),
        "duration": timecode.format_frames(clip_request.end_frame - clip_request.start_frame, fps),
    }
