"""Clips the engine makes play to the end in Chromium's own decoder, where
the format is one a browser plays: smart cuts whose pieces switch parameter
sets, open GOPs, Matroska sources with B-frames, MP4 made from an edit master."""

import pytest

from downloads.media.cut import cut
from downloads.media.probe import probe
from downloads.media.synth import MasterSpec, Spec, make_master, make_video

SOURCES = {
    "closed gop": ("mp4", Spec(width=192, height=108, seconds=4, gop=25, bframes=3, preset="veryfast")),
    "open gop": (
        "mp4",
        Spec(width=192, height=108, seconds=4, gop=25, bframes=3, preset="veryfast", x264_params="open-gop=1"),
    ),
    "matroska": ("mkv", Spec(width=192, height=108, seconds=4, gop=25, bframes=3, container="matroska")),
}


def _play(page, data: bytes, content_type: str) -> dict:
    page.route("http://clips.test/clip", lambda route: route.fulfill(body=data, content_type=content_type))
    page.route(
        "http://clips.test/",
        lambda route: route.fulfill(body="<!doctype html><title>clip</title>", content_type="text/html"),
    )
    page.goto("http://clips.test/")
    return page.evaluate(
        """() => new Promise((done) => {
            const clip = document.createElement('video');
            clip.muted = true;
            clip.onended = () => done({ended: true, duration: clip.duration});
            clip.onerror = () => done({error: clip.error && clip.error.message});
            clip.src = 'http://clips.test/clip';
            document.body.appendChild(clip);
            clip.play();
        })"""
    )


@pytest.mark.parametrize("name", list(SOURCES))
def test_smart_cut_h264_clips_play_to_the_end(tmp_path, name, page):
    extension, spec = SOURCES[name]
    source = tmp_path / f"source.{extension}"
    make_video(source, spec)
    out = tmp_path / "clip.mp4"
    result = cut(source, out, first_frame=38, end_frame=90, info=probe(source))
    assert result.reencoded_frames < 52 or name == "open gop"
    played = _play(page, out.read_bytes(), "video/mp4")
    assert played.get("ended"), played
    assert abs(played["duration"] - 52 / 25) < 0.05


def test_an_mp4_clip_of_a_prores_master_plays(tmp_path, page):
    source = tmp_path / "master.mov"
    make_master(source, MasterSpec(codec="prores_ks", container="mov", frames=60))
    out = tmp_path / "clip.mp4"
    cut(source, out, first_frame=10, end_frame=45, info=probe(source), target="mp4")
    played = _play(page, out.read_bytes(), "video/mp4")
    assert played.get("ended"), played
    assert abs(played["duration"] - 35 / 25) < 0.05
