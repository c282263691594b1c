"""What a media file holds, read with PyAV (FFmpeg's libraries).

One pass over the video packets (no decoding) gives every frame's time and
the keyframes; the first decoded picture gives what only a decoder knows
(display rotation, interlacing). Anything that is not a usable video raises
:class:`ProbeError` with a code callers translate for people."""

import os
import re
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from statistics import median
from typing import Any

import av

from .source import open_input

# What every current browser plays in <video>.
BROWSER_CONTAINERS = {"mp4", "mov", "mov,mp4,m4a,3gp,3g2,mj2"}
BROWSER_VIDEO_CODECS = {"h264"}
BROWSER_AUDIO_CODECS = {"aac", "mp3"}

# Demuxers and decoders that read pictures, not moving video: a still image,
# or text FFmpeg would render as a picture (its "tty" demuxer reads any text).
STILL_IMAGE_FORMATS = {"image2", "image2pipe"}
TEXT_CODECS = {"ansi", "bintext", "xbin", "idf", "tty"}
# Beyond these a file is not footage we can handle (or a hostile header):
# 8K is the largest picture any broadcaster delivers, at up to 60 frames/s.
MAX_SIDE = 8192
MAX_PIXELS = 8192 * 4320
MAX_PIXEL_RATE = 8192 * 4320 * 60
# A file whose pictures stop this much short of the duration it declares is
# truncated (an interrupted upload or copy), not "a bit shorter".
TRUNCATION_SECONDS = 1.0
TRUNCATION_SHARE = 0.02

FIELD_ORDERS = {0: "", 1: "progressive", 2: "tt", 3: "bb", 4: "tb", 5: "bt"}


