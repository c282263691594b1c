"""Finding 13 of the security review: the 404 page's language switcher
linked off-site for a path such as ``//evil.example/fr/``."""

import re
from urllib.parse import urljoin, urlsplit

import pytest

pytestmark = pytest.mark.django_db


def _switcher_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    return re.findall(r'href="([^"]*)"', nav)


@pytest.mark.parametrize(
    "path", ["//evil.example/fr/", "/\\evil.example/fr/", "//evil.example/en/news/", "///evil.example/"]
)
def test_language_links_on_a_404_stay_on_the_site(client, path):
    # PATH_INFO as a server hands it over (the test client would read the
    # leading "//" as a host name).
    response = client.get("/", PATH_INFO=path)
    assert response.status_code == 404
    links = _switcher_links(response.content.decode())
    assert links
    for link in links:
        assert link.startswith("/") and not link.startswith(("//", "/\\")), link
        assert "evil.example" not in urlsplit(urljoin("https://portal.example/", link)).netloc


def test_language_links_still_point_to_the_same_page(client):
    links = _switcher_links(client.get("/en/news/").content.decode())
    assert "/fr/news/" in links or any(link.startswith("/fr/") and link != "/fr/" for link in links), links
