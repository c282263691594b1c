"""Frame-exactness, audio sync and MP4 validity of rendered clips."""

import random
from fractions import Fraction

import av
import pytest

from downloads.media.cut import CutError, cut, frame_range
from downloads.media.probe import probe

from .inspection import audio_samples, first_gap, frame_numbers, stream_duration, top_level_boxes

FPS = 25


def _cut(media_files, tmp_path, first, last, source="bframes", method="auto", target="master"):
    src = media_files[source]
    out = tmp_path / "clip.mp4"
    result = cut(src, out, first_frame=first, end_frame=last, info=probe(src), method=method, target=target)
    return result, out


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (0, 150),  # the whole file
        (25, 50),  # exactly one GOP, keyframe to keyframe
        (38, 115),  # in and out between keyframes
        (26, 40),  # inside one GOP
        (49, 51),  # across a keyframe, two frames
        (3, 4),  # a single frame
        (74, 150),  # to the very end
    ],
)
def test_smart_cut_holds_exactly_the_requested_frames(media_files, tmp_path, first, last):
    result, out = _cut(media_files, tmp_path, first, last)
    # Whole GOPs alone need no re-encoding: then the clip is a pure copy; a
    # range inside one GOP is all re-encoded; the rest mixes both.
    expected = {0: "copy", last - first: "reencode"}.get(result.reencoded_frames, "smart")
    assert result.method == expected
    assert (first, last) not in [(0, 150), (25, 50), (74, 150)] or result.reencoded_frames <= 1
    assert result.note == ""
    assert frame_numbers(out) == list(range(first, last))
    assert result.frames == last - first


def test_smart_cut_is_exact_for_random_ranges(media_files, tmp_path):
    rng = random.Random(20261126)
    for _ in range(12):
        first = rng.randrange(0, 149)
        last = rng.randrange(first + 1, 151)
        result, out = _cut(media_files, tmp_path, first, last)
        assert frame_numbers(out) == list(range(first, last)), (first, last)


def test_smart_cut_copies_whole_gops_and_reencodes_only_the_edges(media_files, tmp_path):
    result, _ = _cut(media_files, tmp_path, 38, 115)
    # Head 38..49 must be re-encoded (12 frames); GOPs 50..99 are copied; at
    # most a few frames before the out point need re-encoding.
    assert 12 <= result.reencoded_frames <= 12 + 4
    assert result.reencoded_frames < (115 - 38) / 3


def test_reencode_path_is_exact_too(media_files, tmp_path):
    result, out = _cut(media_files, tmp_path, 38, 115, method="reencode")
    assert result.method == "reencode"
    assert frame_numbers(out) == list(range(38, 115))


def test_sources_that_cannot_be_copied_fall_back_to_reencoding(media_files, tmp_path):
    result, out = _cut(media_files, tmp_path, 13, 60, source="mkv", target="mp4")
    assert result.method == "reencode"
    assert frame_numbers(out) == list(range(13, 60))


@pytest.mark.parametrize("method", ["smart", "reencode"])
def test_audio_starts_at_the_in_point_and_lasts_as_long_as_the_clip(media_files, tmp_path, method):
    # The synthetic tone pauses at every whole second: in a clip from 1.52 s,
    # the first pause must come 0.48 s in.
    result, out = _cut(media_files, tmp_path, 38, 115, method=method)
    gap = first_gap(audio_samples(out))
    assert gap == pytest.approx(0.48, abs=0.002)
    assert stream_duration(out, "audio") == pytest.approx((115 - 38) / FPS, abs=0.025)
    assert stream_duration(out, "video") == pytest.approx((115 - 38) / FPS, abs=1 / FPS)


def test_clips_are_faststart_mp4(media_files, tmp_path):
    _, out = _cut(media_files, tmp_path, 38, 115)
    boxes = top_level_boxes(out)
    assert boxes[0] == "ftyp"
    assert boxes.index("moov") < boxes.index("mdat")


def test_a_range_without_frames_is_refused(media_files, tmp_path):
    with pytest.raises(CutError):
        _cut(media_files, tmp_path, 40, 40)