class ProbeError(Exception):
    """The file is not a usable video. ``code`` says why in a word callers can
    translate (see ``downloads.problems``); the message, in English, adds
    FFmpeg's detail for the logs and the admin."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


@dataclass
class AudioTrack:
    """One audio stream, as it is in the master (broadcast masters carry up
    to 16, often one mono channel each)."""

    codec: str
    channels: int
    layout: str
    sample_rate: int
    language: str = ""
    bit_depth: int | None = None  # PCM only: bits per sample as stored

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class MediaInfo:
    container: str
    duration: float
    width: int
    height: int
    fps: Fraction
    video_codec: str
    audio_codec: str | None
    bitrate: int | None
    start_time: float = 0.0
    frame_count: int = 0
    keyframes: list[float] = field(default_factory=list)
    has_b_frames: bool = False
    # Picture format.
    pix_fmt: str = ""
    bit_depth: int = 8
    chroma: str = ""  # "4:2:0", "4:2:2", "4:4:4"
    profile: str = ""
    # "progressive", "tt" (top field first), "bb", "tb", "bt", or "" (not stated).
    field_order: str = ""
    rotation: int = 0  # display matrix, degrees counter-clockwise (as FFmpeg reports it)
    timecode: str = ""  # SMPTE timecode of the first frame, e.g. "10:00:00:00"
    audio_tracks: list[AudioTrack] = field(default_factory=list)
    vfr: bool = False
    # Every frame's presentation time (seconds, file timeline), kept for
    # variable-frame-rate sources, where frame n is not at n / fps.
    frame_times: list[float] = field(default_factory=list)

    @property
    def browser_playable(self) -> bool:
        return (
            self.container in BROWSER_CONTAINERS
            and self.video_codec in BROWSER_VIDEO_CODECS
            and (self.audio_codec is None or self.audio_codec in BROWSER_AUDIO_CODECS)
        )

    @property
    def interlaced(self) -> bool:
        return self.field_order in ("tt", "bb", "tb", "bt")

    @property
    def top_field_first(self) -> bool:
        return self.field_order in ("tt", "tb")

    @property
    def display_size(self) -> tuple[int, int]:
        """Width and height as shown, once the display rotation is applied."""
        if self.rotation % 180:
            return self.height, self.width
        return self.width, self.height


def probe(source) -> MediaInfo:
    """Read stream facts, every video frame's time and the keyframes (from
    packets, no decoding but for the first picture). Raises
    :class:`ProbeError` for anything that is not a usable video."""
    container = _open_video(source)
    with container:
        stream: Any = container.streams.video[0]
        ctx = stream.codec_context
        fps = stream.average_rate or stream.guessed_rate or stream.base_rate
        if not fps:
            raise ProbeError("the video stream has no frame rate", "no_video")
        _check_pixel_rate(ctx.width, ctx.height, Fraction(fps))
        packets = _video_packets(container, stream)
        first_picture = _first_picture(source)
        field_order = FIELD_ORDERS.get(ctx.field_order, "")
        if first_picture.interlaced_frame and field_order in ("", "progressive"):
            # Some containers do not say; the decoder does (H.264 and MPEG-2
            # flag every coded frame), and it flags frames top field first by default.
            field_order = "tt"
        audio = [_audio_track(track) for track in container.streams.audio]
        tb = stream.time_base
        times = [float(pts * tb) for pts in packets.pts]
        declared = _declared_duration(container, stream)
        measured = packets.end - packets.first
        if declared and declared - measured > max(TRUNCATION_SECONDS, TRUNCATION_SHARE * declared):
            raise ProbeError(
                f"the file is truncated: pictures stop at {measured:.2f} s of {declared:.2f} s", "truncated"
            )
        vfr = _variable_rate(packets.pts, tb)
        return MediaInfo(
            container=container.format.name,
            duration=round(measured if measured > 0 else declared or 0, 6),
            width=ctx.width,
            height=ctx.height,
            fps=Fraction(fps),
            video_codec=ctx.name,
            audio_codec=audio[0].codec if audio else None,
            bitrate=container.bit_rate or None,
            start_time=packets.first,
            frame_count=len(packets.pts),
            keyframes=sorted(packets.keyframes),
            has_b_frames=packets.reordered or bool(ctx.has_b_frames),
            pix_fmt=ctx.pix_fmt or "",
            bit_depth=_bit_depth(ctx.pix_fmt),
            chroma=_chroma(ctx.pix_fmt),
            profile=ctx.profile or "",
            field_order=field_order,
            rotation=int(first_picture.rotation or 0),
            timecode=_timecode(container),
            audio_tracks=audio,
            vfr=vfr,
            frame_times=[round(t, 6) for t in times] if vfr else [],
        )


def check_video(source) -> None:
    """A quick look at the header only (for uploads, before accepting them):
    raises :class:`ProbeError` unless the file opens and has a moving picture
    of a sensible size. Damage further in is found by :func:`probe` during
    processing."""
    container = _open_video(source)
    with container:
        stream = container.streams.video[0]
        fps = stream.average_rate or stream.guessed_rate or stream.base_rate
        if fps:
            _check_pixel_rate(stream.codec_context.width, stream.codec_context.height, Fraction(fps))
        _check_index_within(container, _size_of(source))


def _size_of(source) -> int | None:
    if isinstance(source, str | bytes) or hasattr(source, "__fspath__"):
        return os.path.getsize(source)
    size = getattr(source, "size", None)
    return size if isinstance(size, int) else None


def _check_index_within(container, size: int | None) -> None:
    """A file whose own index (MP4/MOV ``moov`` at the front, MXF index
    tables) points past its end was cut short: an interrupted upload."""
    if not size:
        return
    for stream in container.streams:
        entries = stream.index_entries
        if len(entries) and entries[-1].pos + entries[-1].size > size:
            raise ProbeError(
                f"the file is truncated: its index reaches byte {entries[-1].pos + entries[-1].size} of {size}",
                "truncated",
            )


def _open_video(source):
    """The opened container, once its header shows a moving-picture stream
    with a sensible size; the one place both checks above start from."""
    try:
        container = open_input(source)
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise ProbeError(f"not a readable media file ({exc.__class__.__name__})", "unreadable") from exc
    try:
        if not container.streams.video:
            raise ProbeError("the file has no video stream", "no_video")
        ctx = container.streams.video[0].codec_context
        if container.format.name in TEXT_CODECS or ctx.name in TEXT_CODECS:
            raise ProbeError(f"a text file, not a video ({container.format.name})", "not_video")
        if container.format.name in STILL_IMAGE_FORMATS or container.format.name.endswith("_pipe"):
            raise ProbeError(f"a still image ({ctx.name}), not a video", "still_image")
        if not ctx.width or not ctx.height:
            raise ProbeError("the video stream has no picture size", "no_video")
        if max(ctx.width, ctx.height) > MAX_SIDE or ctx.width * ctx.height > MAX_PIXELS:
            raise ProbeError(f"the picture is {ctx.width}×{ctx.height}, beyond 8K", "too_large")
    except ProbeError:
        container.close()
        raise
    return container


def _check_pixel_rate(width: int, height: int, fps: Fraction) -> None:
    if width * height * fps > MAX_PIXEL_RATE:
        raise ProbeError(f"{width}×{height} at {float(fps):.3g} frames/s is beyond 8K at 60", "too_large")


@dataclass
class _Packets:
    pts: list[int] = field(default_factory=list)  # sorted, stream time base
    keyframes: list[float] = field(default_factory=list)
    first: float = 0.0
    end: float = 0.0
    reordered: bool = False


def _video_packets(container, stream) -> _Packets:
    """Every video packet's time, without decoding (one read of the file)."""
    tb = stream.time_base
    found = _Packets()
    last_end = None
    try:
        for packet in container.demux(stream):
            if packet.pts is None or packet.size == 0:
                continue
            time = float(packet.pts * tb)
            if packet.dts is not None and packet.dts != packet.pts:
                found.reordered = True
            if packet.is_keyframe:
                found.keyframes.append(round(time, 6))
            found.pts.append(packet.pts)
            end = time + float((packet.duration or 0) * tb)
            last_end = end if last_end is None else max(last_end, end)
    except av.FFmpegError as exc:
        raise ProbeError(f"the file is damaged or truncated ({exc.__class__.__name__})", "damaged") from exc
    if not found.pts:
        raise ProbeError("the video stream holds no pictures", "damaged")
    found.pts.sort()
    found.first = float(found.pts[0] * tb)
    if last_end is None or last_end <= float(found.pts[-1] * tb):
        # No packet durations (some MPEG-TS, AVI): one more frame interval.
        step = found.pts[-1] - found.pts[-2] if len(found.pts) > 1 else 0
        last_end = float((found.pts[-1] + step) * tb)
    found.end = last_end
    return found


