import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_page_in_both_languages(live_server, page):
    page.goto(f"{live_server.url}/en/")
    assert page.locator("h1").first.inner_text() == "Official news and broadcast-quality video"
    page.get_by_role("link", name="FR").click()
    page.wait_for_url("**/fr/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("link", name="Actualités").is_visible()
