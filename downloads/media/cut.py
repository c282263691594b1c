"""Frame-exact clips, fast.

A clip holds exactly the source frames whose presentation time falls in
``[start, end)``. Two ways to make one:

* **smart cut** (H.264 sources): the groups of pictures that lie wholly inside
  the range are copied bit for bit; only the frames between the in point and
  the next keyframe (the *head*), and the last few frames before the out point
  that cannot be copied without dragging in later frames (the *tail*), are
  decoded and re-encoded. The re-encoded pieces carry their own parameter sets
  under ids the source does not use, and both sets go into the MP4's
  decoder configuration, so any standard decoder switches between them at
  the IDR frames that start each piece.
* **re-encode**: every frame decoded and encoded again; used for sources a
  smart cut cannot handle safely (other codecs, open GOPs, unusual pixel formats).

Audio tracks come along in sync (``audio.py``).
"""

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import av

from . import h264
from .audio import add_audio_tracks
from .muxing import Interleaver, open_output
from .probe import MediaInfo
from .seeking import decode_from, demux_from
from .source import open_input

Progress = Callable[[float], None]
logger = logging.getLogger(__name__)


class CutError(Exception):
    """The clip cannot be made; the message says why."""


class NotSmartCuttable(Exception):
    """This source needs the re-encode path."""


@dataclass(frozen=True)
class Quality:
    """Encoder settings for re-encoded frames."""

    crf: int = 16
    preset: str = "superfast"
    audio_bitrate: int = 192_000


@dataclass
class CutResult:
    method: str  # "smart" or "reencode"
    frames: int
    reencoded_frames: int
    seconds: float


def cut(
    source,
    destination,
    *,
    start: Fraction,
    end: Fraction,
    info: MediaInfo,
    progress: Progress | None = None,
    method: str = "auto",
    quality: Quality = Quality(),
) -> CutResult:
    """Write the clip ``[start, end)`` of ``source`` to ``destination`` (an MP4
    with faststart). ``start``/``end`` are seconds on the source's timeline."""
    start, end = _snap(info, start, end)
    began = time.monotonic()
    report = _throttled(progress)
    result = None
    if method in ("auto", "smart") and _smart_cut_possible(info):
        try:
            result = _SmartCut(source, destination, start, end, info, report, quality).run()
        except (NotSmartCuttable, av.FFmpegError) as exc:
            # A source the smart cut cannot copy safely: the slow path is exact.
            if method == "smart":
                raise
            logger.info("smart cut not possible (%s); re-encoding", exc)
    if result is None:
        result = _reencode(source, destination, start, end, info, report, quality)
    result.seconds = time.monotonic() - began
    report(1.0, force=True)
    return result


def _origin(info: MediaInfo) -> Fraction:
    return Fraction(info.start_time).limit_denominator(1_000_000)


def frame_range(fps, start, end) -> tuple[int, int]:
    """Numbers [first, last) of the frames whose timestamps fall in [start, end),
    counting seconds from the first frame: the first frame at or after
    ``start`` up to, not including, the first frame at or after ``end``."""
    fps, tolerance = Fraction(fps), Fraction(1, 1_000_000)
    first = math.ceil(Fraction(start) * fps - tolerance)
    last = math.ceil(Fraction(end) * fps - tolerance)
    return max(first, 0), last


def _snap(info: MediaInfo, start, end) -> tuple[Fraction, Fraction]:
    """Move both points to frame boundaries (the first frame at or after
    each), so the output's timeline starts exactly on its first frame."""
    origin = _origin(info)
    first, last = frame_range(info.fps, start - origin, end - origin)
    if last <= first:
        raise CutError("the range holds no frames")
    fps = Fraction(info.fps)
    return origin + first / fps, origin + last / fps


def _smart_cut_possible(info: MediaInfo) -> bool:
    return info.video_codec == "h264" and bool(info.keyframes)


def _throttled(progress: Progress | None, interval: float = 0.25):
    last = [0.0]

    def report(fraction: float, force: bool = False) -> None:
        now = time.monotonic()
        if progress and (force or now - last[0] >= interval):
            last[0] = now
            progress(min(max(fraction, 0.0), 1.0))

    return report


