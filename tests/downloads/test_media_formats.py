"""Clips in the master's own format, for every broadcast family: every frame
exact, audio to the sample, codec/profile/bit depth/chroma/field order,
audio tracks and languages, wrapper and timecode kept."""

import array
from fractions import Fraction

import av
import pytest

from downloads.media.cut import cut
from downloads.media.probe import probe
from downloads.media.synth import MasterSpec, Spec, make_master, make_video
from downloads.media.verify import GuardFailed, check

from .inspection import frame_numbers

FIRST, END = 38, 61  # between keyframes at both ends (GOPs of 12 or 25)
PCM_TRACKS = (("pcm_s24le", "mono", "eng"), ("pcm_s24le", "mono", "fra"))

FAMILIES = {
    "prores-mov": MasterSpec(codec="prores_ks", container="mov", options=(("profile", "3"),)),
    "prores-mxf": MasterSpec(codec="prores_ks", container="mxf", options=(("profile", "2"),)),
    "dnxhr-mov": MasterSpec(
        codec="dnxhd", container="mov", pix_fmt="yuv422p", width=256, height=120, options=(("profile", "dnxhr_sq"),)
    ),
    "dnxhr-mxf": MasterSpec(
        codec="dnxhd",
        container="mxf",
        pix_fmt="yuv422p10le",
        width=256,
        height=120,
        options=(("profile", "dnxhr_hqx"),),
    ),
    "xavc-mov": MasterSpec(
        codec="libx264",
        container="mov",
        pix_fmt="yuv422p10le",
        options=(("preset", "veryfast"), ("g", "25"), ("bf", "2"), ("sc_threshold", "0")),
    ),
    "avc-intra-mxf": MasterSpec(  # AVC-Intra-like: High 4:2:2 10-bit, every frame an IDR picture
        codec="libx264", container="mxf", pix_fmt="yuv422p10le", options=(("preset", "veryfast"), ("g", "1"))
    ),
    "avc-long-gop-mxf": MasterSpec(
        codec="libx264",
        container="mxf",
        pix_fmt="yuv422p10le",
        options=(("preset", "veryfast"), ("g", "25"), ("bf", "2"), ("sc_threshold", "0")),
    ),
    "interlaced-tff": MasterSpec(
        codec="libx264",
        container="mov",
        pix_fmt="yuv420p",
        width=192,
        height=108,
        options=(("preset", "veryfast"), ("g", "25"), ("bf", "2"), ("x264-params", "interlaced=1:tff=1")),
    ),
    "xdcam-mxf": MasterSpec(
        codec="mpeg2video",
        container="mxf",
        pix_fmt="yuv422p",
        bit_rate=3_000_000,
        options=(
            ("profile", "0"),
            ("level", "2"),
            ("g", "12"),
            ("bf", "2"),
            ("flags", "+ilme+ildct+cgop"),
            ("sc_threshold", "1000000000"),
        ),
    ),
    "hevc-mp4": MasterSpec(
        codec="libx265",
        container="mp4",
        pix_fmt="yuv420p",
        timecode=None,
        options=(("preset", "ultrafast"), ("x265-params", "keyint=25:min-keyint=25:open-gop=0:log-level=error")),
        audio=(("aac", "stereo", "eng"),),
    ),
}
EXPECTED = {
    # family: (method, wrapper, codec, pixel format)
    "prores-mov": ("copy", "mov", "prores", "yuv422p10le"),
    "prores-mxf": ("copy", "mxf", "prores", "yuv422p10le"),
    "dnxhr-mov": ("copy", "mov", "dnxhd", "yuv422p"),
    "dnxhr-mxf": ("copy", "mxf", "dnxhd", "yuv422p10le"),
    "xavc-mov": ("smart", "mov", "h264", "yuv422p10le"),
    "avc-intra-mxf": ("copy", "mxf", "h264", "yuv422p10le"),
    "avc-long-gop-mxf": ("reencode", "mxf", "h264", "yuv422p10le"),
    "interlaced-tff": ("smart", "mov", "h264", "yuv420p"),
    "xdcam-mxf": ("smart", "mxf", "mpeg2video", "yuv422p"),
    "hevc-mp4": ("smart", "mp4", "hevc", "yuv420p"),
}


@pytest.fixture(scope="module")
def masters(tmp_path_factory):
    folder = tmp_path_factory.mktemp("masters")
    paths = {}
    for name, spec in FAMILIES.items():
        paths[name] = folder / f"{name}.{spec.container}"
        make_master(paths[name], spec)
    return paths


def _samples(path, track: int) -> array.array:
    """Every sample of an audio track as 16-bit integers (the source tone is 16-bit)."""
    samples = array.array("h")
    with av.open(str(path)) as container:
        stream = container.streams.audio[track]
        resampler = av.AudioResampler(format="s16", layout=stream.codec_context.layout.name, rate=48000)
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                samples.frombytes(bytes(out.planes[0])[: out.samples * 2 * out.layout.nb_channels])
    return samples


def _facts(path) -> dict:
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        frames = list(container.decode(video))
        audio = [(s.codec_context.name, s.codec_context.channels, s.language) for s in container.streams.audio]
        timecode = container.metadata.get("timecode") or video.metadata.get("timecode")
        for stream in container.streams:
            timecode = timecode or stream.metadata.get("timecode")
        return {
            "wrapper": container.format.name.split(",")[0],
            "codec": video.codec_context.name,
            "pix_fmt": frames[0].format.name,
            "interlaced": [frame.interlaced_frame for frame in frames],
            "field_order": video.codec_context.field_order,
            "audio": audio,
            "timecode": timecode,
            "brand": container.metadata.get("major_brand", ""),
        }


