"""Starting to read a file at a given time, reliably.

``container.seek`` lands on a keyframe at or before the asked time in
well-indexed files (MP4, Matroska), but may land *after* it in others
(MPEG-TS, files without an index), which would silently drop the first
frames of a clip. :func:`demux_from` checks where it landed and steps back
until it is early enough."""

from collections.abc import Iterator
from fractions import Fraction

import av


def demux_from(container, stream, target) -> Iterator[av.Packet]:
    """Packets of ``stream`` in decode order, from a keyframe at or before
    ``target`` (seconds on the file's timeline) to the end of the file."""
    tb = stream.time_base
    target = Fraction(target)
    back = Fraction(0)
    while True:
        position = target - back
        container.seek(max(int(position / tb), 0), stream=stream, backward=True, any_frame=False)
        packets = container.demux(stream)
        first = next((p for p in packets if p.pts is not None and p.size and p.is_keyframe), None)
        # Landed after the target, or past every keyframe (MPEG-TS whose clock
        # starts hours in can land at the end): step back, further each time.
        if (first is not None and first.pts * tb <= target) or position <= 0:
            if first is not None:
                yield first
                yield from _rest(packets)
            return
        back = back * 2 if back else Fraction(1)


def _rest(packets: Iterator[av.Packet]) -> Iterator[av.Packet]:
    # PyAV's demuxer raises StopIteration again when resumed after its end;
    # inside this generator that would turn into a RuntimeError.
    try:
        yield from packets
    except StopIteration:
        return


def decode_from(container, stream, target) -> Iterator[av.VideoFrame | av.AudioFrame]:
    """Decoded frames of ``stream`` from a keyframe at or before ``target``."""
    for packet in demux_from(container, stream, target):
        yield from packet.decode()