def _first_picture(source):
    """The first decodable picture (FFmpeg attaches the display matrix and the
    interlacing flags to decoded frames). Read from a fresh opening rather
    than after a seek back: MPEG-TS recordings whose clock starts hours in
    do not seek back to their start reliably."""
    if hasattr(source, "seek"):
        source.seek(0)
    try:
        with open_input(source) as container:
            for frame in container.decode(container.streams.video[0]):
                return frame
    except av.FFmpegError as exc:
        raise ProbeError(f"the pictures cannot be decoded ({exc.__class__.__name__})", "undecodable") from exc
    raise ProbeError("no picture of the video stream can be decoded", "undecodable")


def _declared_duration(container, stream) -> float | None:
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration:
        return container.duration / av.time_base
    return None


def _variable_rate(pts: list[int], tb: Fraction) -> bool:
    """Frame intervals that differ by more than clock rounding."""
    if len(pts) < 3:
        return False
    steps = [b - a for a, b in zip(pts, pts[1:], strict=False)]
    typical = median(steps)
    tolerance = 1 + typical * 0.001
    return any(abs(step - typical) > tolerance for step in steps)


def _audio_track(stream) -> AudioTrack:
    ctx = stream.codec_context
    layout = ctx.layout
    channels = layout.nb_channels if layout else getattr(ctx, "channels", 0)
    pcm = re.match(r"pcm_[suf](\d+)", ctx.name)  # pcm_s24le: 24 bits as stored
    bits = int(pcm.group(1)) if pcm else 0
    return AudioTrack(
        codec=ctx.name,
        channels=channels,
        layout=layout.name if layout else "",
        sample_rate=ctx.sample_rate or 0,
        language=stream.language or stream.metadata.get("language", "") or "",
        bit_depth=bits or None,
    )


def _bit_depth(pix_fmt: str | None) -> int:
    if not pix_fmt:
        return 8
    try:
        return av.VideoFormat(pix_fmt).components[0].bits
    except (ValueError, IndexError):
        return 8


def _chroma(pix_fmt: str | None) -> str:
    """J:a:b subsampling of a YUV format ("4:2:2"), or "" for others."""
    if not pix_fmt:
        return ""
    try:
        planes = av.VideoFormat(pix_fmt, 16, 16).components
    except ValueError:
        return ""
    if len(planes) < 3 or pix_fmt.startswith(("gbr", "rgb", "bgr")):
        return "4:4:4" if pix_fmt.startswith(("gbr", "rgb", "bgr")) else ""
    width, height = planes[1].width, planes[1].height
    if width == 16:
        return "4:4:4"
    if width == 4:
        return "4:1:1"
    return "4:2:0" if height == 8 else "4:2:2"


def _timecode(container) -> str:
    """The start timecode: MXF's material package and MOV's ``tmcd`` track
    reach FFmpeg as a ``timecode`` entry on the file or one of its streams."""
    if container.metadata.get("timecode"):
        return container.metadata["timecode"]
    for stream in container.streams:
        if stream.metadata.get("timecode"):
            return stream.metadata["timecode"]
    return ""
