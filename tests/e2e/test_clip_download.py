"""A journalist marks in and out points on the player, watches the progress
bar while a real Celery worker renders, and downloads exactly that clip."""

import time

import pytest

from downloads.models import Video
from tests.downloads.inspection import frame_numbers

pytestmark = [pytest.mark.e2e, pytest.mark.worker]


@pytest.fixture
def video(make_video_row):
    """A processed video (ingest may run on the worker: wait for it)."""
    video = make_video_row("bframes", title="Summit arrivals")
    deadline = time.monotonic() + 30
    while video.status == Video.Status.PROCESSING and time.monotonic() < deadline:
        time.sleep(0.2)
        video.refresh_from_db()
    assert video.status == Video.Status.READY
    return video


def _seek(page, seconds):
    page.evaluate(
        """(t) => new Promise((done) => {
            const player = document.getElementById('player');
            player.addEventListener('seeked', () => done(), { once: true });
            player.currentTime = t;
        })""",
        seconds,
    )


def test_set_in_and_out_then_download_the_clip(celery_worker, video, journalist_cookie, live_server, page, tmp_path):
    page.context.add_cookies([journalist_cookie])
    page.goto(f"{live_server.url}/en/videos/{video.slug}/")
    page.wait_for_function("document.getElementById('player').readyState >= 1")

    _seek(page, 1.53)  # inside frame 38
    page.keyboard.press("i")
    _seek(page, 4.57)  # inside frame 114, the last frame we want
    page.get_by_role("button", name="Set out").click()
    assert page.locator("input[name=in]").input_value() == "00:00:01.520"
    assert page.locator("input[name=out]").input_value() == "00:00:04.600"
    assert page.locator("output[name=length]").inner_text() == "00:00:03.080"

    page.get_by_role("button", name="Download clip").click()
    page.locator(".clip-job progress").wait_for(state="visible")
    link = page.get_by_role("link", name="Save the clip file")
    link.wait_for(state="visible", timeout=30_000)
    assert page.locator(".clip-job progress").get_attribute("value") == "100"
    assert "copying the original frames" in page.locator(".clip-method").inner_text()

    # The clip plays to the end in Chromium's own decoder, without an error.
    played = page.evaluate(
        """(url) => new Promise((done) => {
            const clip = document.createElement('video');
            clip.muted = true;
            clip.onended = () => done({ended: true, duration: clip.duration, frames: clip.getVideoPlaybackQuality().totalVideoFrames});
            clip.onerror = () => done({error: clip.error && clip.error.message});
            clip.src = url;
            document.body.appendChild(clip);
            clip.play();
        })""",
        link.get_attribute("href"),
    )
    assert played.get("ended"), played
    assert abs(played["duration"] - 3.08) < 0.03
    assert played["frames"] >= 70  # headless Chromium may drop a few while playing

    with page.expect_download() as download_info:
        link.click()
    path = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(path)
    assert path.name == f"{video.slug}-000001_520-000004_600.mp4"
    assert frame_numbers(path) == list(range(38, 115))


def test_typed_timecodes_are_checked_before_sending(video, journalist_cookie, live_server, page):
    page.context.add_cookies([journalist_cookie])
    page.goto(f"{live_server.url}/fr/videos/{video.slug}/")
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    page.locator("input[name=in]").fill("00:00:04.000")
    page.locator("input[name=out]").fill("00:00:02.000")
    assert page.locator("#clip-message").inner_text() == "Le point de sortie doit venir après le point d’entrée."
    assert page.get_by_role("button", name="Télécharger l’extrait").is_disabled()
    page.locator("input[name=out]").fill("00:00:05:10")
    assert page.locator("output[name=length]").inner_text() == "00:00:01.400"
    assert page.get_by_role("button", name="Télécharger l’extrait").is_enabled()