class _SmartCut:
    def __init__(self, source, destination, start, end, info, report, quality):
        self.source, self.destination = source, destination
        self.start, self.end, self.info = start, end, info
        self.report, self.quality = report, quality
        self.frames = self.reencoded = 0

    def run(self) -> CutResult:
        with open_input(self.source) as container:
            video = container.streams.video[0]
            ctx = video.codec_context
            if ctx.pix_fmt not in ("yuv420p", "yuvj420p"):
                raise NotSmartCuttable(f"pixel format {ctx.pix_fmt}")
            try:
                config = h264.AvcConfig.parse(bytes(ctx.extradata or b""))
            except ValueError as exc:
                raise NotSmartCuttable("no avcC record") from exc
            self.tb = video.time_base
            self.frame_ts = Fraction(1, 1) / (Fraction(self.info.fps) * self.tb)
            self.start_ts = self.start / self.tb
            self.end_ts = self.end / self.tb
            self.total = max(round((self.end - self.start) * self.info.fps), 1)
            self.length_size = config.length_size
            self.encoder_settings = self._encoder_settings(ctx, config)
            sps, pps = self._parameter_sets()
            config.merge(sps, pps)
            self.our_sps, self.our_pps = sps, pps
            with open_output(self.destination) as output:
                out_video = output.add_stream_from_template(video)
                out_video.codec_context.extradata = config.build()
                audio = add_audio_tracks(
                    output, container, self.source, self.start, self.end, self.quality.audio_bitrate
                )
                self.out_video = out_video
                self.mux = Interleaver(output, audio)
                self.delay = None
                gop: list[av.Packet] = []
                for packet in demux_from(container, video, self.start):
                    if packet.pts is None or packet.size == 0:
                        continue
                    if packet.is_keyframe and gop:
                        self._gop(gop)
                        gop = []
                        if packet.pts >= self.end_ts - self.frame_ts / 2:
                            break
                    gop.append(packet)
                else:
                    if gop:
                        self._gop(gop)
                self.mux.finish()
        if self.frames == 0:
            raise CutError("the range holds no frames")
        return CutResult(method="smart", frames=self.frames, reencoded_frames=self.reencoded, seconds=0)

    # --- planning -------------------------------------------------------------
    def _inside(self, pts) -> bool:
        half = self.frame_ts / 2
        return self.start_ts - half <= pts < self.end_ts - half

    def _gop(self, gop: list[av.Packet]) -> None:
        key = gop[0].pts
        pts = sorted(p.pts for p in gop)
        if any(p.pts < key for p in gop[1:]):
            raise NotSmartCuttable("open GOP")
        if not any(self._inside(p) for p in pts):
            return
        if not self._inside(key):
            self._reencode_frames(gop, first_pts=None)  # head: from the in point
            return
        if self.delay is None:
            self.delay = gop[0].pts - gop[0].dts
            if h264.NAL_IDR not in {h264.nal_type(u) for u in h264.split_avcc(bytes(gop[0]), self.length_size)}:
                raise NotSmartCuttable("keyframe is not an IDR frame")
        if all(self._inside(p) for p in pts):
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
        if first_left is not None and self._inside(first_left):
            self._reencode_frames(gop, first_pts=first_left)

    # --- copying --------------------------------------------------------------
    def _copy(self, packets: list[av.Packet]) -> None:
        for packet in packets:
            if packet.dts is None:
                raise NotSmartCuttable("packet without decode time")
            packet.pts = round(packet.pts - self.start_ts)
            packet.dts = round(packet.dts - self.start_ts)
            packet.stream = self.out_video
            self.mux.video(packet)
            self.frames += 1
        self.report(self.frames / self.total)

    # --- re-encoding ----------------------------------------------------------
    def _encoder_settings(self, ctx, config: h264.AvcConfig) -> dict:
        used = {h264.sps_id(s) for s in config.sps} | {h264.pps_id(p) for p in config.pps}
        free = next(i for i in range(32) if i not in used)
        return {
            "width": ctx.width,
            "height": ctx.height,
            "pix_fmt": "yuv420p",
            "options": {
                "crf": str(self.quality.crf),
                "preset": self.quality.preset,
                "bf": "0",
                "x264-params": f"sps-id={free}:repeat-headers=1:scenecut=0:keyint=infinite",
            },
            "color": {
                name: getattr(ctx, name)
                for name in ("color_range", "colorspace", "color_primaries", "color_trc")
                if getattr(ctx, name, None) is not None
            },
        }

    def _encoder(self):
        encoder = av.CodecContext.create("libx264", "w")
        settings = self.encoder_settings
        encoder.width, encoder.height, encoder.pix_fmt = settings["width"], settings["height"], settings["pix_fmt"]
        encoder.time_base = self.tb
        encoder.framerate = Fraction(self.info.fps)
        for name, value in settings["color"].items():
            try:
                setattr(encoder, name, value)
            except (AttributeError, TypeError, ValueError):
                pass
        encoder.options = dict(settings["options"])
        return encoder

    def _parameter_sets(self) -> tuple[bytes, bytes]:
        """The SPS/PPS our encoder will emit (deterministic for fixed settings),
        needed before the first packet is written."""
        encoder = self._encoder()
        frame = av.VideoFrame(encoder.width, encoder.height, "yuv420p")
        frame.pts, frame.time_base = 0, self.tb
        units = []
        for packet in [*encoder.encode(frame), *encoder.encode(None)]:
            units += h264.split_annexb(bytes(packet))
        sps = next(u for u in units if h264.nal_type(u) == h264.NAL_SPS)
        pps = next(u for u in units if h264.nal_type(u) == h264.NAL_PPS)
        return sps, pps

    def _decode(self, gop: list[av.Packet]) -> list[av.VideoFrame]:
        decoder = av.CodecContext.create("h264", "r")
        decoder.extradata = bytes(gop[0].stream.codec_context.extradata)
        decoder.thread_type = "AUTO"
        frames = []
        for packet in gop:
            frames += decoder.decode(packet)
        frames += decoder.decode(None)
        return frames

    def _reencode_frames(self, gop: list[av.Packet], first_pts) -> None:
        frames = [f for f in self._decode(gop) if f.pts is not None and self._inside(f.pts)]
        if first_pts is not None:
            frames = [f for f in frames if f.pts >= first_pts]
        frames.sort(key=lambda f: f.pts)
        if not frames:
            return
        if self.delay is None:
            # No copied keyframe yet: a short clip inside one GOP. Any constant
            # decode delay works; match the source's so later copies line up.
            self.delay = gop[0].pts - gop[0].dts if gop[0].dts is not None else 0
        encoder = self._encoder()
        source_pts = {}
        for index, frame in enumerate(frames):
            source_pts[index] = frame.pts
            frame.pts = index
            frame.time_base = self.tb
            frame.pict_type = av.video.frame.PictureType.I if index == 0 else av.video.frame.PictureType.NONE
            for packet in encoder.encode(frame):
                self._write_encoded(packet, source_pts)
        for packet in encoder.encode(None):
            self._write_encoded(packet, source_pts)

    def _write_encoded(self, packet: av.Packet, source_pts: dict) -> None:
        units = h264.split_annexb(bytes(packet))
        for unit in units:
            if h264.nal_type(unit) == h264.NAL_SPS and unit != self.our_sps:
                raise NotSmartCuttable("encoder parameter sets changed")
        kept = [u for u in units if h264.nal_type(u) not in (h264.NAL_SPS, h264.NAL_PPS, h264.NAL_AUD)]
        out = av.Packet(h264.join_avcc(kept, self.length_size))
        pts = round(source_pts[packet.pts] - self.start_ts)
        out.pts, out.dts = pts, pts - self.delay
        out.time_base = self.tb
        out.duration = round(self.frame_ts)
        out.is_keyframe = any(h264.nal_type(u) == h264.NAL_IDR for u in kept)
        out.stream = self.out_video
        self.mux.video(out)
        self.frames += 1
        self.reencoded += 1
        self.report(self.frames / self.total)


