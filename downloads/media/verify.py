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
    packets, tb, audio_ends, rates = _demux(path)
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
    duration = frames / fps
    for index, end in audio_ends.items():
        if abs(end - duration) > Fraction(2048, rates[index]):
            raise GuardFailed(f"audio track {index} lasts {float(end):.3f} s, not {float(duration):.3f} s")
    starts = sorted({segment.first for segment in segments or []} | {0, frames - 1})
    _check_decodable(path, packets, order, starts)


def _demux(path: str) -> tuple[list[tuple[int, bool]], Fraction, dict[int, Fraction], dict[int, int]]:
    """One pass over the clip: (pts, keyframe?) of every video packet in
    decode order, and where each audio track ends."""
    with av.open(path) as container:
        video: Any = container.streams.video[0]
        audio: list[Any] = list(container.streams.audio)
        ends = {stream.index: Fraction(0) for stream in audio}
        rates = {stream.index: stream.codec_context.sample_rate or 48000 for stream in audio}
        packets: list[tuple[int, bool]] = []
        packet: Any
        for packet in container.demux(video, *audio):
            if not packet.size or packet.pts is None:
                continue
            if packet.stream.index == video.index:
                packets.append((packet.pts, bool(packet.is_keyframe)))
            elif packet.time_base:
                end = (packet.pts + (packet.duration or 0)) * packet.time_base
                ends[packet.stream.index] = max(ends[packet.stream.index], end)
        return packets, video.time_base, ends, rates


def _check_decodable(path: str, packets: list[tuple[int, bool]], order: list[int], starts: list[int]) -> None:
    """Decode from the keyframe before each boundary frame to just past it:
    every frame there must come out (references only ever point back in
    decode order, so the window needs nothing after it)."""
    windows: set[tuple[int, int]] = set()
    position_of = {pts: index for index, (pts, _) in enumerate(packets)}
    for index in starts:
        position = position_of[order[min(index, len(order) - 1)]]
        key = max((i for i in range(position + 1) if packets[i][1]), default=0)
        windows.add((key, min(position + 8, len(packets))))
    with av.open(path) as container:
        video: Any = container.streams.video[0]
        for key, stop in sorted(windows):
            wanted = [pts for pts, _ in packets[key:stop]]
            container.seek(packets[key][0], stream=video, backward=True, any_frame=False)
            window: list[Any] = []
            for packet in container.demux(video):
                if not packet.size or packet.pts is None:
                    continue
                if window or packet.pts == wanted[0]:
                    window.append(packet)
                if len(window) == len(wanted):
                    break
            if [p.pts for p in window] != wanted:  # a seek that landed elsewhere: read from the start
                container.seek(0, stream=video, backward=True, any_frame=True)
                demuxed = [p for p in container.demux(video) if p.size and p.pts is not None]
                window = demuxed[key:stop]
            decoder: Any = av.CodecContext.create(video.codec_context.name, "r")
            if video.codec_context.extradata:
                decoder.extradata = bytes(video.codec_context.extradata)
            decoder.thread_type = "AUTO"
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
