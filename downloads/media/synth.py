"""Synthetic test/demo videos: a moving picture with the frame number burnt in
twice, as text (for people) and as a row of black/white blocks (for machines,
so tests can prove which source frames a clip holds), and a tone on the audio.
"""

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import av
from PIL import Image, ImageDraw, ImageFont

BITS = 16  # frame numbers up to 65,535 (36 minutes at 30 fps)
GAP_SECONDS = 0.04  # the tone pauses this long at the start of every second


@dataclass(frozen=True)
class Spec:
    width: int = 320
    height: int = 180
    fps: Fraction = Fraction(25)
    seconds: float = 4.0
    gop: int = 25  # frames between keyframes
    bframes: int = 0
    video_codec: str = "libx264"
    audio_codec: str | None = "aac"
    container: str = "mp4"
    crf: int = 23
    preset: str = "ultrafast"
    sample_rate: int = 48000
    pix_fmt: str = "yuv420p"
    x264_params: str = ""  # extra libx264 settings, e.g. "open-gop=1"
    audio_tracks: int = 1  # broadcast masters often carry several


def _block_geometry(width: int) -> tuple[int, int]:
    block = max(4, width // (BITS + 4))
    return block, (width - block * BITS) // 2


def _draw_frame_number(draw: ImageDraw.ImageDraw, number: int, width: int) -> None:
    block, left = _block_geometry(width)
    for bit in range(BITS):
        on = (number >> (BITS - 1 - bit)) & 1
        x = left + bit * block
        draw.rectangle([x, 0, x + block - 1, block - 1], fill=(255, 255, 255) if on else (0, 0, 0))


def read_frame_number(image: Image.Image) -> int:
    """Recover the number drawn by :func:`_draw_frame_number` from a decoded frame."""
    gray = image.convert("L")
    block, left = _block_geometry(gray.width)
    number = 0
    for bit in range(BITS):
        x = left + bit * block + block // 2
        value: Any = gray.getpixel((x, block // 2))
        number = (number << 1) | (1 if value > 127 else 0)
    return number


def read_frame_number_fast(frame) -> int:
    """:func:`read_frame_number` straight from a decoded 8-bit YUV frame's
    luma plane (no RGB conversion: fast enough for minutes of 1080p)."""
    plane = frame.planes[0]
    data = memoryview(plane)
    block, left = _block_geometry(frame.width)
    row = (block // 2) * plane.line_size
    number = 0
    for bit in range(BITS):
        x = left + bit * block + block // 2
        number = (number << 1) | (1 if data[row + x] > 127 else 0)
    return number


def timecode(frame: int, fps: Fraction) -> str:
    rate = round(fps)
    seconds, ff = divmod(frame, rate)
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}:{ff:02d}"


def render_picture(number: int, spec: Spec, background: Image.Image, font) -> Image.Image:
    w, h = spec.width, spec.height
    shift = (number * 4) % w
    image = Image.new("RGB", (w, h))
    image.paste(background.crop((shift, 0, w, h)), (0, 0))
    image.paste(background.crop((0, 0, shift, h)), (w - shift, 0))
    draw = ImageDraw.Draw(image)
    radius = h // 8
    cx = int(w / 2 + (w / 3) * math.sin(number / 15))
    draw.ellipse([cx - radius, h // 2 - radius, cx + radius, h // 2 + radius], fill=(250, 200, 40))
    _draw_frame_number(draw, number, w)
    draw.text((w // 20, h - h // 5), f"{timecode(number, spec.fps)}  #{number}", fill=(255, 255, 255), font=font)
    return image


def make_video(path, spec: Spec = Spec(), title: str = "", audio_only: bool = False) -> None:
    """Write a synthetic video to ``path`` following ``spec`` (``audio_only``:
    just the tone, for testing files without a picture)."""
    if audio_only:
        _make_audio_only(path, spec)
        return
    frames = round(spec.seconds * spec.fps)
    background = Image.linear_gradient("L").resize((spec.width, spec.height)).convert("RGB")
    background = Image.merge(
        "RGB", (background.getchannel(0), background.getchannel(0).rotate(90), Image.new("L", background.size, 90))
    )
    font = ImageFont.load_default(size=max(10, spec.height // 12))
    with av.open(str(path), "w", format=spec.container) as out:
        video: Any = out.add_stream(spec.video_codec, rate=spec.fps)
        video.width, video.height, video.pix_fmt = spec.width, spec.height, spec.pix_fmt
        frame_time_base = 1 / spec.fps  # the muxer may change video.time_base
        video.time_base = frame_time_base
        if spec.video_codec == "libx264":
            video.options = {
                "crf": str(spec.crf),
                "preset": spec.preset,
                "g": str(spec.gop),
                "keyint_min": str(spec.gop),
                "sc_threshold": "0",
                "bf": str(spec.bframes),
            }
            if spec.x264_params:
                video.options["x264-params"] = spec.x264_params
        else:
            video.gop_size = spec.gop
            video.max_b_frames = spec.bframes
            video.bit_rate = spec.width * spec.height * 4
        if title:
            out.metadata["title"] = title
        tracks: list[Any] = []
        if spec.audio_codec:
            tracks = [
                out.add_stream(spec.audio_codec, rate=spec.sample_rate, layout="stereo")
                for _ in range(spec.audio_tracks)
            ]
        samples_per_frame = Fraction(spec.sample_rate) / spec.fps
        sample_clock = 0
        for number in range(frames):
            picture = render_picture(number, spec, background, font)
            frame = av.VideoFrame.from_image(picture).reformat(format=spec.pix_fmt)
            frame.pts = number
            frame.time_base = frame_time_base
            out.mux(video.encode(frame))
            if tracks:
                target = int((number + 1) * samples_per_frame)
                for audio in tracks:
                    _write_tone(out, audio, sample_clock, target - sample_clock, spec.sample_rate)
                sample_clock = target
        out.mux(video.encode(None))
        for audio in tracks:
            out.mux(audio.encode(None))


def _write_tone(out: Any, stream: Any, first_sample: int, count: int, rate: int) -> None:
    import array

    data = array.array("h")
    gap = rate * GAP_SECONDS
    for i in range(first_sample, first_sample + count):
        # Silent for the first 40 ms of every second: a mark tests can find.
        value = 0 if i % rate < gap else int(8000 * math.sin(2 * math.pi * 440 * i / rate))
        data.extend((value, value))
    frame = av.AudioFrame(format="s16", layout="stereo", samples=count)
    frame.planes[0].update(data.tobytes())
    frame.sample_rate = rate
    frame.pts = first_sample
    frame.time_base = Fraction(1, rate)
    out.mux(stream.encode(frame))


def _make_audio_only(path, spec: Spec) -> None:
    with av.open(str(path), "w", format="mp4") as out:
        audio = out.add_stream("aac", rate=spec.sample_rate, layout="stereo")
        total = int(spec.seconds * spec.sample_rate)
        for first in range(0, total, 1024):
            _write_tone(out, audio, first, min(1024, total - first), spec.sample_rate)
        out.mux(audio.encode(None))


@dataclass(frozen=True)
class MasterSpec:
    """A broadcast-style master: any codec and wrapper, a timecode, and
    several audio tracks (codec, layout, language), e.g. XDCAM HD422's mono
    PCM tracks in MXF."""

    codec: str = "prores_ks"
    container: str = "mov"
    pix_fmt: str = "yuv422p10le"
    width: int = 192
    height: int = 108
    fps: Fraction = Fraction(25)
    frames: int = 75
    options: tuple[tuple[str, str], ...] = ()
    bit_rate: int | None = None
    timecode: str | None = "10:00:00:00"
    audio: tuple[tuple[str, str, str], ...] = (("pcm_s24le", "mono", "eng"), ("pcm_s24le", "mono", "fra"))
    sample_rate: int = 48000


def tone_sample(index: int, rate: int, track: int = 0) -> int:
    """The synthetic tone (16-bit) at sample ``index``: silent for the first
    40 ms of every second; each track a different pitch."""
    if index % rate < rate * GAP_SECONDS:
        return 0
    return int(8000 * math.sin(2 * math.pi * (440 + 110 * track) * index / rate))


def make_master(path, spec: MasterSpec) -> None:
    """Write a framecoded master following ``spec`` (video stream first, as
    the MXF muxer wants)."""
    import array

    picture_spec = Spec(width=spec.width, height=spec.height, fps=spec.fps)
    background = Image.linear_gradient("L").resize((spec.width, spec.height)).convert("RGB")
    font = ImageFont.load_default(size=max(8, spec.height // 12))
    with av.open(str(path), "w", format=spec.container) as out:
        if spec.timecode:
            out.metadata["timecode"] = spec.timecode
        video: Any = out.add_stream(spec.codec, rate=spec.fps)
        video.width, video.height, video.pix_fmt = spec.width, spec.height, spec.pix_fmt
        video.time_base = 1 / spec.fps
        if spec.bit_rate:
            video.bit_rate = spec.bit_rate
        video.options = dict(spec.options)
        tracks: list[Any] = []
        for codec, layout, language in spec.audio:
            track: Any = out.add_stream(codec, rate=spec.sample_rate, layout=layout)
            track.metadata["language"] = language
            tracks.append(track)
        per_frame = Fraction(spec.sample_rate) / spec.fps
        clock = 0
        for number in range(spec.frames):
            image = render_picture(number, picture_spec, background, font)
            frame = av.VideoFrame.from_image(image).reformat(format=spec.pix_fmt)
            frame.pts, frame.time_base = number, 1 / spec.fps
            out.mux(video.encode(frame))
            target = int((number + 1) * per_frame)
            for index, track in enumerate(tracks):
                channels = track.codec_context.channels
                data = array.array("h")
                for i in range(clock, target):
                    data.extend([tone_sample(i, spec.sample_rate, index)] * channels)
                layout = "mono" if channels == 1 else "stereo"
                chunk = av.AudioFrame(format="s16", layout=layout, samples=target - clock)
                chunk.planes[0].update(data.tobytes())
                chunk.sample_rate, chunk.pts, chunk.time_base = spec.sample_rate, clock, Fraction(1, spec.sample_rate)
                out.mux(track.encode(chunk))
            clock = target
        out.mux(video.encode(None))
        for track in tracks:
            out.mux(track.encode(None))
