"""Shot lists as staff type them: one shot a line, a timecode then the text
("00:00:12 Wide shot of the summit hall"). Times count from the video's first
frame; ``HH:MM:SS``, ``HH:MM:SS:FF`` and ``HH:MM:SS.mmm`` are understood."""

import re
from dataclasses import dataclass
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_LINE = re.compile(r"^\s*(\d{1,2}):([0-5]\d):([0-5]\d)(?:([:;.,])(\d{1,3}))?\s*(?:[-–—|]\s*)?(.*?)\s*$")


@dataclass(frozen=True)
class Shot:
    line: int  # 1-based line number in the text
    hours: int
    minutes: int
    seconds: int
    frames: int | None  # HH:MM:SS:FF
    millis: int | None  # HH:MM:SS.mmm
    text: str

    def seconds_at(self, fps: Fraction | None) -> Fraction:
        whole = Fraction((self.hours * 60 + self.minutes) * 60 + self.seconds)
        if self.frames is not None and fps:
            return whole + Fraction(self.frames) / max(round(fps), 1)
        if self.millis is not None:
            return whole + Fraction(self.millis, 1000)
        return whole


def parse(text: str) -> tuple[list[Shot], list[str]]:
    """The shots, and one message per line that is not ``timecode text``."""
    shots: list[Shot] = []
    errors: list[str] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        match = _LINE.match(raw)
        if not match or not match.group(6):
            errors.append(
                _("Line %(number)s: start with a timecode such as 00:01:02 and then describe the shot (“%(line)s”).")
                % {"number": number, "line": raw.strip()[:60]}
            )
            continue
        hours, minutes, seconds, sep, fraction, description = match.groups()
        frames = int(fraction) if sep in (":", ";") else None
        millis = int(fraction.ljust(3, "0")) if sep in (".", ",") else None
        shot = Shot(number, int(hours), int(minutes), int(seconds), frames, millis, description)
        if shots and shot.seconds_at(None) < shots[-1].seconds_at(None):
            errors.append(
                _("Line %(number)s: the shots must be in time order.") % {"number": number},
            )
        shots.append(shot)
    return shots, errors


def validate_shot_list(text: str) -> None:
    _shots, errors = parse(text)
    if errors:
        raise ValidationError(errors)
