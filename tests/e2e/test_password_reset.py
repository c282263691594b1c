"""In Chromium: forgot the password on a video page, reset it with the newest
e-mailed code (real Celery worker, real SMTP server), get back to the video
and log in."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from downloads.models import Video
from tests.accounts.conftest import code_in
from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.worker]

NEW_PASSWORD = "Fjord-Lantern-93!"


@pytest.fixture
def scene(celery_worker):
    """The user and the video page they start from. Made before ``page``: see
    tests/e2e/conftest.py."""
    user = UserFactory(full_name="Sam Okafor")
    video = Video.objects.create(
        title="Summit opening",
        slug="summit-opening",
        is_published=True,
        status=Video.Status.READY,
        published_at=timezone.now(),
    )
    return user, video


def test_forgot_password_from_a_video_page(scene, smtp_server, live_server, page, settings):
    settings.PASSWORD_RESET_CODE_RESEND_WAIT = 2
    user, video = scene
    video_url = f"{live_server.url}/en/videos/{video.slug}/"

    page.goto(video_url)
    page.get_by_role("link", name="Log in", exact=True).click()
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill(user.email)
    page.get_by_role("button", name="Send me a code").click()
    page.wait_for_url(re.compile(r"/en/accounts/password/reset/confirm/"))
    first_code = code_in(smtp_server.wait_for(1)[0])

    # "Send a new code" unlocks when the visible countdown ends.
    resend = page.get_by_role("button", name="Send a new code")
    assert resend.is_disabled()
    assert page.locator(".resend-wait").is_visible()
    expect(resend).to_be_enabled(timeout=5_000)
    expect(page.locator(".resend-wait")).to_be_hidden()
    resend.click()
    page.get_by_text("A new code is on its way").wait_for()
    newest_code = code_in(smtp_server.wait_for(2)[1])
    assert newest_code != first_code

    page.get_by_label("Code").fill(newest_code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/en/accounts/password/reset/complete/"))

    # The checklist ticks rules as the person types (the server still decides).
    password = page.locator("#id_password1")
    password.press_sequentially("abc")
    assert "met" in page.locator('li[data-rule="lower"]').get_attribute("class")
    assert "unmet" in page.locator('li[data-rule="symbol"]').get_attribute("class")
    password.fill(NEW_PASSWORD)
    password.dispatch_event("input")
    assert page.locator(".password-rules li.met").count() == 6
    page.locator("#id_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save my new password").click()

    page.get_by_role("heading", name="Your password has been changed").wait_for()
    assert page.get_by_role("link", name="Sam").count() == 0, "not logged in after a reset"
    page.get_by_role("link", name="Back to the page you were on").click()
    page.wait_for_url(video_url)

    page.get_by_role("link", name="Log in", exact=True).click()
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(video_url)
    assert page.get_by_role("link", name="Sam").is_visible()
