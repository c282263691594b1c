"""Staff publish an article in the admin; it appears on the site in both languages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.newsroom.factories import staff_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Editor-Pass-2026!"


def _add_article(page, base, *, language, title, standfirst, translation_of=None):
    page.goto(f"{base}/admin/newsroom/article/add/")
    page.select_option("#id_language", language)
    if translation_of:
        page.click("#id_translation_of + .select2 .select2-selection")
        page.fill(".select2-search--dropdown .select2-search__field", translation_of[:12])
        page.locator(".select2-results__option--highlighted", has_text=translation_of).wait_for()
        page.keyboard.press("Enter")
    page.fill("#id_title", title)  # the slug is filled in as staff type
    page.fill("#id_standfirst", standfirst)
    page.get_by_role("button", name="HTML").click()  # the editor's source view: hostile HTML typed as is
    page.fill("#id_body", f"<p>{standfirst}</p><script>alert('x')</script>")
    page.select_option("#id_status", "published")
    yesterday = timezone.localtime() - timedelta(days=1)
    page.fill("#id_published_at_0", yesterday.strftime("%Y-%m-%d"))
    page.fill("#id_published_at_1", "09:30:00")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")


@pytest.fixture
def editor(transactional_db):
    # Made before Playwright starts: its greenlets would give this thread a
    # second database connection that the test database teardown cannot see.
    return staff_user("editor@example.org", "Editors", password=PASSWORD)


def test_staff_publish_an_article_that_appears_in_both_languages(editor, live_server, page):
    base = live_server.url

    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", editor.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")

    _add_article(
        page,
        base,
        language="en",
        title="Ministers agree on river data",
        standfirst="Twenty-four countries will share readings in real time.",
    )
    _add_article(
        page,
        base,
        language="fr",
        title="Accord des ministres sur les données fluviales",
        standfirst="Vingt-quatre pays partageront leurs relevés en temps réel.",
        translation_of="Ministers agree on river data",
    )

    page.goto(f"{base}/en/news/")
    page.get_by_role("link", name="Ministers agree on river data").click()
    page.wait_for_url("**/en/news/ministers-agree-on-river-data/")
    assert page.locator("h1").inner_text() == "Ministers agree on river data"
    assert page.locator("script", has_text="alert").count() == 0

    page.get_by_role("link", name="Lire cet article en français").click()
    page.wait_for_url("**/fr/news/accord-des-ministres-sur-les-donnees-fluviales/")
    assert page.locator("h1").inner_text() == "Accord des ministres sur les données fluviales"
    page.goto(f"{base}/fr/")
    assert page.get_by_role("link", name="Accord des ministres sur les données fluviales").is_visible()