@pytest.mark.parametrize("family", list(FAMILIES))
def test_a_clip_keeps_the_masters_format_and_is_exact(masters, tmp_path, family):
    source, spec = masters[family], FAMILIES[family]
    method, wrapper, codec, pix_fmt = EXPECTED[family]
    out = tmp_path / f"clip.{wrapper}"
    result = cut(source, out, first_frame=FIRST, end_frame=END, info=probe(source))
    assert (result.method, result.wrapper.format) == (method, wrapper), result.note
    assert frame_numbers(out) == list(range(FIRST, END))
    facts, master = _facts(out), _facts(source)
    assert (facts["codec"], facts["pix_fmt"]) == (codec, pix_fmt)
    assert facts["wrapper"] == master["wrapper"]
    if wrapper == "mov":
        assert facts["brand"].strip() == "qt"
    assert facts["audio"] == master["audio"]
    if spec.timecode:
        assert facts["timecode"] == "10:00:01:13"  # 10:00:00:00 + 38 frames at 25 fps
    if any(master["interlaced"]):
        # Every frame interlaced, the re-encoded ones too, with the same dominance.
        assert all(facts["interlaced"])
        assert facts["field_order"] == master["field_order"]
    if method == "copy":
        assert result.reencoded_frames == 0
    if method == "smart":  # whole GOPs copied, only the edges re-encoded
        assert 0 < result.reencoded_frames < END - FIRST


@pytest.mark.parametrize("family", ["prores-mov", "dnxhr-mxf", "xavc-mov", "xdcam-mxf"])
def test_pcm_tracks_are_cut_to_the_sample(masters, tmp_path, family):
    source = masters[family]
    out = tmp_path / "clip.out"
    cut(source, out, first_frame=FIRST, end_frame=END, info=probe(source))
    first, last = FIRST * 48000 // 25, END * 48000 // 25
    for track in range(len(PCM_TRACKS)):
        assert _samples(out, track) == _samples(source, track)[first:last]


@pytest.mark.parametrize(
    ("name", "x264_params", "bframes"),
    [("non-idr keyframes", "open-gop=1", 0), ("open gop", "open-gop=1", 3), ("closed", "", 3)],
)
def test_keyframes_that_are_not_clean_starts_give_exact_clips_in_one_attempt(tmp_path, name, x264_params, bframes):
    source = tmp_path / "source.mp4"
    make_video(
        source,
        Spec(width=192, height=108, seconds=4, gop=25, bframes=bframes, preset="veryfast", x264_params=x264_params),
    )
    for first, end in [(38, 90), (50, 75), (10, 11)]:
        out = tmp_path / "clip.mp4"
        result = cut(source, out, first_frame=first, end_frame=end, info=probe(source))
        assert frame_numbers(out) == list(range(first, end))
        assert result.note == ""  # the guard passed the first render: no attempt thrown away


def test_h264_in_matroska_with_b_frames_gives_an_mp4_clip(tmp_path):
    source = tmp_path / "source.mkv"
    make_video(source, Spec(width=192, height=108, seconds=4, gop=25, bframes=3, container="matroska"))
    out = tmp_path / "clip.mp4"
    result = cut(source, out, first_frame=FIRST, end_frame=90, info=probe(source))
    assert (result.method, result.wrapper.format, result.note) == ("smart", "mp4", "")
    assert result.reencoded_frames < 25
    assert frame_numbers(out) == list(range(FIRST, 90))


def test_mp4_target_gives_h264_for_the_web(masters, tmp_path):
    source = masters["prores-mov"]
    out = tmp_path / "clip.mp4"
    result = cut(source, out, first_frame=FIRST, end_frame=END, info=probe(source), target="mp4")
    assert (result.method, result.wrapper.format) == ("reencode", "mp4")
    facts = _facts(out)
    assert (facts["codec"], facts["pix_fmt"], facts["wrapper"]) == ("h264", "yuv420p", "mov")
    assert [codec for codec, _, _ in facts["audio"]] == ["aac", "aac"]
    assert frame_numbers(out) == list(range(FIRST, END))


def test_the_guard_refuses_a_clip_that_is_not_what_was_asked(masters, tmp_path):
    source = masters["prores-mov"]
    out = tmp_path / "clip.mov"
    cut(source, out, first_frame=FIRST, end_frame=END, info=probe(source))
    check(str(out), frames=END - FIRST, fps=Fraction(25))
    with pytest.raises(GuardFailed, match="frames where"):
        check(str(out), frames=END - FIRST + 1, fps=Fraction(25))
    # A frame lost on the way (here: dropped from a ProRes copy) is a gap.
    gap = tmp_path / "gap.mov"
    with av.open(str(source)) as container, av.open(str(gap), "w", format="mov") as output:
        video = container.streams.video[0]
        stream = output.add_stream_from_template(video)
        packets = [packet for packet in container.demux(video) if packet.size][:23]
        for index, packet in enumerate(packets):
            if index != 10:
                packet.stream = stream
                output.mux(packet)
    with pytest.raises(GuardFailed, match="gap"):
        check(str(gap), frames=22, fps=Fraction(25))
