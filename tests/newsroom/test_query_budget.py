"""Each public page runs a fixed number of queries, however many items it lists."""

from datetime import UTC, datetime

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom.services import article_renditions_make

from .factories import ArticleFactory, TopicFactory, VideoFactory, jpeg_bytes

pytestmark = pytest.mark.django_db

PUBLISHED_AT = datetime(2026, 11, 10, 12, tzinfo=UTC)
# The sites framework's Site is fetched once per request here (the suite
# clears its cache between tests; a server process keeps it): it counts as one.
PAGES = {
    "/en/": 3,  # articles, their topics, their renditions (+ videos below)
    "/en/news/": 6,  # count, page, topics, renditions, topic filter list, months
    "/en/news/?q=river&topic=water&month=2026-11": 7,  # + the topic of the filter
    "/en/news/item-0/": 5,  # article, topics, renditions, related videos, translation
    # Feeds and sitemap, uncached: + when the next scheduled item goes public (the cache's expiry).
    "/en/news/feed/rss/": 5,  # site, articles, topics, renditions, next publication
    "/en/news/topics/water/feed/atom/": 6,  # + the topic
    "/sitemap.xml": 5,  # site, article count, articles, videos, next publication
}


def _content(count: int) -> None:
    topics = [TopicFactory(slug=slug) for slug in ("water", "climate", "health")]
    videos = VideoFactory.create_batch(count)
    image = jpeg_bytes(1000, 500)
    for n in range(count):
        article = ArticleFactory(slug=f"item-{n}", title=f"River story {n}", published_at=PUBLISHED_AT)
        article.topics.add(*topics)
        article.related_videos.add(*videos)
        if n < 3:  # renditions cost the same however many there are
            article.hero_image.save("hero.jpg", ContentFile(image))
            article_renditions_make(article=article)
        ArticleFactory(language="fr", slug=f"item-{n}-fr", translation_of=article, published_at=PUBLISHED_AT)


@pytest.mark.parametrize(("path", "queries"), PAGES.items())
def test_page_query_count_does_not_grow_with_the_number_of_items(client, path, queries):
    # The home page also lists videos: one more query.
    expected = queries + (1 if path == "/en/" else 0)
    _content(40)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    assert len(captured) == expected, "\n".join(q["sql"][:160] for q in captured.captured_queries)
    assert b"River story" in response.content or path == "/sitemap.xml"
