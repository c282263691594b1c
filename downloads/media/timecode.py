"""Timecodes as journalists type them: ``HH:MM:SS.mmm`` or ``HH:MM:SS:FF``."""

import re
from fractions import Fraction

_MILLIS = re.compile(r"^(\d{1,2}):([0-5]\d):([0-5]\d)(?:[.,](\d{1,3}))?$")
_FRAMES = re.compile(r"^(\d{1,2}):([0-5]\d):([0-5]\d)[:;](\d{1,3})$")


def parse(text: str, fps: Fraction | None = None) -> Fraction:
    """Seconds for a timecode; raises ValueError for anything else."""
    text = text.strip()
    match = _MILLIS.match(text)
    if match:
        hours, minutes, seconds, millis = match.groups()
        fraction = Fraction(int((millis or "0").ljust(3, "0")), 1000)
        return int(hours) * 3600 + int(minutes) * 60 + int(seconds) + fraction
    match = _FRAMES.match(text)
    if match and fps:
        hours, minutes, seconds, frames = (int(g) for g in match.groups())
        if frames >= round(fps):
            raise ValueError("frame number beyond the frame rate")
        return hours * 3600 + minutes * 60 + seconds + Fraction(frames) / Fraction(round(fps))
    raise ValueError(f"not a timecode: {text!r}")


def format_millis(seconds: float) -> str:
    millis = round(seconds * 1000)
    return f"{millis // 3600000:02d}:{millis // 60000 % 60:02d}:{millis // 1000 % 60:02d}.{millis % 1000:03d}"


def _base(fps: Fraction) -> int:
    """Frames per timecode second: the nominal rate (30 for 29.97, non-drop)."""
    return max(round(fps), 1)


def start_frames(start: str, fps: Fraction) -> int:
    """Frame count of a start timecode ``HH:MM:SS:FF``; 0 when absent or unreadable."""
    match = _FRAMES.match((start or "").strip())
    if not match:
        return 0
    hours, minutes, seconds, frames = (int(g) for g in match.groups())
    base = _base(fps)
    return ((hours * 60 + minutes) * 60 + seconds) * base + min(frames, base - 1)


def format_frames(frame: int, fps: Fraction, start: str = "") -> str:
    """``HH:MM:SS:FF`` of the frame ``frame`` of a video whose first frame has
    timecode ``start`` (00:00:00:00 when empty)."""
    base = _base(fps)
    total = start_frames(start, fps) + frame
    seconds, frames = divmod(total, base)
    return f"{seconds // 3600 % 24:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}:{frames:02d}"
