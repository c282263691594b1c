"""Ingest of the masters newsrooms really send (broadcast MXF/MOV, phone
footage, off-air recordings): each ends ready, with what it holds recorded,
and a web version that plays upright, progressive, every frame in order."""

from fractions import Fraction

import av
import pytest
from django.core.files import File

from downloads import services
from downloads.media.synth import Spec, frame_times, make_video, read_frame_number_fast
from downloads.models import Rendition, Video

PCM24_MONO = {"audio_codec": "pcm_s24le", "sample_format": "s32", "audio_layout": "mono"}
SMALL = {"width": 320, "height": 180, "seconds": 1.0}

FORMS = {
    # XDCAM HD422's layout, small: MPEG-2 4:2:2 interlaced TFF, long GOP,
    # MXF OP1a, four mono 24-bit tracks, timecode.
    "xdcam.mxf": Spec(
        **SMALL,
        video_codec="mpeg2video",
        pix_fmt="yuv422p",
        container="mxf",
        gop=12,
        bframes=2,
        interlaced=True,
        bit_rate=8_000_000,
        codec_options=(("profile", "0"),),
        audio_tracks=4,
        tone_per_track=True,
        timecode="10:00:00:00",
        **PCM24_MONO,
    ),
    "prores.mov": Spec(
        **SMALL,
        video_codec="prores_ks",
        pix_fmt="yuv422p10le",
        container="mov",
        codec_options=(("profile", "3"),),
        audio_tracks=2,
        timecode="01:02:03:04",
        **PCM24_MONO,
    ),
    # OP-Atom holds one essence per file; DNxHD only has fixed sizes and rates.
    "dnxhd-opatom.mxf": Spec(
        width=1280,
        height=720,
        seconds=0.2,
        video_codec="dnxhd",
        pix_fmt="yuv422p",
        container="mxf_opatom",
        audio_codec=None,
        bit_rate=90_000_000,
    ),
    # DNxHR (any size) in a multi-mono MOV: eight 16-bit tracks.
    "dnxhr.mov": Spec(
        **SMALL,
        video_codec="dnxhd",
        pix_fmt="yuv422p",
        container="mov",
        codec_options=(("profile", "dnxhr_sq"),),
        audio_codec="pcm_s16le",
        audio_layout="mono",
        audio_tracks=8,
    ),
    "avc-422-10bit-interlaced.mov": Spec(
        **SMALL, pix_fmt="yuv422p10le", container="mov", interlaced=True, audio_tracks=2, **PCM24_MONO
    ),
    "hevc.mp4": Spec(**SMALL, video_codec="libx265"),
    "phone.mp4": Spec(**SMALL, fps=Fraction(30), vfr=True, rotation=-90),
    "recording.ts": Spec(**SMALL, container="mpegts", audio_codec="mp2", start_offset=10 * 3600.0),
    "mpeg2-ac3.ts": Spec(
        **SMALL, video_codec="mpeg2video", container="mpegts", audio_codec="ac3", start_offset=5 * 3600.0, bframes=2
    ),
    "h264.mkv": Spec(**SMALL, container="matroska", bframes=2),
    "mpeg4.mkv": Spec(**SMALL, video_codec="mpeg4", container="matroska"),
}

# What the probe must find: (codec, pix_fmt, bit depth, chroma, field order), audio tracks, timecode.
EXPECTED = {
    "xdcam.mxf": (("mpeg2video", "yuv422p", 8, "4:2:2", "tt"), [("pcm_s24le", 1, 24)] * 4, "10:00:00:00"),
    "prores.mov": (("prores", "yuv422p10le", 10, "4:2:2", "progressive"), [("pcm_s24le", 1, 24)] * 2, "01:02:03:04"),
    # FFmpeg's MXF muxer always writes a material package timecode.
    "dnxhd-opatom.mxf": (("dnxhd", "yuv422p", 8, "4:2:2", "progressive"), [], "00:00:00:00"),
    # MOV states field order only in a 'fiel' atom, which FFmpeg writes for interlaced pictures.
    "dnxhr.mov": (("dnxhd", "yuv422p", 8, "4:2:2", ""), [("pcm_s16le", 1, 16)] * 8, ""),
    "avc-422-10bit-interlaced.mov": (("h264", "yuv422p10le", 10, "4:2:2", "tt"), [("pcm_s24le", 1, 24)] * 2, ""),
    "hevc.mp4": (("hevc", "yuv420p", 8, "4:2:0", ""), [("aac", 2, None)], ""),
    "phone.mp4": (("h264", "yuv420p", 8, "4:2:0", "progressive"), [("aac", 2, None)], ""),
    "recording.ts": (("h264", "yuv420p", 8, "4:2:0", "progressive"), [("mp2", 2, None)], ""),
    "mpeg2-ac3.ts": (("mpeg2video", "yuv420p", 8, "4:2:0", "progressive"), [("ac3", 2, None)], ""),
    "h264.mkv": (("h264", "yuv420p", 8, "4:2:0", "progressive"), [("aac", 2, None)], ""),
    "mpeg4.mkv": (("mpeg4", "yuv420p", 8, "4:2:0", ""), [("aac", 2, None)], ""),
}


