"""Frame ranges, the one unit of the clip path, and where they fall on a
file's timeline (which is the only place the engine turns frames into time)."""

import math
from dataclasses import dataclass
from fractions import Fraction


class CutError(Exception):
    """The clip cannot be made; the message says why."""


def frame_range(fps: Fraction, start: float | Fraction, end: float | Fraction) -> tuple[int, int]:
    """Numbers [first, last) of the frames whose timestamps fall in [start, end),
    counting seconds from the first frame: the first frame at or after
    ``start`` up to, not including, the first frame at or after ``end``."""
    rate, tolerance = Fraction(fps), Fraction(1, 1_000_000)
    first = math.ceil(Fraction(start) * rate - tolerance)
    last = math.ceil(Fraction(end) * rate - tolerance)
    return max(first, 0), last


@dataclass(frozen=True)
class Span:
    """Frames [first, end) of a source whose first frame is at ``origin``
    seconds, at ``fps`` frames per second."""

    first: int
    end: int
    fps: Fraction
    origin: Fraction

    @classmethod
    def of(cls, first: int, end: int, *, fps: Fraction, origin: float | Fraction) -> "Span":
        if first < 0 or end <= first:
            raise CutError("the range holds no frames")
        return cls(first, end, Fraction(fps), Fraction(origin).limit_denominator(1_000_000))

    @property
    def frames(self) -> int:
        return self.end - self.first

    @property
    def start(self) -> Fraction:
        """Seconds on the file's timeline of the first frame."""
        return self.origin + self.first / self.fps

    @property
    def stop(self) -> Fraction:
        """Seconds on the file's timeline where the range ends."""
        return self.origin + self.end / self.fps

    def ticks(self, time_base: Fraction) -> tuple[Fraction, Fraction, Fraction]:
        """Start, end and one frame's duration in ``time_base`` units."""
        return self.start / time_base, self.stop / time_base, 1 / (self.fps * time_base)
