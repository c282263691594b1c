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
    # --- broadcast and phone forms (defaults: the plain case above) ---------
    audio_layout: str = "stereo"  # "mono": one channel per track, as in XDCAM/DNxHD MXF
    interlaced: bool = False  # coded as interlaced, top field first
    rotation: int = 0  # display matrix, degrees counter-clockwise (phones: -90, 90, 180)
    timecode: str = ""  # start timecode (MOV/MXF write a timecode track)
    vfr: bool = False  # variable frame rate: irregular frame intervals, as phones record
    start_offset: float = 0.0  # seconds the first timestamp starts at (MPEG-TS recordings)
    bit_rate: int | None = None  # fixed bit rate (DNxHD and MPEG-2 want one)
    codec_options: tuple[tuple[str, str], ...] = ()  # extra encoder options, e.g. (("profile", "3"),)
    sample_format: str = ""  # PCM sample format when it matters, e.g. "s32" for pcm_s24le
    tone_per_track: bool = False  # track k carries 440·(k+1) Hz, so tests can tell tracks apart


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


VFR_PATTERN = (1.0, 1.0, 1.5, 0.5, 1.0, 2.0, 1.0, 0.75, 1.25, 1.0)  # frame intervals, in nominal frames


def frame_times(spec: Spec) -> list[Fraction]:
    """Presentation time (seconds, from the first frame) of every frame the
    spec makes: a regular grid, or for ``vfr`` an irregular one on a 1/90000
    clock, as phones record."""
    frames = round(spec.seconds * spec.fps)
    if not spec.vfr:
        return [Fraction(n) / spec.fps for n in range(frames)]
    times, now = [], Fraction(0)
    for n in range(frames):
        times.append(Fraction(round(now * 90000), 90000))
        now += Fraction(VFR_PATTERN[n % len(VFR_PATTERN)]).limit_denominator(8) / spec.fps
    return times