@pytest.fixture(scope="session")
def masters(tmp_path_factory):
    folder = tmp_path_factory.mktemp("masters")
    paths = {}
    for name, spec in FORMS.items():
        paths[name] = folder / name
        make_video(paths[name], spec)
    return paths


@pytest.fixture
def ingest(db, django_capture_on_commit_callbacks):
    def run(path) -> Video:
        with path.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
            video = services.video_create(title=path.name, master=File(handle, name=path.name), publish=True)
        video.refresh_from_db()
        return video

    return run


def _web_frames(rendition: Rendition):
    with rendition.file.open("rb") as handle, av.open(handle) as container:
        stream = container.streams.video[0]
        for frame in container.decode(stream):
            yield frame, float(frame.pts * stream.time_base)


@pytest.mark.parametrize("name", list(FORMS))
def test_every_master_form_is_ingested_with_its_facts_and_a_web_version_that_plays(masters, ingest, name):
    spec = FORMS[name]
    video = ingest(masters[name])
    assert video.status == Video.Status.READY, video.failure_reason
    master = video.renditions.get(kind=Rendition.Kind.MASTER)
    picture, audio, timecode = EXPECTED[name]
    assert (master.video_codec, master.pix_fmt, master.bit_depth, master.chroma, master.field_order) == picture
    assert [(t["codec"], t["channels"], t["bit_depth"]) for t in master.audio_tracks] == audio
    assert all(t["sample_rate"] == 48000 for t in master.audio_tracks)
    assert master.timecode == timecode
    assert master.start_time == pytest.approx(spec.start_offset, abs=0.002)
    assert master.frame_count == len(frame_times(spec))

    web = video.renditions.get(kind=Rendition.Kind.WEB)
    assert (web.container, web.video_codec, web.pix_fmt) == ("mov", "h264", "yuv420p")
    assert web.field_order == "progressive" and web.rotation == 0 and web.start_time == 0
    assert web.height <= 720 and web.width <= 1280
    assert web.duration == pytest.approx(master.duration, abs=0.05)
    # One stereo AAC listening track whenever the master has sound.
    assert [(t["codec"], t["channels"]) for t in web.audio_tracks] == ([("aac", 2)] if audio else [])
    numbers, flagged = [], 0
    for frame, _ in _web_frames(web):
        numbers.append(read_frame_number_fast(frame))
        flagged += frame.interlaced_frame
    # Every source frame, once, in order, upright (the frame number reads
    # only the right way up), and none flagged interlaced.
    assert numbers == list(range(master.frame_count))
    assert flagged == 0


def test_a_rotated_phone_video_plays_upright_with_its_own_frame_times(masters, ingest):
    spec = FORMS["phone.mp4"]
    video = ingest(masters["phone.mp4"])
    master = video.renditions.get(kind=Rendition.Kind.MASTER)
    assert master.rotation == -90 and master.vfr
    assert master.frame_times == pytest.approx([float(t) for t in frame_times(spec)], abs=1e-4)
    # Shown portrait: the video's size is the displayed one.
    assert (video.width, video.height) == (180, 320)
    web = video.renditions.get(kind=Rendition.Kind.WEB)
    assert (web.width, web.height) == (180, 320) and web.vfr
    times = [when for _, when in _web_frames(web)]
    # Not forced onto a 1/30 s grid: each frame at its own time.
    assert times == pytest.approx([float(t) for t in frame_times(spec)], abs=0.002)


def test_interlaced_masters_are_deinterlaced_for_the_web_but_kept_as_they_are(masters, ingest):
    video = ingest(masters["xdcam.mxf"])
    master = video.renditions.get(kind=Rendition.Kind.MASTER)
    with master.file.open("rb") as handle, av.open(handle) as container:
        assert all(frame.interlaced_frame for frame in container.decode(video=0))
    web = video.renditions.get(kind=Rendition.Kind.WEB)
    assert not any(frame.interlaced_frame for frame, _ in _web_frames(web))
    with web.file.open("rb") as handle, av.open(handle) as container:
        assert container.streams.video[0].codec_context.field_order in (0, 1)  # unknown or progressive


def _dominant_pitch(samples) -> float:
    rising = sum(1 for a, b in zip(samples, samples[1:], strict=False) if a < 0 <= b)
    return rising * 48000 / len(samples)


def test_mono_tracks_become_a_stereo_listening_track_left_first_right_second(masters, ingest):
    import array

    video = ingest(masters["xdcam.mxf"])  # track k carries 440·(k+1) Hz
    web = video.renditions.get(kind=Rendition.Kind.WEB)
    channels = [array.array("f"), array.array("f")]
    with web.file.open("rb") as handle, av.open(handle) as container:
        for frame in container.decode(audio=0):
            assert frame.format.name == "fltp" and frame.layout.name == "stereo"
            for channel, plane in zip(channels, frame.planes, strict=False):
                channel.frombytes(bytes(plane)[: frame.samples * 4])
    left, right = (channel[4800:43200] for channel in channels)  # past the silent gap of each second
    assert _dominant_pitch(left) == pytest.approx(440, rel=0.02)
    assert _dominant_pitch(right) == pytest.approx(880, rel=0.02)
    assert len(channels[0]) == pytest.approx(48000, abs=1024)  # one second, in sync from the start
