"""The walk every smart cut shares, whatever the codec.

The source's packets are read in decode order, one group of pictures (GOP:
a keyframe and what follows it up to the next one) at a time:

* frames in the range before the first GOP that can start a copy (the
  *head*) are decoded and re-encoded, by one decoder fed from the GOP before
  the range (open GOPs' leading pictures need it) and one encoder;
* from the first *clean start* (a keyframe from which decoding needs nothing
  earlier, where new parameter sets may take effect) every GOP wholly inside
  the range is copied bit for bit, leading pictures of open GOPs included
  (they reference the copied GOP before them, as in the source);
* in the GOP holding the out point, the longest decode-order prefix that
  holds exactly its earliest frames is copied and the rest (the *tail*) is
  re-encoded from the GOP before it and this one.

What differs per codec (parameter sets, which keyframes are clean starts,
the matched encoder) sits in its module behind :class:`Codec`. An intra-only
source never needs the encoder: every frame is a clean start.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Protocol

import av
import av.container

from .audio import add_audio_tracks
from .codec import EncoderSettings, NotSmartCuttable
from .frames import CutError, Span
from .muxing import Interleaver, Wrapper, open_output
from .seeking import demux_from
from .source import open_input

Report = Callable[[float], None]


class Codec(Protocol):
    name: str
    can_reencode: bool
    copies_as_is: bool  # copied packets need no rewriting
    settings: EncoderSettings

    def extradata(self) -> bytes | None: ...
    def clean_start(self, packet: Any) -> bool: ...
    def copied(self, data: bytes) -> bytes: ...
    def encoded(self, data: bytes) -> bytes: ...
    def decoder(self) -> Any: ...


CodecFactory = Callable[[str, Any, Wrapper, EncoderSettings], Codec]


@dataclass
class Segment:
    """A run of output frames made one way, for the exactness guard."""

    kind: str  # "copy" or "encode"
    first: int  # index of its first frame in presentation order
    frames: int = 0


@dataclass
class WalkResult:
    frames: int
    reencoded: int
    segments: list[Segment] = field(default_factory=list)


class _Encoding:
    """Decodes source packets and re-encodes the frames of the range at or
    after ``floor`` (source ticks), in presentation order."""

    def __init__(self, walk: "SmartCut", floor: Fraction):
        self.walk, self.floor = walk, floor
        self.decoder = walk.codec.decoder()
        self.encoder = walk.codec.settings.encoder()
        self.count = 0
        self.source_pts: dict[int, int] = {}

    def feed(self, packets: list[Any]) -> None:
        for packet in packets:
            for frame in self.decoder.decode(packet):
                self._frame(frame)

    def close(self) -> None:
        for frame in self.decoder.decode(None):
            self._frame(frame)
        for packet in self.encoder.encode(None):
            self.walk.write_encoded(packet, self.source_pts)

    def _frame(self, frame: Any) -> None:
        if frame.pts is None or frame.pts < self.floor or not self.walk.inside(frame.pts):
            return
        self.source_pts[self.count] = frame.pts
        frame.pts, frame.time_base = self.count, self.walk.tb
        frame.pict_type = av.video.frame.PictureType.I if self.count == 0 else av.video.frame.PictureType.NONE
        self.count += 1
        for packet in self.encoder.encode(frame):
            self.walk.write_encoded(packet, self.source_pts)


class SmartCut:
    def __init__(
        self,
        source: str,
        destination: str,
        span: Span,
        *,
        codec: CodecFactory,
        wrapper: Wrapper,
        settings: EncoderSettings,
        audio_bitrate: int,
        timecode: str | None,
        report: Report,
    ):
        self.source, self.destination, self.span = source, destination, span
        self.codec_factory, self.wrapper, self.settings = codec, wrapper, settings
        self.audio_bitrate, self.timecode, self.report = audio_bitrate, timecode, report
        self.frames = self.reencoded = 0
        self.segments: list[Segment] = []

    def run(self) -> WalkResult:
        with open_input(self.source) as container:
            video: Any = container.streams.video[0]
            self.tb: Fraction = video.time_base
            settings = self.settings.with_options(time_base=self.tb, fps=self.span.fps)
            self.codec = self.codec_factory(self.source, video, self.wrapper, settings)
            self.start_ts, self.end_ts, self.frame_ts = self.span.ticks(self.tb)
            # Matroska keeps no decode times: rebuild them from presentation order.
            self.rebuild_dts = container.format.name.startswith("matroska")
            self.delay: Fraction | None = None
            with open_output(self.destination, self.wrapper, self.timecode) as output:
                # The frame rate, which MXF and the MOV timecode track need.
                out_video = output.add_stream_from_template(video, rate=self.span.fps)
                extradata = self.codec.extradata()
                if extradata is not None:
                    out_video.codec_context.extradata = extradata
                audio = add_audio_tracks(
                    output, container, self.source, self.span.start, self.span.stop, self.audio_bitrate, self.wrapper
                )
                self.out_video = out_video
                self.mux = Interleaver(output, audio)
                self._walk(container, video)
                self.mux.finish()
        if self.frames == 0:
            raise CutError("the range holds no frames")
        return WalkResult(self.frames, self.reencoded, self.segments)

    def _walk(self, container: av.container.InputContainer, video: Any) -> None:
        self.head: _Encoding | None = None
        self.copying = False
        self.previous: list[Any] = []
        gop: list[Any] = []
        packet: Any
        past_end = False
        for packet in demux_from(container, video, self.span.start):
            if packet.pts is None or packet.size == 0:
                continue
            if packet.is_keyframe and gop:
                self._gop(gop)
                self.previous, gop = gop, []
                if past_end:
                    break
                # The GOP starting at the out point is read too: an open GOP's
                # leading pictures, shown before its keyframe, may be in the range.
                past_end = packet.pts >= self.end_ts - self.frame_ts / 2
            gop.append(packet)
        else:
            if gop:
                self._gop(gop)
        if self.head is not None:
            self._close_head()

    # --- planning -------------------------------------------------------------
    def inside(self, pts: Fraction | int) -> bool:
        half = self.frame_ts / 2
        return self.start_ts - half <= pts < self.end_ts - half

    def _gop(self, gop: list[Any]) -> None:
        key = gop[0].pts
        pts = sorted(p.pts for p in gop)
        if not any(self.inside(p) for p in pts):
            return
        clean = self.inside(key) and self.codec.clean_start(gop[0]) and all(p.pts >= key for p in gop[1:])
        if not self.copying and not clean:
            self._feed_head(gop)  # the head: from the in point to the first clean start
            return
        if not self.copying:
            if self.head is not None:
                self._close_head()
            self.copying = True
            self._set_delay(gop)
        if all(self.inside(p) for p in pts):
            self._copy(gop)
            return
        # The out point falls inside this GOP: copy the longest decode-order
        # prefix that holds exactly the earliest frames (so no later frame is
        # needed to decode it) and stays before the out point; re-encode the rest.
        copy_count, seen = 0, []
        for index, packet in enumerate(gop):
            seen.append(packet.pts)
            if max(seen) >= self.end_ts - self.frame_ts / 2:
                break
            if sorted(seen) == pts[: index + 1]:
                copy_count = index + 1
        self._copy(gop[:copy_count])
        first_left = pts[copy_count] if copy_count < len(pts) else None
        if first_left is not None and self.inside(first_left):
            if not self.codec.can_reencode:
                raise NotSmartCuttable("a frame would need re-encoding")
            tail = self._encoding(first_left)
            tail.feed(self._references(gop) + gop)
            tail.close()
            self.segments[-1].frames = tail.count

    def _feed_head(self, gop: list[Any]) -> None:
        if not self.codec.can_reencode:
            raise NotSmartCuttable("a frame would need re-encoding")
        if self.head is None:
            if self.delay is None:
                self._set_delay(gop)
            self.head = self._encoding(self.start_ts - self.frame_ts / 2)
            self.head.feed(self._references(gop))
        self.head.feed(gop)

    def _references(self, gop: list[Any]) -> list[Any]:
        """The GOP before ``gop`` when its leading pictures (shown before its
        keyframe, in an open GOP) may refer to it; nothing otherwise."""
        key = gop[0].pts
        return self.previous if any(p.pts < key for p in gop[1:]) else []

    def _close_head(self) -> None:
        assert self.head is not None
        self.head.close()
        self.segments[-1].frames = self.head.count
        self.head = None

    def _encoding(self, floor: Fraction) -> _Encoding:
        self.segments.append(Segment("encode", self.frames))
        return _Encoding(self, floor)

    def _set_delay(self, gop: list[Any]) -> None:
        """The constant decode delay of the output (decode times are
        presentation times minus it): the source's, or, where the source has
        no decode times, the least the reordering in this GOP needs."""
        if self.delay is not None:
            return
        first = gop[0]
        if not self.rebuild_dts and first.dts is not None:
            self.delay = Fraction(first.pts - first.dts)
            return
        self.rebuild_dts = True
        order = sorted(p.pts for p in gop)
        need = max(order[i] - p.pts for i, p in enumerate(gop))
        self.delay = Fraction(max(need, round(2 * self.frame_ts)))

    # --- writing --------------------------------------------------------------
    def _copy(self, packets: list[Any]) -> None:
        if not packets:
            return
        if not self.segments or self.segments[-1].kind != "copy":
            self.segments.append(Segment("copy", self.frames))
        assert self.delay is not None
        order = sorted(p.pts for p in packets)
        for index, packet in enumerate(packets):
            if self.rebuild_dts:
                dts = order[index] - self.delay
            elif packet.dts is None:
                raise NotSmartCuttable("packet without decode time")
            else:
                dts = packet.dts
            out = av.Packet(packet if self.codec.copies_as_is else self.codec.copied(bytes(packet)))
            out.pts = round(packet.pts - self.start_ts)
            out.dts = round(dts - self.start_ts)
            out.duration = packet.duration or round(self.frame_ts)
            out.time_base = self.tb
            out.is_keyframe = packet.is_keyframe
            out.stream = self.out_video
            self.mux.video(out)
            self.frames += 1
            self.segments[-1].frames += 1
        self.report(self.frames / self.span.frames)

    def write_encoded(self, packet: Any, source_pts: dict[int, int]) -> None:
        assert self.delay is not None and packet.pts is not None
        out = av.Packet(self.codec.encoded(bytes(packet)))
        pts = round(source_pts[packet.pts] - self.start_ts)
        out.pts, out.dts = pts, round(pts - self.delay)
        out.time_base = self.tb
        out.duration = round(self.frame_ts)
        out.is_keyframe = packet.is_keyframe
        out.stream = self.out_video
        self.mux.video(out)
        self.frames += 1
        self.reencoded += 1
        self.report(self.frames / self.span.frames)
