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


# --- SMPTE ST 12 timecode of a master's frames ---------------------------------

_SMPTE = re.compile(r"^(\d{2}):(\d{2}):(\d{2})([:;.,])(\d{2})$")


def smpte_to_frames(text: str, fps: Fraction) -> int:
    """Frame count since 00:00:00:00 for a SMPTE timecode (``;`` before the
    frames means drop-frame, as for 29.97 and 59.94 fps)."""
    match = _SMPTE.match(text.strip())
    if not match:
        raise ValueError(f"not a SMPTE timecode: {text!r}")
    hours, minutes, seconds, separator, frames = match.groups()
    rate = round(fps)
    total_minutes = int(hours) * 60 + int(minutes)
    count = (total_minutes * 60 + int(seconds)) * rate + int(frames)
    if separator in ";,":
        dropped = 2 * rate // 30  # frame numbers skipped each minute but every tenth
        count -= dropped * (total_minutes - total_minutes // 10)
    return count


def frames_to_smpte(count: int, fps: Fraction, drop_frame: bool = False) -> str:
    """The SMPTE timecode of frame ``count`` (wrapping at 24 hours)."""
    rate = round(fps)
    if drop_frame:
        dropped = 2 * rate // 30
        per_ten_minutes = rate * 600 - dropped * 9
        per_minute = rate * 60 - dropped
        tens, rest = divmod(count, per_ten_minutes)
        count += dropped * 9 * tens + (dropped * ((rest - dropped) // per_minute) if rest > dropped else 0)
    count %= rate * 86400
    seconds, frames = divmod(count, rate)
    separator = ";" if drop_frame else ":"
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}{separator}{frames:02d}"


def smpte_add(text: str, frames: int, fps: Fraction) -> str:
    """The timecode ``frames`` frames after ``text``, in the same counting."""
    drop = ";" in text or "," in text
    return frames_to_smpte(smpte_to_frames(text, fps) + frames, fps, drop)


def start_frames(start: str, fps: Fraction) -> int:
    """Frame count of a start timecode (``HH:MM:SS:FF``, ``;`` for drop-frame);
    0 when absent or unreadable."""
    try:
        return smpte_to_frames(start or "", fps)
    except ValueError:
        return 0


def format_frames(frame: int, fps: Fraction, start: str = "") -> str:
    """The timecode of frame ``frame`` of a video whose first frame has
    timecode ``start`` (00:00:00:00 when empty), counted as ``start`` is."""
    drop = ";" in (start or "") or "," in (start or "")
    return frames_to_smpte(start_frames(start, fps) + frame, fps, drop)
