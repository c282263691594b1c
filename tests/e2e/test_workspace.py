"""The clip workspace in Chromium: frame-exact keys that act only while focus is
in the workspace, timecodes, the timeline, the shot list, a preview that stops
on the out frame (read from the framecoded pictures), and axe-core."""

from pathlib import Path

import pytest

from downloads.media.synth import BITS

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / ".cache/npm/node_modules/axe-core/axe.min.js"
FPS = 25


@pytest.fixture
def video(make_video_row):
    return make_video_row(
        "bframes",
        title="Summit arrivals",
        shot_list="00:00:00 Wide shot of the motorcade\n00:00:02:10 Handshake at the door\n00:00:04 Flags",
    )


def frame_on_screen(page) -> int:
    """The number drawn in the picture the player shows now (synth's blocks)."""
    return page.evaluate(
        """(bits) => {
            const v = document.getElementById('player');
            const c = document.createElement('canvas');
            c.width = v.videoWidth; c.height = v.videoHeight;
            const g = c.getContext('2d');
            g.drawImage(v, 0, 0);
            const block = Math.max(4, Math.floor(c.width / (bits + 4)));
            const left = Math.floor((c.width - block * bits) / 2);
            let n = 0;
            for (let b = 0; b < bits; b++) {
                const p = g.getImageData(left + b * block + Math.floor(block / 2), Math.floor(block / 2), 1, 1).data;
                n = n * 2 + ((p[0] + p[1] + p[2]) / 3 > 127 ? 1 : 0);
            }
            return n;
        }""",
        BITS,
    )


def frame_of_time(page) -> int:
    return page.evaluate(f"Math.floor(document.getElementById('player').currentTime * {FPS} + 1e-3)")


def settled(page):
    page.wait_for_function(
        "() => { const v = document.getElementById('player'); return !v.seeking && v.readyState >= 2; }"
    )


def test_keys_timecodes_timeline_shot_list_and_preview(video, journalist_cookie, live_server, page):
    page.context.add_cookies([journalist_cookie])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/en/videos/{video.slug}/")
    page.wait_for_function("() => document.getElementById('player').readyState >= 2")
    readout = page.locator("#timecode-now")
    # The clip controls are on screen without scrolling at 1280×900.
    box = page.get_by_role("button", name="Download clip").bounding_box()
    assert box["y"] + box["height"] <= 900

    # ← / → step one frame (pausing first), Shift one second; exact frame centres.
    page.locator("#player").focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    settled(page)
    assert page.evaluate("document.getElementById('player').currentTime") == pytest.approx(3.5 / FPS, abs=1e-6)
    assert readout.inner_text() == "00:00:00:03" and frame_on_screen(page) == 3
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("ArrowLeft")
    settled(page)
    assert frame_of_time(page) == 27 and readout.inner_text() == "00:00:01:02" and frame_on_screen(page) == 27

    # I and O mark the frame on screen; Shift+I goes back to the in point.
    page.keyboard.press("i")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("o")
    assert page.locator("#clip-in").input_value() == "00:00:01:02"
    assert page.locator("#clip-out").input_value() == "00:00:03:02"
    assert page.locator("#clip-length").inner_text() == "00:00:02:01"  # 51 frames, both ends included
    page.keyboard.press("Shift+i")
    settled(page)
    assert frame_of_time(page) == 27

    # L plays, K stops; Space toggles.
    page.keyboard.press("l")
    page.wait_for_function("() => !document.getElementById('player').paused")
    page.keyboard.press("k")
    assert page.evaluate("document.getElementById('player').paused")
    page.keyboard.press(" ")
    page.wait_for_function("() => !document.getElementById('player').paused")
    page.keyboard.press(" ")
    assert page.evaluate("document.getElementById('player').paused")
    # J shuttles backwards (the browser cannot play in reverse: the workspace steps back).
    start = page.evaluate("document.getElementById('player').currentTime")
    page.keyboard.press("j")
    page.wait_for_function(f"() => document.getElementById('player').currentTime < {start} - 0.1")
    page.keyboard.press("k")

    # Outside the workspace the same keys do nothing (WCAG 2.1.4).
    page.locator(".brand").focus()
    before = page.evaluate("document.getElementById('player').currentTime")
    for key in ["o", "i", "ArrowRight", "l"]:
        page.keyboard.press(key)
    assert page.evaluate("document.getElementById('player').currentTime") == before
    assert page.locator("#clip-out").input_value() == "00:00:03:02"
    assert page.evaluate("document.getElementById('player').paused")

    # The timeline: the handles sit on the marks; dragging the out handle moves it.
    timeline = page.locator("#timeline").bounding_box()
    handle_out = page.get_by_role("slider", name="Out point")
    assert handle_out.get_attribute("aria-valuetext") == "00:00:03:02"
    page.mouse.move(*_centre(handle_out.bounding_box()))
    page.mouse.down()
    page.mouse.move(timeline["x"] + timeline["width"] * 0.5 + 1, timeline["y"] + 10)
    page.mouse.up()
    assert page.locator("#clip-out").input_value() == "00:00:03:00"  # frame 75 of 150
    # Keyboard alone: the focused handle moves by a frame.
    handle_out.focus()
    page.keyboard.press("ArrowLeft")
    assert page.locator("#clip-out").input_value() == "00:00:02:24"
    assert handle_out.get_attribute("aria-valuetext") == "00:00:02:24"
    # The filmstrip shows the sprite sheet's tiles.
    assert page.locator(".filmstrip .tile").count() >= 4

    # Typed timecodes: errors tied to their field.
    page.locator("#clip-out").fill("00:00:00:10")
    out = page.locator("#clip-out")
    assert out.get_attribute("aria-invalid") == "true"
    assert page.locator(f"#{out.get_attribute('aria-describedby')}").inner_text() == (
        "The out point must come after the in point."
    )
    assert page.get_by_role("button", name="Download clip").is_disabled()
    page.locator("#clip-out").fill("00:00:01:20")
    assert out.get_attribute("aria-invalid") == "false"

    # Preview plays the selection and stops exactly on the out frame.
    page.get_by_role("button", name="Preview selection").click()
    page.wait_for_function("() => !document.getElementById('player').paused")
    page.wait_for_function("() => document.getElementById('player').paused", timeout=10_000)
    settled(page)
    assert frame_of_time(page) == 45 and frame_on_screen(page) == 45

    # The shot list: a line seeks; "use as clip" runs to the next line's start.
    page.get_by_role("button", name="00:00:02:10 Handshake at the door").click()
    settled(page)
    assert frame_on_screen(page) == 60 and readout.inner_text() == "00:00:02:10"
    page.get_by_role("button", name="Use as clip (00:00:02:10)").click()
    assert page.locator("#clip-in").input_value() == "00:00:02:10"
    assert page.locator("#clip-out").input_value() == "00:00:03:24"

    # axe-core finds nothing on the page.
    page.evaluate(AXE.read_text())  # through DevTools: the page's CSP allows no injected <script>
    violations = page.evaluate("axe.run(document).then(r => r.violations.map(v => v.id + ': ' + v.nodes.length))")
    assert violations == []


def _centre(box):
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
