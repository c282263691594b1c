"""Ingest: the portal's whole ingest of a master against a plain PyAV transcode.

For three 4-minute 1080p25 masters (made once, cached in bench/.cache/):

* H.264/AAC in MP4 (2-second GOPs, B-frames),
* Apple ProRes 422 in MOV with two mono 24-bit PCM tracks,
* XDCAM HD422 in MXF OP1a: MPEG-2 4:2:2 50 Mb/s, 1080i25 top field first,
  long GOP, four mono 24-bit PCM tracks,

it times, in one run:

* **ingest**: what the media worker does (probe, poster, web version with
  bwdif/rotation/listening-track filters, probe of the web version);
* **plain transcode**: the same file decoded and encoded to 720p H.264/AAC
  with the same x264 settings, by the shortest PyAV loop (scale with
  ``reformat``, first audio track resampled to stereo): no probe, no poster,
  no deinterlacing.

and prints the ratio. With ``--rss``, it also measures the peak resident
memory of an ingest of a 10-minute (or ``--rss N`` seconds) 1080p ProRes 422
master (made in a scratch folder, deleted afterwards), in a child process.

The masters are built by repeating a few seconds of encoded pictures
(closed GOPs, or intra-only ProRes), so making them costs little; decoding
them costs what real footage of that format costs.

    .venv/bin/python bench/ingest.py [--seconds 240] [--rss 600]
"""

import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from downloads.media import stills  # noqa: E402
from downloads.media.probe import probe  # noqa: E402
from downloads.media.synth import Spec, render_picture  # noqa: E402
from downloads.media.web import WebSettings, make_web_version  # noqa: E402

CACHE = Path(__file__).resolve().parent / ".cache"
FPS = Fraction(25)
SECONDS = 240
SETTINGS = WebSettings(
    crf=int(os.environ.get("WEB_VERSION_CRF", 23)), preset=os.environ.get("WEB_VERSION_PRESET", "veryfast")
)
FORMATS = {
    "H.264 MP4": ("h264.mp4", "mp4"),
    "ProRes 422 MOV": ("prores.mov", "mov"),
    "XDCAM HD422 MXF": ("xdcam.mxf", "mxf"),
}


# --- Masters -------------------------------------------------------------------------


def _pictures(count: int, pix_fmt: str) -> list[av.VideoFrame]:
    spec = Spec(width=1920, height=1080, fps=FPS)
    background = Image.linear_gradient("L").resize((1920, 1080)).convert("RGB")
    font = ImageFont.load_default(size=90)
    return [
        av.VideoFrame.from_image(render_picture(n, spec, background, font)).reformat(format=pix_fmt)
        for n in range(count)
    ]


def _tff(frames: list[av.VideoFrame]) -> list[av.VideoFrame]:
    graph = av.filter.Graph()
    chain = [
        graph.add_buffer(template=frames[0], time_base=1 / FPS),
        graph.add("setfield", "tff"),
        graph.add("buffersink"),
    ]
    chain[0].link_to(chain[1])
    chain[1].link_to(chain[2])
    graph.configure()
    marked = []
    for frame in frames:
        graph.push(frame)
        marked.append(graph.pull())
    return marked


def _tone(samples: int, first: int, layout: str, fmt: str) -> av.AudioFrame:
    import array
    import math

    channels = 2 if layout == "stereo" else 1
    data = array.array("h")
    for i in range(first, first + samples):
        data.extend([int(8000 * math.sin(2 * math.pi * 440 * i / 48000))] * channels)
    frame = av.AudioFrame(format="s16", layout=layout, samples=samples)
    frame.planes[0].update(data.tobytes())
    frame.sample_rate, frame.pts, frame.time_base = 48000, first, Fraction(1, 48000)
    return frame