def make_video(path, spec: Spec = Spec(), title: str = "", audio_only: bool = False) -> None:
    """Write a synthetic video to ``path`` following ``spec`` (``audio_only``:
    just the tone, for testing files without a picture)."""
    if audio_only:
        _make_audio_only(path, spec)
        return
    times = frame_times(spec)
    upright = (spec.height, spec.width) if spec.rotation % 180 else (spec.width, spec.height)
    picture_spec = Spec(width=upright[0], height=upright[1], fps=spec.fps)
    background = Image.linear_gradient("L").resize(upright).convert("RGB")
    background = Image.merge(
        "RGB", (background.getchannel(0), background.getchannel(0).rotate(90), Image.new("L", background.size, 90))
    )
    font = ImageFont.load_default(size=max(10, upright[1] // 12))
    with av.open(str(path), "w", format=spec.container) as out:
        video = _video_stream(out, spec)
        frame_time_base = Fraction(1, 90000) if spec.vfr else 1 / spec.fps  # the muxer may change video.time_base
        video.time_base = frame_time_base
        if spec.vfr:
            # The encoder's clock too: on the default 1/fps grid, irregular
            # times would round onto each other.
            video.codec_context.time_base = frame_time_base
        if title:
            out.metadata["title"] = title
        if spec.timecode:
            out.metadata["timecode"] = spec.timecode
        tracks: list[Any] = []
        if spec.audio_codec:
            for _ in range(spec.audio_tracks):
                audio: Any = out.add_stream(spec.audio_codec, rate=spec.sample_rate, layout=spec.audio_layout)
                if spec.sample_format:
                    audio.format = spec.sample_format
                tracks.append(audio)
        mark_fields = _field_marker(spec) if spec.interlaced else None
        offset_frames = round(spec.start_offset * spec.fps)
        offset_samples = round(spec.start_offset * spec.sample_rate)
        sample_clock = 0
        for number, when in enumerate(times):
            # What a viewer sees (upright); stored turned the other way, as a
            # phone sensor records it, with the display matrix to undo it.
            picture = render_picture(number, picture_spec, background, font)
            if spec.rotation % 360:
                picture = picture.rotate(-spec.rotation, expand=True)
            frame = av.VideoFrame.from_image(picture).reformat(format=spec.pix_fmt)
            frame.pts = round(when / frame_time_base) + (
                round(spec.start_offset * 90000) if spec.vfr else offset_frames
            )
            frame.time_base = frame_time_base
            if mark_fields:
                frame = mark_fields(frame)
            out.mux(video.encode(frame))
            if tracks:
                following = times[number + 1] if number + 1 < len(times) else Fraction(len(times)) / spec.fps
                target = int(following * spec.sample_rate)
                for k, audio in enumerate(tracks):
                    pitch = 440 * (k + 1) if spec.tone_per_track else 440
                    _write_tone(
                        out, audio, sample_clock, target - sample_clock, spec.sample_rate, offset_samples, pitch
                    )
                sample_clock = target
        out.mux(video.encode(None))
        for audio in tracks:
            out.mux(audio.encode(None))


def _video_stream(out: Any, spec: Spec) -> Any:
    video: Any = out.add_stream(spec.video_codec, rate=spec.fps)
    video.width, video.height, video.pix_fmt = spec.width, spec.height, spec.pix_fmt
    if spec.rotation % 360:
        video.set_display_rotation(spec.rotation)
    if spec.video_codec == "libx264":
        video.options = {
            "crf": str(spec.crf),
            "preset": spec.preset,
            "g": str(spec.gop),
            "keyint_min": str(spec.gop),
            "sc_threshold": "0",
            "bf": str(spec.bframes),
        }
        params = [spec.x264_params] if spec.x264_params else []
        if spec.interlaced:
            params.append("interlaced=1:tff=1")
        if params:
            video.options["x264-params"] = ":".join(params)
    elif spec.video_codec == "libx265":
        video.options = {
            "crf": str(spec.crf),
            "preset": spec.preset,
            "x265-params": f"keyint={spec.gop}:min-keyint={spec.gop}:bframes={spec.bframes}:log-level=error",
        }
    else:
        video.gop_size = spec.gop
        video.max_b_frames = spec.bframes
        video.bit_rate = spec.bit_rate or spec.width * spec.height * 4
        if spec.interlaced:
            # Interlaced coding (field DCT/motion), top field first: as XDCAM HD422.
            video.codec_context.flags |= av.codec.context.Flags.interlaced_dct | av.codec.context.Flags.interlaced_me
    if spec.interlaced:
        video.codec_context.field_order = FIELD_ORDER_TT
    if spec.codec_options:
        video.options = {**video.options, **dict(spec.codec_options)}
    return video


FIELD_ORDER_TT = 2  # AVFieldOrder AV_FIELD_TT: top field coded and shown first


def _field_marker(spec: Spec):
    """Marks each picture interlaced, top field first (encoders such as
    mpeg2video take the field order from the frame, and PyAV has no setter
    for those flags: FFmpeg's ``setfield`` filter sets them)."""
    graph = None

    def mark(frame):
        nonlocal graph
        if graph is None:
            graph = av.filter.Graph()
            source = graph.add_buffer(template=frame)
            setfield = graph.add("setfield", "tff")
            sink = graph.add("buffersink")
            source.link_to(setfield)
            setfield.link_to(sink)
            graph.configure()
        graph.push(frame)
        return graph.pull()

    return mark


def _write_tone(
    out: Any, stream: Any, first_sample: int, count: int, rate: int, offset: int = 0, pitch: float = 440
) -> None:
    import array

    if count <= 0:
        return
    layout = stream.codec_context.layout.name if stream.codec_context.layout else "stereo"
    channels = stream.codec_context.layout.nb_channels if stream.codec_context.layout else 2
    data = array.array("h")
    gap = rate * GAP_SECONDS
    for i in range(first_sample, first_sample + count):
        # Silent for the first 40 ms of every second: a mark tests can find.
        value = 0 if i % rate < gap else int(8000 * math.sin(2 * math.pi * pitch * i / rate))
        data.extend((value,) * channels)
    frame = av.AudioFrame(format="s16", layout=layout, samples=count)
    frame.planes[0].update(data.tobytes())
    frame.sample_rate = rate
    frame.pts = first_sample + offset
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
