"""Frame-exact clips in the master's own format, fast.

A clip holds exactly frames ``[first, end)`` of the source (counted in
presentation order from its first frame). By default it comes in the
master's format: same codec and parameters, same audio tracks, its timecode
moved to the first frame, the same wrapper family (``muxing.wrapper_for``);
``target="mp4"`` gives H.264/AAC MP4 for laptops and the web. Three ways:

* **copy** (intra-only sources: ProRes, DNxHD/HR, MJPEG, any stream of
  keyframes only): every frame copied bit for bit;
* **smart** (long-GOP H.264, HEVC and MPEG-2, ``smart.py``): whole GOPs copied, only the frames
  before the first clean keyframe and after the last copyable frame
  re-encoded with an encoder matched to the source;
* **reencode**: every frame decoded and encoded again in the master's codec
  (or H.264 for MP4); the path for codecs without a smart cut yet, and the
  exact fallback.

Every render is checked by the exactness guard (``verify.py``) before it is
returned; a smart or copied clip that fails it is made again by the full
path, and the result says why.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import av

from . import h264, hevc, mpeg2
from .codec import INTRA_CODECS, EncoderSettings, Intra, NotSmartCuttable, color_of
from .frames import CutError, Span, frame_range
from .muxing import MP4, Target, Wrapper, source_wrapper
from .probe import MediaInfo
from .reencode import encode_frames, matched_settings, scaled, seconds_span
from .smart import CodecFactory, SmartCut
from .source import open_input
from .timecode import smpte_add
from .verify import GuardFailed, check

__all__ = ["CutError", "CutResult", "Quality", "cut", "encode_range", "frame_range", "clip_wrapper"]

Progress = Callable[[float], None]
logger = logging.getLogger(__name__)

# Codec modules of the smart cut, by FFmpeg decoder name.
SMART_CODECS: dict[str, CodecFactory] = {"h264": h264.Codec, "hevc": hevc.Codec, "mpeg2video": mpeg2.Codec}
BROWSER_PIXELS = {"yuv420p", "yuvj420p"}


@dataclass(frozen=True)
class Quality:
    """Encoder settings for re-encoded frames."""

    crf: int = 16
    preset: str = "superfast"
    audio_bitrate: int = 192_000


@dataclass
class CutResult:
    method: str  # "copy", "smart" or "reencode"
    frames: int
    reencoded_frames: int
    seconds: float
    wrapper: Wrapper = MP4
    note: str = ""  # why a faster way was not taken, when it was tried


def clip_wrapper(source: str, target: Target = "master") -> Wrapper:
    """The wrapper a clip of ``source`` comes in (for its file name)."""
    return source_wrapper(source, target)


def cut(
    source: str,
    destination: str,
    *,
    first_frame: int,
    end_frame: int,
    info: MediaInfo,
    target: Target = "master",
    progress: Progress | None = None,
    method: str = "auto",
    quality: Quality = Quality(),
) -> CutResult:
    """Write frames ``[first_frame, end_frame)`` of ``source`` to ``destination``,
    checked by the exactness guard."""
    source, destination = str(source), str(destination)
    span = Span.of(first_frame, end_frame, fps=info.fps, origin=info.start_time)
    began = time.monotonic()
    report = _throttled(progress)
    facts = _Source.read(source, target)
    result, note = None, ""
    if method in ("auto", "smart") and facts.factory is not None:
        try:
            result = _smart(source, destination, span, facts, report, quality)
            check(destination, frames=span.frames, fps=span.fps, segments=result.pop("segments"))
        except (NotSmartCuttable, av.FFmpegError, GuardFailed) as exc:
            if method == "smart":
                raise
            note = f"{facts.smart_method} cut not possible ({exc}); re-encoded"
            logger.warning("clip of %s: %s", source, note)
            result = None
    if result is None:
        frames = encode_frames(
            source,
            destination,
            span,
            wrapper=facts.wrapper,
            settings=facts.full_settings(source, quality),
            audio_bitrate=quality.audio_bitrate,
            timecode=facts.clip_timecode(span),
            report=report,
        )
        check(destination, frames=span.frames, fps=span.fps)
        result = {"method": "reencode", "frames": frames, "reencoded_frames": frames}
    report(1.0, force=True)
    return CutResult(**result, seconds=time.monotonic() - began, wrapper=facts.wrapper, note=note)


def _smart(source: str, destination: str, span: Span, facts: "_Source", report: Any, quality: Quality) -> dict:
    assert facts.factory is not None
    walk = SmartCut(
        source,
        destination,
        span,
        codec=facts.factory,
        wrapper=facts.wrapper,
        settings=facts.base_settings(quality),
        audio_bitrate=quality.audio_bitrate,
        timecode=facts.clip_timecode(span),
        report=report,
    ).run()
    return {
        # Said as it happened: with no clean keyframe in the range, the walk
        # re-encodes every frame (and still never throws work away).
        "method": "copy" if walk.reencoded == 0 else "reencode" if walk.reencoded == walk.frames else "smart",
        "frames": walk.frames,
        "reencoded_frames": walk.reencoded,
        "segments": walk.segments,
    }


@dataclass
class _Source:
    """What the engine learns from the source itself (it has no database)."""

    codec: str
    pix_fmt: str
    width: int
    height: int
    color: dict[str, Any]
    timecode: str | None
    wrapper: Wrapper
    target: Target

    @classmethod
    def read(cls, source: str, target: Target) -> "_Source":
        with open_input(source) as container:
            video = container.streams.video[0]
            ctx = video.codec_context
            timecode = video.metadata.get("timecode") or container.metadata.get("timecode")
            for stream in container.streams:
                timecode = timecode or stream.metadata.get("timecode")
            facts = cls(
                codec=ctx.name,
                pix_fmt=ctx.pix_fmt or "",
                width=ctx.width,
                height=ctx.height,
                color=color_of(ctx),
                timecode=timecode,
                wrapper=source_wrapper(source, target),
                target=target,
            )
        return facts

    @property
    def factory(self) -> CodecFactory | None:
        if self.target == "mp4" and (self.codec != "h264" or self.pix_fmt not in BROWSER_PIXELS):
            return None  # MP4 for the web is 8-bit 4:2:0 H.264: only such a source can be copied
        if self.codec in INTRA_CODECS:
            return Intra
        return SMART_CODECS.get(self.codec)

    @property
    def smart_method(self) -> str:
        return "copy" if self.codec in INTRA_CODECS else "smart"

    def base_settings(self, quality: Quality) -> EncoderSettings:
        return EncoderSettings(
            width=self.width, height=self.height, crf=quality.crf, preset=quality.preset, color=self.color
        )

    def full_settings(self, source: str, quality: Quality) -> EncoderSettings:
        return matched_settings(source, self.base_settings(quality), same_codec=self.target == "master")

    def clip_timecode(self, span: Span) -> str | None:
        """The source timecode of the clip's first frame."""
        if not self.timecode or self.target == "mp4":
            return None
        try:
            return smpte_add(self.timecode, span.first, span.fps)
        except ValueError:
            return None


def _throttled(progress: Progress | None, interval: float = 0.25) -> Any:
    last = [0.0]

    def report(fraction: float, force: bool = False) -> None:
        now = time.monotonic()
        if progress and (force or now - last[0] >= interval):
            last[0] = now
            progress(min(max(fraction, 0.0), 1.0))

    return report


def encode_range(
    source: str,
    destination: str,
    *,
    start: Fraction,
    end: Fraction,
    info: MediaInfo,
    quality: Quality,
    report: Progress | None = None,
    max_height: int | None = None,
    gop: int | None = None,
) -> int:
    """Decode the frames of [start, end) seconds and encode them to H.264/AAC
    MP4 (faststart), optionally scaled down to ``max_height`` (the web proxy).
    Returns the frame count."""
    span = seconds_span(Fraction(start), Fraction(end), info.fps, info.start_time)
    base = EncoderSettings(width=info.width, height=info.height, crf=quality.crf, preset=quality.preset)
    settings = scaled(matched_settings(str(source), base, same_codec=False), max_height)
    return encode_frames(
        str(source),
        str(destination),
        span,
        wrapper=MP4,
        settings=settings,
        audio_bitrate=quality.audio_bitrate,
        report=report,
        gop=gop,
    )