def make_master(kind: str, path: Path, seconds: int) -> None:
    """A ``seconds``-long 1080p25 master of ``kind``: a loop of a few seconds of
    encoded packets, re-stamped (closed GOPs / intra frames make that valid)."""
    loop = {"h264.mp4": 50, "prores.mov": 25, "xdcam.mxf": 48}[kind]
    fmt = {"h264.mp4": "mp4", "prores.mov": "mov", "xdcam.mxf": "mxf"}[kind]
    with av.open(str(path), "w", format=fmt) as out:
        if kind == "h264.mp4":
            video = out.add_stream("libx264", rate=FPS)
            video.options = {
                "preset": "veryfast",
                "crf": "18",
                "g": "50",
                "keyint_min": "50",
                "bf": "2",
                "sc_threshold": "0",
            }
            pix_fmt, audio_spec = "yuv420p", [("aac", "stereo")]
        elif kind == "prores.mov":
            video = out.add_stream("prores_ks", rate=FPS)
            video.options = {"profile": "2"}
            pix_fmt, audio_spec = "yuv422p10le", [("pcm_s24le", "mono")] * 2
        else:
            video = out.add_stream("mpeg2video", rate=FPS)
            # Closed GOPs (to loop them) want scene-cut detection off.
            video.options = {"profile": "0", "level": "2", "sc_threshold": "1000000000"}
            video.bit_rate, video.gop_size, video.max_b_frames = 50_000_000, 12, 2
            cc = video.codec_context
            flags = av.codec.context.Flags
            cc.flags |= flags.interlaced_dct | flags.interlaced_me | flags.closed_gop
            cc.field_order = 2
            pix_fmt, audio_spec = "yuv422p", [("pcm_s24le", "mono")] * 4
        video.width, video.height, video.pix_fmt = 1920, 1080, pix_fmt
        video.time_base = 1 / FPS
        audios = []
        for codec, layout in audio_spec:
            stream = out.add_stream(codec, rate=48000, layout=layout)
            if codec == "pcm_s24le":
                stream.format = "s32"
            audios.append(stream)
        pictures = _pictures(loop, pix_fmt)
        if kind == "xdcam.mxf":
            pictures = _tff(pictures)
        once_video = []
        for n, picture in enumerate(pictures):
            picture.pts, picture.time_base = n, 1 / FPS
            once_video += video.encode(picture)
        once_video += video.encode(None)
        cycles = round(seconds * FPS / loop)
        sounds = [_sound(stream, layout, loop, cycles) for stream, (_, layout) in zip(audios, audio_spec, strict=True)]
        pending: list = [next(sound, None) for sound in sounds]
        for cycle in range(cycles):
            offset = Fraction(cycle * loop) / FPS
            for packet in once_video:
                copy = _copy(packet, video, offset)
                out.mux(copy)
                until = (copy.dts or 0) * copy.time_base
                for k, sound in enumerate(sounds):
                    while pending[k] is not None and pending[k].pts * pending[k].time_base <= until + 1:
                        out.mux(pending[k])
                        pending[k] = next(sound, None)
        for k, sound in enumerate(sounds):
            while pending[k] is not None:
                out.mux(pending[k])
                pending[k] = next(sound, None)


def _sound(stream, layout: str, loop: int, cycles: int):
    """The track's packets for the whole length: PCM as a loop of one picture's
    worth per packet; AAC encoded throughout (its priming forbids looping)."""
    per_frame = 48000 // 25
    if stream.codec_context.name == "aac":
        for n in range(loop * cycles):
            yield from stream.encode(_tone(per_frame, n * per_frame, layout, "s16"))
        yield from stream.encode(None)
        return
    once = []
    for n in range(loop):
        once += stream.encode(_tone(per_frame, n * per_frame, layout, "s16"))
    once += stream.encode(None)
    for cycle in range(cycles):
        for packet in once:
            yield _copy(packet, stream, Fraction(cycle * loop) / FPS)


def _copy(packet: av.Packet, stream, offset: Fraction) -> av.Packet:
    copy = av.Packet(bytes(packet))
    tb = packet.time_base
    shift = round(offset / tb)
    copy.pts = packet.pts + shift if packet.pts is not None else None
    copy.dts = packet.dts + shift if packet.dts is not None else None
    copy.duration, copy.time_base, copy.is_keyframe = packet.duration, tb, packet.is_keyframe
    copy.stream = stream
    return copy


# --- What is measured --------------------------------------------------------------------