def test_points_between_frames_take_the_frames_whose_timestamps_fall_inside():
    # 1.53 s lies inside frame 38 (1.52-1.56): the first frame at or after it
    # is 39. 4.59 s lies inside frame 114: frames up to 114 start before it.
    assert frame_range(Fraction(FPS), Fraction("1.53"), Fraction("4.59")) == (39, 115)
    assert frame_range(Fraction(FPS), 0, Fraction(4, FPS)) == (0, 4)


def _source(tmp_path, **spec):
    from downloads.media.synth import Spec, make_video

    path = tmp_path / "source.mp4"
    make_video(
        path, Spec(**{"width": 320, "height": 180, "seconds": 4, "gop": 25, "bframes": 3, "preset": "veryfast", **spec})
    )
    return path


def test_ntsc_frame_rate_is_cut_exactly(tmp_path):
    fps = Fraction(30000, 1001)
    src = _source(tmp_path, fps=fps, gop=30)
    info = probe(src)
    assert info.fps == fps
    for first, last in [(17, 95), (30, 60), (1, 2), (44, 119)]:
        out = tmp_path / "clip.mp4"
        result = cut(src, out, first_frame=first, end_frame=last, info=info)
        assert result.note == ""  # exact at the first attempt, whatever the way
        assert frame_numbers(out) == list(range(first, last))


def test_open_gop_sources_are_still_cut_exactly(tmp_path):
    # With open GOPs, frames after a keyframe may depend on the GOP before it:
    # copying from that keyframe would break them, so the cut must not.
    src = _source(tmp_path, x264_params="open-gop=1")
    info = probe(src)
    out = tmp_path / "clip.mp4"
    result = cut(src, out, first_frame=38, end_frame=90, info=info)
    assert frame_numbers(out) == list(range(38, 90))
    # Its keyframes are not IDR pictures, where no copy may start after
    # re-encoded frames: detected as the walk goes, with no attempt thrown away.
    assert result.note == ""


@pytest.mark.parametrize(
    ("container", "codec", "target", "kept"),
    [
        ("mp4", "aac", "master", "aac"),
        ("mov", "pcm_s16le", "master", "pcm_s16le"),
        ("mov", "pcm_s16le", "mp4", "aac"),
    ],
)
def test_every_audio_track_is_kept_in_sync(tmp_path, container, codec, target, kept):
    from downloads.media.synth import Spec, make_video

    src = tmp_path / f"two-tracks.{container}"
    make_video(
        src,
        Spec(
            width=320,
            height=180,
            seconds=4,
            gop=25,
            bframes=2,
            preset="veryfast",
            container=container,
            audio_codec=codec,
            audio_tracks=2,
        ),
    )
    out = tmp_path / "clip.mp4"
    result = cut(src, out, first_frame=38, end_frame=90, info=probe(src), target=target)
    assert result.method == "smart"
    with av.open(str(out)) as clip:
        assert [stream.codec_context.name for stream in clip.streams.audio] == [kept, kept]
    for track in (0, 1):
        assert first_gap(audio_samples(out, track=track)) == pytest.approx(0.48, abs=0.002)


@pytest.mark.parametrize(("container", "extension"), [("mpegts", "ts"), ("matroska", "mkv")])
def test_h264_in_other_containers_is_cut_exactly_with_audio_in_sync(tmp_path, container, extension):
    # MPEG-TS seeks land after the asked time and start at 0.08 s; Matroska
    # has no decode times: both must still give exactly the asked frames.
    from downloads.media.synth import Spec, make_video

    src = tmp_path / f"master.{extension}"
    make_video(src, Spec(width=320, height=180, seconds=4, gop=25, bframes=2, preset="veryfast", container=container))
    info = probe(src)
    out = tmp_path / "clip.mp4"
    cut(src, out, first_frame=38, end_frame=90, info=info)
    assert frame_numbers(out) == list(range(38, 90))
    assert first_gap(audio_samples(out)) == pytest.approx(0.48, abs=0.002)