def _reencode(source, destination, start, end, info: MediaInfo, report, quality: Quality) -> CutResult:
    frames = encode_range(source, destination, start=start, end=end, info=info, quality=quality, report=report)
    if frames == 0:
        raise CutError("the range holds no frames")
    return CutResult(method="reencode", frames=frames, reencoded_frames=frames, seconds=0)


def encode_range(
    source,
    destination,
    *,
    start: Fraction,
    end: Fraction,
    info: MediaInfo,
    quality: Quality,
    report=None,
    max_height: int | None = None,
    gop: int | None = None,
) -> int:
    """Decode the frames of [start, end) and encode them to H.264/AAC MP4
    (faststart), optionally scaled down to ``max_height``. Returns the frame count."""
    report = report or (lambda fraction, force=False: None)
    start, end = _snap(info, start, end)
    total = max(round((end - start) * info.fps), 1)
    width, height = info.width, info.height
    if max_height and height > max_height:
        width, height = round(width * max_height / height), max_height
    width, height = width - width % 2, height - height % 2  # 4:2:0 needs even sizes
    frames = 0
    with open_input(source) as container:
        video = container.streams.video[0]
        video.thread_type = "AUTO"
        tb = video.time_base
        frame_ts = Fraction(1, 1) / (Fraction(info.fps) * tb)
        start_ts, end_ts = start / tb, end / tb
        with open_output(destination) as output:
            out_video = output.add_stream("libx264", rate=Fraction(info.fps))
            out_video.width, out_video.height, out_video.pix_fmt = width, height, "yuv420p"
            out_video.time_base = tb
            out_video.options = {"crf": str(quality.crf), "preset": quality.preset}
            if gop:
                out_video.options |= {"g": str(gop), "keyint_min": str(gop), "sc_threshold": "0"}
            audio = add_audio_tracks(output, container, source, start, end, quality.audio_bitrate)
            mux = Interleaver(output, audio)
            for frame in decode_from(container, video, start):
                if frame.pts is None or frame.pts < start_ts - frame_ts / 2:
                    continue
                if frame.pts >= end_ts - frame_ts / 2:
                    break
                pts = round(frame.pts - start_ts)
                if frame.format.name != "yuv420p" or (frame.width, frame.height) != (width, height):
                    frame = frame.reformat(width=width, height=height, format="yuv420p")
                frame.pts, frame.time_base = pts, tb
                frame.pict_type = av.video.frame.PictureType.NONE
                for packet in out_video.encode(frame):
                    mux.video(packet)
                frames += 1
                report(frames / total)
            for packet in out_video.encode(None):
                mux.video(packet)
            mux.finish()
    return frames
