"""Clip rendering: smart cut against a plain stream copy and a full re-encode.

Makes (once, then cached in bench/.cache/) a 4-minute 1080p30 H.264/AAC
master with 2-second GOPs and B-frames, then renders a 20-second and a
3-minute clip that start and end between keyframes, three ways, in one run:

* smart cut (what the portal does),
* plain stream copy of the same range (starts at the previous keyframe:
  fast, not exact; what `ffmpeg -ss A -to B -c copy` gives),
* full re-encode with the same encoder settings as the smart cut's
  re-encoded frames (exact, slow).

Prints seconds, the ratio to the full re-encode, and whether each output
holds exactly the requested frames (decoded and checked frame by frame).

    .venv/bin/python bench/clip.py
"""

import math
import os
import platform
import sys
import time
from fractions import Fraction
from pathlib import Path

import av

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from downloads.media.cut import Quality, cut, encode_range  # noqa: E402
from downloads.media.probe import probe  # noqa: E402
from downloads.media.synth import Spec, make_video, read_frame_number_fast  # noqa: E402

CACHE = Path(__file__).resolve().parent / ".cache"
MASTER = CACHE / "master-1080p30-240s.mp4"
SPEC = Spec(width=1920, height=1080, fps=Fraction(30), seconds=240, gop=60, bframes=2, preset="veryfast", crf=18)
QUALITY = Quality(
    crf=int(os.environ.get("CLIP_ENCODER_CRF", 16)), preset=os.environ.get("CLIP_ENCODER_PRESET", "superfast")
)
CLIPS = [("20 s", Fraction(6137, 100), Fraction(8137, 100)), ("3 min", Fraction(3051, 100), Fraction(21051, 100))]
TARGETS = {"20 s": 0.10, "3 min": 0.03}


def stream_copy(source, destination, start, end):
    """The same range by plain packet copy from the keyframe before ``start``."""
    with (
        av.open(str(source)) as container,
        av.open(str(destination), "w", format="mp4", options={"movflags": "+faststart"}) as out,
    ):
        streams = {
            s.index: out.add_stream_from_template(s) for s in (container.streams.video[0], *container.streams.audio[:1])
        }
        video = container.streams.video[0]
        container.seek(int(start / video.time_base), stream=video, backward=True)
        offset = {}
        for packet in container.demux(*[container.streams[i] for i in streams]):
            if packet.pts is None or packet.size == 0:
                continue
            tb = packet.stream.time_base
            if packet.pts * tb >= end:
                if packet.stream.type == "video":
                    break
                continue
            offset.setdefault(packet.stream.index, packet.dts)
            packet.pts -= offset[packet.stream.index]
            packet.dts -= offset[packet.stream.index]
            packet.stream = streams[packet.stream.index]
            out.mux(packet)


def frames_in(path) -> list[int]:
    with av.open(str(path)) as container:
        container.streams.video[0].thread_type = "AUTO"
        return [read_frame_number_fast(frame) for frame in container.decode(video=0)]


def timed(function, *args, **kwargs) -> float:
    began = time.perf_counter()
    function(*args, **kwargs)
    return time.perf_counter() - began


def main() -> None:
    CACHE.mkdir(exist_ok=True)
    if not MASTER.exists():
        print(f"making the 4-minute 1080p master once ({MASTER.name}), a few minutes...", flush=True)
        partial = MASTER.with_suffix(".part.mp4")
        make_video(partial, SPEC)
        partial.rename(MASTER)
    info = probe(str(MASTER))
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores; PyAV {av.__version__}")
    print(
        f"master: {info.width}x{info.height} {float(info.fps):g} fps, {info.duration:.0f} s, "
        f"{len(info.keyframes)} keyframes, {info.bitrate / 1e6:.1f} Mbit/s, B-frames: {info.has_b_frames}"
    )
    print(f"re-encoded frames: x264 preset {QUALITY.preset}, crf {QUALITY.crf}\n")
    print(f"{'clip':7} {'method':11} {'seconds':>8} {'vs re-encode':>13} {'exact':>6}  note")
    for label, start, end in CLIPS:
        wanted = list(range(math.ceil(start * info.fps), math.ceil(end * info.fps)))  # frames in [start, end)
        out = CACHE / "out.mp4"
        results = {}
        results["re-encode"] = timed(
            encode_range, str(MASTER), str(out), start=start, end=end, info=info, quality=QUALITY
        )
        exact_reencode = frames_in(out) == wanted
        began = time.perf_counter()
        smart = cut(str(MASTER), str(out), start=start, end=end, info=info, quality=QUALITY)
        results["smart cut"] = time.perf_counter() - began
        exact_smart = frames_in(out) == wanted
        results["copy"] = timed(stream_copy, MASTER, out, start, end)
        got = frames_in(out)
        exact_copy = got == wanted
        full = results["re-encode"]
        rows = [
            (
                "smart cut",
                exact_smart,
                f"{smart.reencoded_frames} of {len(wanted)} frames re-encoded; target <= {TARGETS[label]:.0%}",
            ),
            ("copy", exact_copy, f"starts {len(got) - len(wanted):+d} frames early/late (at the keyframe)"),
            ("re-encode", exact_reencode, ""),
        ]
        for method, exact, note in rows:
            seconds = results[method]
            print(f"{label:7} {method:11} {seconds:8.3f} {seconds / full:12.1%} {'yes' if exact else 'NO':>6}  {note}")
        out.unlink()


if __name__ == "__main__":
    main()
