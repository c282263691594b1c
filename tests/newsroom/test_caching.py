"""Sitemap and feeds come from the cache until something is published; every page advertises the feeds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom.models import Article

from .factories import ArticleFactory, VideoFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/sitemap.xml", "/en/news/feed/rss/", "/fr/news/feed/atom/"])
def test_cached_until_an_article_is_published(client, path, django_capture_on_commit_callbacks):
    ArticleFactory(language="fr" if path.startswith("/fr/") else "en", slug="first", title="First story")
    first = client.get(path)
    with CaptureQueriesContext(connection) as captured:
        again = client.get(path)
    assert again.content == first.content and len(captured) == 0
    assert again["Content-Type"] == first["Content-Type"]
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(language="fr" if path.startswith("/fr/") else "en", slug="second", title="Second story")
    assert b"second" in client.get(path).content.lower()


def test_unpublishing_through_the_service_also_refreshes_the_sitemap(client, django_capture_on_commit_callbacks):
    from newsroom.services import article_unpublish

    ArticleFactory(slug="gone-soon")
    assert b"/en/news/gone-soon/" in client.get("/sitemap.xml").content
    with django_capture_on_commit_callbacks(execute=True):
        article_unpublish(articles=Article.objects.filter(slug="gone-soon"), editor=None)
    assert b"/en/news/gone-soon/" not in client.get("/sitemap.xml").content


def test_a_published_video_shows_in_the_cached_sitemap(client, django_capture_on_commit_callbacks):
    client.get("/sitemap.xml")
    with django_capture_on_commit_callbacks(execute=True):
        VideoFactory(slug="fresh-footage")
    assert b"/videos/fresh-footage/" in client.get("/sitemap.xml").content


@pytest.mark.parametrize("path", ["/en/", "/fr/videos/", "/en/search/"])
def test_every_page_advertises_the_feeds(client, path):
    html = client.get(path).content.decode()
    prefix = path[:4]
    assert 'type="application/rss+xml" title="' in html and f'href="{prefix}news/feed/rss/"' in html
    assert f'href="{prefix}news/feed/atom/"' in html
