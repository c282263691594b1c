"""What a media file holds, read with PyAV (FFmpeg's libraries)."""

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import av

# What every current browser plays in <video>.
BROWSER_CONTAINERS = {"mp4", "mov", "mov,mp4,m4a,3gp,3g2,mj2"}
BROWSER_VIDEO_CODECS = {"h264"}
BROWSER_AUDIO_CODECS = {"aac", "mp3"}


class ProbeError(Exception):
    """The file is not a usable video. ``code`` says why in a word callers can
    translate ("unreadable", "no_video", "damaged"); the message, in English,
    adds FFmpeg's detail for the logs and the admin."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


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

    @property
    def browser_playable(self) -> bool:
        return (
            self.container in BROWSER_CONTAINERS
            and self.video_codec in BROWSER_VIDEO_CODECS
            and (self.audio_codec is None or self.audio_codec in BROWSER_AUDIO_CODECS)
        )


def probe(source) -> MediaInfo:
    """Read stream facts and every video keyframe's time (from packets, no
    decoding). Raises :class:`ProbeError` for anything that is not a video."""
    container = _open_video(source)
    with container:
        stream: Any = container.streams.video[0]
        ctx = stream.codec_context
        fps = stream.average_rate or stream.guessed_rate or stream.base_rate
        if not fps:
            raise ProbeError("the video stream has no frame rate", "no_video")
        audio = container.streams.audio[0] if container.streams.audio else None
        keyframes, count, last_end, first, reordered = [], 0, None, None, False
        try:
            for packet in container.demux(stream):
                if packet.pts is None:
                    continue
                time = float(packet.pts * stream.time_base)
                first = time if first is None else min(first, time)
                if packet.dts is not None and packet.dts != packet.pts:
                    reordered = True
                if packet.is_keyframe:
                    keyframes.append(round(time, 6))
                count += 1
                end = time + float((packet.duration or 0) * stream.time_base)
                last_end = end if last_end is None else max(last_end, end)
        except av.FFmpegError as exc:
            raise ProbeError(f"the file is damaged or truncated ({exc.__class__.__name__})", "damaged") from exc
        if count == 0:
            raise ProbeError("the video stream holds no pictures", "damaged")
        duration = (last_end - first) if last_end is not None and first is not None else 0
        if container.duration:
            duration = max(duration, 0) or container.duration / av.time_base
        return MediaInfo(
            container=container.format.name,
            duration=round(duration, 6),
            width=ctx.width,
            height=ctx.height,
            fps=Fraction(fps),
            video_codec=ctx.name,
            audio_codec=audio.codec_context.name if audio else None,
            bitrate=container.bit_rate or None,
            start_time=first or 0.0,
            frame_count=count,
            keyframes=sorted(keyframes),
            has_b_frames=reordered or bool(ctx.has_b_frames),
        )


def check_video(source) -> None:
    """A quick look at the header only (for uploads, before accepting them):
    raises :class:`ProbeError` unless the file opens and has a picture stream.
    Damage further in is found by :func:`probe` during processing."""
    _open_video(source).close()


def _open_video(source):
    """The opened container, once its header shows a picture stream with a
    size; the one place both checks above start from."""
    try:
        container = av.open(source, "r")
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise ProbeError(f"not a readable media file ({exc.__class__.__name__})", "unreadable") from exc
    if not container.streams.video:
        container.close()
        raise ProbeError("the file has no video stream", "no_video")
    ctx = container.streams.video[0].codec_context
    if not ctx.width or not ctx.height:
        container.close()
        raise ProbeError("the video stream has no picture size", "no_video")
    return container
