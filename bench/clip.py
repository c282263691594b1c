"""Clip rendering per master family: the portal's cut against a plain stream
copy and a full re-encode in the same codec, in one run.

Makes (once, then cached in bench/.cache/) a 4-minute 1080p25 framecoded
H.264 master, and from it one master per family (ProRes 422 MOV, XAVC-like
H.264 High 4:2:2 10-bit MOV, XDCAM-like MPEG-2 4:2:2 MXF, open-GOP H.264,
HEVC; PCM audio where the family has it). For each family it renders a
20-second and a 3-minute clip that start and end between keyframes:

* the portal's cut in the master's format (copy / smart / re-encode),
* a plain stream copy of the same range from the keyframe before it (fast,
  not exact: what `ffmpeg -ss A -to B -c copy` gives),
* a full re-encode in the master's own codec with matched settings (exact,
  slow). Without ``--full`` the 3-minute re-encode is not run but estimated
  from the 20-second one's per-frame time in the same run (it is linear).

Prints seconds, the ratio to the re-encode (and to the copy), whether the
clip holds exactly the asked frames (every frame decoded and read) and
whether the format was kept.

    .venv/bin/python bench/clip.py                       # all families
    .venv/bin/python bench/clip.py --families h264,prores --full
"""

import argparse
import array
import os
import platform
import sys
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from downloads.media.codec import EncoderSettings  # noqa: E402
from downloads.media.cut import Quality, cut  # noqa: E402
from downloads.media.frames import Span  # noqa: E402
from downloads.media.muxing import source_wrapper  # noqa: E402
from downloads.media.probe import probe  # noqa: E402
from downloads.media.reencode import encode_frames, matched_settings  # noqa: E402
from downloads.media.synth import Spec, make_video, read_frame_number_fast, tone_sample  # noqa: E402

CACHE = Path(__file__).resolve().parent / ".cache"
FPS = Fraction(25)
MASTER_SECONDS = 240
QUALITY = Quality(
    crf=int(os.environ.get("CLIP_ENCODER_CRF", 16)), preset=os.environ.get("CLIP_ENCODER_PRESET", "superfast")
)
TARGETS = {"copy": {"short": "<= 2x copy", "long": "<= 2x copy"}, "smart": {"short": "<= 10%", "long": "<= 3%"}}


def clips(seconds: int) -> list[tuple[str, str, int, int]]:
    """(kind, label, first frame, end frame): a 20-second clip and a 3-minute
    one (shorter for a shorter master), both points between keyframes."""
    long = min(180, seconds - 10)
    return [("short", "20 s", 534, 534 + 20 * 25), ("long", f"{long} s", 113, 113 + long * 25)]


def base_spec(seconds: int) -> Spec:
    return Spec(width=1920, height=1080, fps=FPS, seconds=seconds, gop=50, bframes=2, preset="veryfast", crf=18)


# family: (file, codec, pix_fmt, options, bit rate, audio codec)
FAMILIES: dict[str, tuple[str, str, str, dict[str, str], int | None, str]] = {
    "h264": ("h264.mp4", "", "", {}, None, ""),
    "prores": ("prores.mov", "prores_ks", "yuv422p10le", {"profile": "2"}, None, "pcm_s24le"),
    "xavc": (
        "xavc.mov",
        "libx264",
        "yuv422p10le",
        {"preset": "veryfast", "crf": "18", "g": "50", "bf": "2", "sc_threshold": "0"},
        None,
        "pcm_s24le",
    ),
    "opengop": (
        "opengop.mp4",
        "libx264",
        "yuv420p",
        {"preset": "veryfast", "crf": "18", "g": "50", "bf": "2", "sc_threshold": "0", "x264-params": "open-gop=1"},
        None,
        "aac",
    ),
    "xdcam": (
        "xdcam.mxf",
        "mpeg2video",
        "yuv422p",
        {"profile": "0", "level": "2", "g": "12", "bf": "2", "flags": "+cgop", "sc_threshold": "1000000000"},
        50_000_000,
        "pcm_s24le",
    ),
    "hevc": (
        "hevc.mp4",
        "libx265",
        "yuv420p",
        {"preset": "ultrafast", "x265-params": "keyint=50:log-level=error"},
        None,
        "aac",
    ),
}


def base_master() -> Path:
    path = CACHE / f"base-1080p25-{MASTER_SECONDS}s.mp4"
    if not path.exists():
        print(f"making the {MASTER_SECONDS}-second 1080p master once ({path.name}), minutes...", flush=True)
        partial = path.with_suffix(".part.mp4")
        make_video(partial, base_spec(MASTER_SECONDS))
        partial.rename(path)
    return path


def family_master(name: str) -> Path:
    file, codec, pix_fmt, options, bit_rate, audio_codec = FAMILIES[name]
    if not codec:
        return base_master()
    path = CACHE / f"{MASTER_SECONDS}s-{file}"
    if path.exists():
        return path
    print(f"making the {name} master once ({file})...", flush=True)
    partial = path.with_name("part-" + path.name)
    with av.open(str(base_master())) as source, av.open(str(partial), "w") as out:
        video_in: Any = source.streams.video[0]
        video_in.thread_type = "AUTO"
        video: Any = out.add_stream(codec, rate=FPS)
        video.width, video.height, video.pix_fmt = 1920, 1080, pix_fmt
        video.time_base = 1 / FPS
        if bit_rate:
            video.bit_rate = bit_rate
        video.options = dict(options)
        if out.format.name in ("mov", "mxf"):
            out.metadata["timecode"] = "10:00:00:00"
        audio: Any = out.add_stream(audio_codec, rate=48000, layout="mono")
        clock = 0
        for number, frame in enumerate(source.decode(video_in)):
            picture = frame.reformat(format=pix_fmt)
            picture.pts, picture.time_base = number, 1 / FPS
            out.mux(video.encode(picture))
            target = (number + 1) * 48000 // 25
            chunk = av.AudioFrame(format="s16", layout="mono", samples=target - clock)
            chunk.planes[0].update(array.array("h", (tone_sample(i, 48000) for i in range(clock, target))).tobytes())
            chunk.sample_rate, chunk.pts, chunk.time_base = 48000, clock, Fraction(1, 48000)
            out.mux(audio.encode(chunk))
            clock = target
        out.mux(video.encode(None))
        out.mux(audio.encode(None))
    partial.rename(path)
    return path