def ingest(source: Path, output: Path) -> None:
    """The media worker's ingest without the database: probe, poster, web version."""
    info = probe(str(source))
    image = stills.frame_at(str(source), info.start_time + min(info.duration * 0.1, 5.0), rotation=info.rotation)
    stills.jpeg(image, stills.POSTER_WIDTH)
    make_web_version(str(source), str(output), info=info, settings=SETTINGS)
    probe(str(output))


def plain_transcode(source: Path, output: Path) -> None:
    """The shortest PyAV loop that makes a 720p H.264/AAC MP4 of the file."""
    with av.open(str(source)) as container, av.open(str(output), "w", options={"movflags": "+faststart"}) as out:
        video = container.streams.video[0]
        video.thread_type = "AUTO"
        audio = container.streams.audio[0] if container.streams.audio else None
        encoder = out.add_stream("libx264", rate=video.average_rate)
        encoder.width, encoder.height, encoder.pix_fmt = 1280, 720, "yuv420p"
        encoder.options = {"crf": str(SETTINGS.crf), "preset": SETTINGS.preset, "g": "25", "keyint_min": "25"}
        sound = out.add_stream("aac", rate=48000, layout="stereo") if audio else None
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=48000) if audio else None
        for packet in container.demux(*[s for s in (video, audio) if s is not None]):
            for frame in packet.decode():
                if packet.stream.type == "video":
                    scaled = frame.reformat(width=1280, height=720, format="yuv420p")
                    scaled.pts, scaled.time_base = frame.pts, frame.time_base
                    out.mux(encoder.encode(scaled))
                else:
                    for chunk in resampler.resample(frame):
                        out.mux(sound.encode(chunk))
        out.mux(encoder.encode(None))
        if sound:
            out.mux(sound.encode(None))


def _timed(function, *args) -> float:
    began = time.monotonic()
    function(*args)
    return time.monotonic() - began


def peak_rss_of_ingest(source: Path) -> int:
    """Peak resident memory (bytes) of a child process that ingests ``source``."""
    root, web = str(Path(__file__).resolve().parent.parent), str(source.with_suffix(".web.mp4"))
    code = (
        f"import sys; sys.path.insert(0, {root!r}); from bench.ingest import ingest; from pathlib import Path; "
        f"ingest(Path({str(source)!r}), Path({web!r}))"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


def _option(name: str, default: int) -> int:
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def main() -> None:
    """``--seconds N``: masters of N seconds instead of 240 (a busy machine);
    ``--rss N``: also the peak RSS of ingesting an N-second ProRes master."""
    seconds = _option("--seconds", SECONDS)
    CACHE.mkdir(exist_ok=True)
    print(f"{time.strftime('%Y-%m-%d')} · {platform.machine()} · {os.cpu_count()} cores · PyAV {av.__version__}")
    print(f"x264 {SETTINGS.preset}, CRF {SETTINGS.crf}; {seconds}-second 1080p25 masters\n")
    print(f"{'master':<18} {'size':>8} {'ingest':>9} {'plain transcode':>16} {'ratio':>7}")
    for label, (name, _) in FORMATS.items():
        source = CACHE / f"{seconds}s-{name}"
        if not source.exists():
            make_master(name, source, seconds)
        with tempfile.TemporaryDirectory() as scratch:
            # Best of two, alternated: the machine is shared, and a neighbour's
            # burst should not decide the ratio.
            ours, plain = float("inf"), float("inf")
            for _ in range(2):
                ours = min(ours, _timed(ingest, source, Path(scratch) / "web.mp4"))
                plain = min(plain, _timed(plain_transcode, source, Path(scratch) / "plain.mp4"))
        size = source.stat().st_size / 1e9
        print(f"{label:<18} {size:>6.2f}GB {ours:>8.1f}s {plain:>15.1f}s {ours / plain:>6.2f}x", flush=True)
    if "--rss" in sys.argv:
        length = _option("--rss", 600)
        with tempfile.TemporaryDirectory() as scratch:
            source = Path(scratch) / "prores.mov"
            make_master("prores.mov", source, length)
            rss = peak_rss_of_ingest(source)
            print(
                f"\nPeak RSS, ingest of a {length}-second 1080p ProRes 422 master "
                f"({source.stat().st_size / 1e9:.1f} GB): {rss / 2**20:.0f} MiB"
            )


if __name__ == "__main__":
    main()
