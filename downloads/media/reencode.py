"""The exact slow path: every frame of the range decoded and encoded again,
in the master's own codec with matched settings, or as H.264 for MP4."""

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import av

from .audio import add_audio_tracks
from .codec import EncoderSettings, Picture, color_of, field_order_params, probe_picture
from .frames import CutError, Span
from .muxing import Interleaver, Wrapper, open_output
from .seeking import decode_from
from .source import open_input

Report = Callable[[float], None]

_X264_FORMATS = {"yuv420p", "yuv422p", "yuv444p", "yuv420p10le", "yuv422p10le", "yuv444p10le"}


def matched_settings(source: str, base: EncoderSettings, *, same_codec: bool) -> EncoderSettings:
    """Encoder settings for the source's frames: its own codec, profile, bit
    depth, chroma and field order (``same_codec``), or 8-bit 4:2:0 H.264."""
    with open_input(source) as container:
        ctx = container.streams.video[0].codec_context
        codec, bit_rate, profile = ctx.name, ctx.bit_rate or container.bit_rate, ctx.profile
        color = color_of(ctx)
    picture = probe_picture(source)
    settings = base.with_options(color=color)
    if not same_codec:
        width, height = base.width - base.width % 2, base.height - base.height % 2
        return settings.with_options(width=width, height=height, pix_fmt="yuv420p", options=_x264(base, ""))
    pix_fmt = {"yuvj420p": "yuv420p", "yuvj422p": "yuv422p"}.get(picture.pix_fmt, picture.pix_fmt)
    if codec == "hevc":
        return settings.with_options(
            codec="libx265", pix_fmt=pix_fmt, options={"crf": str(base.crf), "preset": "ultrafast"}
        )
    if codec == "mpeg2video":
        return settings.with_options(codec="mpeg2video", pix_fmt=pix_fmt, bit_rate=bit_rate, options=_mpeg2(picture))
    if codec == "prores":
        return settings.with_options(codec="prores_ks", pix_fmt=pix_fmt, options={"profile": str(_profile(profile))})
    if codec == "dnxhd":
        # DNxHR profiles take any size; DNxHD ones fixed sizes and bit rates.
        dnx = str(profile or "").lower().replace(" ", "_")
        options = {"profile": dnx} if dnx.startswith("dnxhr") else {}
        return settings.with_options(codec="dnxhd", pix_fmt=pix_fmt, bit_rate=bit_rate, options=options)
    if codec == "mjpeg":
        return settings.with_options(codec="mjpeg", pix_fmt=pix_fmt, options={"q:v": "2"})
    if pix_fmt not in _X264_FORMATS:
        pix_fmt = "yuv422p10le" if "422" in pix_fmt else "yuv420p"
    return settings.with_options(pix_fmt=pix_fmt, options=_x264(base, field_order_params(picture)))


def _profile(profile: Any) -> int:
    names = {"proxy": 0, "lt": 1, "standard": 2, "hq": 3, "4444": 4, "4444xq": 5}
    if isinstance(profile, int):
        return profile
    text = str(profile or "").lower().replace("422", "").replace(" ", "")
    return next((value for name, value in names.items() if text.endswith(name)), 2)


def _x264(base: EncoderSettings, extra: str) -> dict[str, str]:
    options = {"crf": str(base.crf), "preset": base.preset}
    if extra:
        options["x264-params"] = extra.lstrip(":")
    return options


def _mpeg2(picture: Picture) -> dict[str, str]:
    # Closed GOPs of 12 (XDCAM HD422); the encoder refuses closed GOPs with
    # scene-change keyframes.
    options = {"g": "12", "bf": "2", "flags": "+cgop", "sc_threshold": "1000000000"}
    if picture.interlaced:
        options["flags"] += "+ilme+ildct"
        options["top"] = "1" if picture.top_field_first else "0"
    if picture.pix_fmt == "yuv422p":
        options["profile"], options["level"] = "0", "2"  # 4:2:2 Profile @ High Level
    return options


def encode_frames(
    source: str,
    destination: str,
    span: Span,
    *,
    wrapper: Wrapper,
    settings: EncoderSettings,
    audio_bitrate: int,
    timecode: str | None = None,
    report: Report | None = None,
    gop: int | None = None,
) -> int:
    """Decode the frames of ``span`` and encode them with ``settings`` into
    ``destination``, audio alongside. Returns the frame count."""
    frames = 0
    with open_input(source) as container:
        video: Any = container.streams.video[0]
        video.thread_type = "AUTO"
        tb = video.time_base
        start_ts, end_ts, frame_ts = span.ticks(tb)
        # FFmpeg's MXF demuxer may give reordered pictures their decode times
        # (long-GOP H.264): there, frames are numbered in the order the decoder
        # presents them, from the keyframe it starts at.
        renumber = container.format.name == "mxf"
        first_pts = None
        with open_output(destination, wrapper, timecode) as output:
            out_video: Any = output.add_stream(settings.codec, rate=span.fps)
            out_video.width, out_video.height, out_video.pix_fmt = settings.width, settings.height, settings.pix_fmt
            out_video.time_base = tb
            if settings.bit_rate:
                out_video.bit_rate = settings.bit_rate
            out_video.options = dict(settings.options)
            if gop:
                out_video.options |= {"g": str(gop), "keyint_min": str(gop), "sc_threshold": "0"}
            audio = add_audio_tracks(output, container, source, span.start, span.stop, audio_bitrate, wrapper)
            mux = Interleaver(output, audio)
            frame: Any
            for frame in decode_from(container, video, span.start):
                if renumber and frame.pts is not None:
                    first_pts = frame.pts if first_pts is None else first_pts + frame_ts
                    frame.pts = round(first_pts)
                if frame.pts is None or frame.pts < start_ts - frame_ts / 2:
                    continue
                if frame.pts >= end_ts - frame_ts / 2:
                    break
                pts = round(frame.pts - start_ts)
                if frame.format.name != settings.pix_fmt or (frame.width, frame.height) != (
                    settings.width,
                    settings.height,
                ):
                    frame = frame.reformat(width=settings.width, height=settings.height, format=settings.pix_fmt)
                frame.pts, frame.time_base = pts, tb
                frame.pict_type = av.video.frame.PictureType.NONE
                for packet in out_video.encode(frame):
                    mux.video(packet)
                frames += 1
                if report:
                    report(frames / span.frames)
            for packet in out_video.encode(None):
                mux.video(packet)
            mux.finish()
    if frames == 0:
        raise CutError("the range holds no frames")
    return frames


def scaled(settings: EncoderSettings, max_height: int | None) -> EncoderSettings:
    width, height = settings.width, settings.height
    if max_height and height > max_height:
        width, height = round(width * max_height / height), max_height
    return settings.with_options(width=width - width % 2, height=height - height % 2)


def seconds_span(start: Fraction, end: Fraction, fps: Fraction, origin: float | Fraction) -> Span:
    """The frames of [start, end) seconds on the file's timeline."""
    from .frames import frame_range

    first, last = frame_range(fps, start - Fraction(origin), end - Fraction(origin))
    return Span.of(first, last, fps=fps, origin=origin)
