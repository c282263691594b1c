"""The exactness guard: a cheap look at a rendered clip before anyone gets it.

Demuxing the whole clip is cheap (no decoding): the video packet count must
be the frame count asked for, the presentation times must run from 0 at one
per frame without gaps, and every audio track must last as long as the
video. Decoding is spent only where a smart cut can go wrong: around each
place where the clip switches between copied and re-encoded frames, and at
its end."""

from fractions import Fraction
from typing import Any

import av

from .frames import CutError
from .smart import Segment


class GuardFailed(CutError):
    """The clip is not what was asked for; the message says how."""


def check(path: str, *, frames: int, fps: Fraction, segments: list[Segment] | None = None) -> None:
    with av.open(path) as container:
        video: Any = container.streams.video[0]
        tb: Fraction = video.time_base
        packets = [(p.pts, p.is_keyframe) for p in container.demux(video) if p.size and p.pts is not None]
    if len(packets) != frames:
        raise GuardFailed(f"{len(packets)} frames where {frames} were asked for")
    order = sorted(pts for pts, _ in packets)
    step = 1 / (fps * tb)
    first = order[0] * tb
    if abs(first) > Fraction(1, 2) / fps:
        raise GuardFailed(f"the first frame is at {float(first):.4f} s, not 0")
    for previous, current in zip(order, order[1:], strict=False):
        if not step / 2 < current - previous < step * 3 / 2:
            raise GuardFailed(f"a gap or a repeated frame at {float(current * tb):.4f} s")
    _check_audio(path, frames / fps)
    starts = sorted({segment.first for segment in segments or []} | {0, frames - 1})
    _check_decodable(path, packets, order, starts)


def _check_audio(path: str, duration: Fraction) -> None:
    with av.open(path) as container:
        streams: list[Any] = list(container.streams.audio)
        if not streams:
            return
        ends = {stream.index: Fraction(0) for stream in streams}
        packet: Any
        for packet in container.demux(*streams):
            if packet.pts is not None and packet.size and packet.time_base:
                end = (packet.pts + (packet.duration or 0)) * packet.time_base
                ends[packet.stream.index] = max(ends[packet.stream.index], end)
        for stream in streams:
            rate = stream.codec_context.sample_rate or 48000
            if abs(ends[stream.index] - duration) > Fraction(2048, rate):
                raise GuardFailed(
                    f"audio track {stream.index} lasts {float(ends[stream.index]):.3f} s, not {float(duration):.3f} s"
                )


def _check_decodable(path: str, packets: list[tuple[int, bool]], order: list[int], starts: list[int]) -> None:
    """Decode from the keyframe before each boundary frame to just past it:
    every frame there must come out (references only ever point back in
    decode order, so the window needs nothing after it)."""
    windows: set[tuple[int, int]] = set()
    position_of = {pts: index for index, (pts, _) in enumerate(packets)}
    for index in starts:
        position = position_of[order[min(index, len(order) - 1)]]
        key = max((i for i in range(position + 1) if packets[i][1]), default=0)
        windows.add((key, position + 8))
    with av.open(path) as container:
        video: Any = container.streams.video[0]
        all_packets: list[Any] = [p for p in container.demux(video) if p.size and p.pts is not None]
        for key, stop in sorted(windows):
            decoder: Any = av.CodecContext.create(video.codec_context.name, "r")
            if video.codec_context.extradata:
                decoder.extradata = bytes(video.codec_context.extradata)
            window = all_packets[key:stop]
            got: set[int] = set()
            try:
                for packet in window:
                    got |= {frame.pts for frame in decoder.decode(packet)}
                got |= {frame.pts for frame in decoder.decode(None)}
            except av.FFmpegError as exc:
                raise GuardFailed(f"the frames from packet {key} do not decode ({exc})") from exc
            # Leading pictures of an open GOP may need the GOP before; the rest
            # of the window must come out.
            needed = {p.pts for p in window if p.pts >= packets[key][0]}
            if not needed <= got:
                raise GuardFailed(f"{len(needed - got)} frames after packet {key} do not decode")
