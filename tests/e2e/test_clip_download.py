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


def test_each_request_is_its_own_row_and_keeps_its_own_file(
    celery_worker, video, journalist_cookie, live_server, page, tmp_path
):
    page.context.add_cookies([journalist_cookie])
    page.goto(f"{live_server.url}/en/videos/{video.slug}/")
    page.wait_for_function("() => document.getElementById('player').readyState >= 1")

    _seek(page, 1.53)  # inside frame 38
    page.locator("#player").focus()
    page.keyboard.press("i")
    _seek(page, 4.57)  # inside frame 114, the last frame we want
    page.get_by_role("button", name="Set out").click()
    assert page.locator("#clip-in").input_value() == "00:00:01:13"
    assert page.locator("#clip-out").input_value() == "00:00:04:14"
    assert page.locator("#clip-length").inner_text() == "00:00:03:02"

    page.get_by_role("button", name="Download clip").click()
    first = page.locator(".clip-item").first
    # Focus moves to the new row's status; the request is announced.
    page.wait_for_function("() => document.activeElement.classList.contains('clip-status')")
    assert "Clip requested: Summit arrivals 00:00:01:13–00:00:04:14" in page.locator("#clip-message").inner_text()
    link = first.get_by_role("link", name="Save the clip file – Summit arrivals 00:00:01:13–00:00:04:14")
    link.wait_for(state="visible", timeout=30_000)
    page.wait_for_function("() => document.getElementById('clip-message').textContent.startsWith('Clip ready:')")
    assert "Expires" in first.inner_text()

    # A new selection never changes the finished row (it used to download the old range).
    page.locator("#clip-in").fill("00:00:02:00")
    page.locator("#clip-out").fill("00:00:02:24")
    page.locator("#clip-format").select_option("mp4")
    page.locator("#clip-name").fill("Handshake")
    page.get_by_role("button", name="Download clip").click()
    page.locator(".clip-item").nth(1).wait_for()
    page.get_by_role("link", name="Save the clip file – Handshake").wait_for(timeout=30_000)

    # Both survive a reload, newest first, each with its range, format and file.
    page.reload()
    rows = page.locator(".clip-item")
    rows.nth(1).wait_for()
    assert rows.count() == 2
    assert "00:00:02:00 – 00:00:02:24" in rows.nth(0).inner_text() and "MP4" in rows.nth(0).inner_text()
    assert "00:00:01:13 – 00:00:04:14" in rows.nth(1).inner_text()
    assert rows.nth(0).locator("input").input_value() == "Handshake"
    with page.expect_download() as download_info:
        rows.nth(1).get_by_role("link").click()
    path = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(path)
    assert path.name == f"{video.slug}-000001_520-000004_600.mp4"
    assert frame_numbers(path) == list(range(38, 115))

    # "My clips", from the header, lists both with their expiry date.
    page.get_by_role("navigation", name="Account").get_by_role("link", name="My clips").click()
    table = page.locator("table.history")
    assert "Handshake" in table.inner_text() and "00:00:01:13 – 00:00:04:14" in table.inner_text()
    assert table.inner_text().count("Expires") == 2


def test_typed_timecodes_are_checked_before_sending(video, journalist_cookie, live_server, page):
    page.context.add_cookies([journalist_cookie])
    page.goto(f"{live_server.url}/fr/videos/{video.slug}/")
    page.wait_for_function("() => document.getElementById('player').readyState >= 1")
    page.locator("#clip-in").fill("00:00:04:00")
    page.locator("#clip-out").fill("00:00:02:00")
    assert page.locator("#clip-out-error").inner_text() == "Le point de sortie doit venir après le point d’entrée."
    assert page.get_by_role("button", name="Télécharger l’extrait").is_disabled()
    page.locator("#clip-out").fill("00:00:04.5")
    assert page.locator("#clip-out-error").inner_text().startswith("Tapez un timecode")
    page.locator("#clip-out").fill("00:00:05:10")
    assert page.locator("#clip-length").inner_text() == "00:00:01:11"  # frames 100 to 135
    assert page.get_by_role("button", name="Télécharger l’extrait").is_enabled()