def stream_copy(source: Path, destination: Path, first: int, end: int) -> None:
    """The same range by plain packet copy from the keyframe before it."""
    wrapper = source_wrapper(str(source), "master")
    with av.open(str(source)) as container, av.open(str(destination), "w", format=wrapper.format) as out:
        video: Any = container.streams.video[0]
        stream = out.add_stream_from_template(video, rate=FPS)
        tb = video.time_base
        start, stop = Fraction(first) / FPS, Fraction(end) / FPS
        container.seek(int(start / tb), stream=video, backward=True)
        offset = None
        for packet in container.demux(video):
            if packet.pts is None or packet.size == 0:
                continue
            if packet.pts * tb >= stop:
                break
            offset = packet.dts if offset is None else offset
            packet.pts -= offset
            packet.dts -= offset
            packet.stream = stream
            out.mux(packet)


def frames_in(path: Path) -> list[int]:
    numbers = []
    with av.open(str(path)) as container:
        container.streams.video[0].thread_type = "AUTO"
        for frame in container.decode(video=0):
            if frame.format.name not in ("yuv420p", "yuvj420p", "yuv422p"):
                frame = frame.reformat(format="yuv420p")
            numbers.append(read_frame_number_fast(frame))
    return numbers


def format_of(path: Path) -> tuple:
    with av.open(str(path)) as container:
        video: Any = container.streams.video[0]
        frame = next(container.decode(video))
        audio = tuple(s.codec_context.name for s in container.streams.audio)
        return container.format.name.split(",")[0], video.codec_context.name, frame.format.name, audio


def timed(function: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    began = time.perf_counter()
    value = function(*args, **kwargs)
    return time.perf_counter() - began, value


def bench_family(name: str, full: bool) -> None:
    master = family_master(name)
    info = probe(str(master))
    wrapper = source_wrapper(str(master), "master")
    print(f"\n## {name}: {master.name}, {format_of(master)}, {info.bitrate / 1e6:.0f} Mbit/s")
    print(f"{'clip':6} {'way':10} {'seconds':>8} {'vs re-encode':>13} {'vs copy':>8} {'exact':>6} {'format':>7}  note")
    per_frame = None
    for kind, label, first, end in clips(MASTER_SECONDS):
        out = CACHE / f"out.{wrapper.extension}"
        copy_seconds, _ = timed(stream_copy, master, out, first, end)
        seconds, result = timed(
            cut, str(master), str(out), first_frame=first, end_frame=end, info=info, quality=QUALITY
        )
        exact = frames_in(out) == list(range(first, end))
        kept = format_of(out)[:3] == format_of(master)[:3]
        if per_frame is None or full:
            settings = matched_settings(
                str(master),
                EncoderSettings(width=1920, height=1080, crf=QUALITY.crf, preset=QUALITY.preset),
                same_codec=True,
            )
            span = Span.of(first, end, fps=info.fps, origin=info.start_time)
            full_seconds, _ = timed(
                encode_frames,
                str(master),
                str(out),
                span,
                wrapper=wrapper,
                settings=settings,
                audio_bitrate=QUALITY.audio_bitrate,
            )
            per_frame, estimated = full_seconds / (end - first), ""
        else:
            full_seconds, estimated = per_frame * (end - first), " (est.)"
        note = f"{result.method}: {result.reencoded_frames} of {end - first} frames re-encoded"
        if result.method in TARGETS:
            note += f"; target {TARGETS[result.method][kind]}"
        if result.note:
            note += f"; {result.note}"
        print(
            f"{label:6} {'portal':10} {seconds:8.3f} {seconds / full_seconds:12.1%} {seconds / copy_seconds:7.1f}x "
            f"{'yes' if exact else 'NO':>6} {'yes' if kept else 'NO':>7}  {note}"
        )
        print(
            f"{label:6} {'copy':10} {copy_seconds:8.3f} {copy_seconds / full_seconds:12.1%} {1:7.1f}x {'no':>6} {'yes':>7}  from the keyframe before the in point"
        )
        print(
            f"{label:6} {'re-encode':10} {full_seconds:8.3f} {1:12.1%} {full_seconds / copy_seconds:7.1f}x {'yes':>6} {'yes':>7}  same codec, matched{estimated}"
        )
        out.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--families", default=",".join(FAMILIES), help="comma-separated: " + ", ".join(FAMILIES))
    parser.add_argument("--full", action="store_true", help="run the long re-encodes too (slow)")
    parser.add_argument("--seconds", type=int, default=240, help="master length (default 240: 4 minutes)")
    args = parser.parse_args()
    global MASTER_SECONDS
    MASTER_SECONDS = args.seconds
    CACHE.mkdir(exist_ok=True)
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores; PyAV {av.__version__}; "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )
    print(f"re-encoded frames: x264 preset {QUALITY.preset}, crf {QUALITY.crf}; master {MASTER_SECONDS} s 1080p25")
    for name in args.families.split(","):
        bench_family(name.strip(), args.full)


if __name__ == "__main__":
    main()
