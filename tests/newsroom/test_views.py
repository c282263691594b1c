from datetime import timedelta

import pytest
from django.utils import timezone

from newsroom.models import Article

from .factories import ArticleFactory, TopicFactory, VideoFactory

pytestmark = pytest.mark.django_db


def test_home_lists_the_latest_articles_in_the_visitors_language_and_the_latest_videos(client):
    ArticleFactory(language="en", title="English news")
    ArticleFactory(language="fr", title="Nouvelle en français")
    VideoFactory(title="Summit footage")
    VideoFactory(title="Unpublished rushes", is_published=False)
    html = client.get("/fr/").content.decode()
    assert "Nouvelle en français" in html and "English news" not in html
    assert "Summit footage" in html and "Unpublished rushes" not in html


def test_drafts_and_scheduled_articles_are_not_shown(client):
    ArticleFactory(title="Live story")
    ArticleFactory(title="Draft story", slug="draft", status=Article.Status.DRAFT)
    ArticleFactory(title="Embargoed story", slug="embargoed", published_at=timezone.now() + timedelta(hours=2))
    html = client.get("/en/news/").content.decode()
    assert "Live story" in html and "Draft story" not in html and "Embargoed story" not in html
    assert client.get("/en/news/draft/").status_code == 404
    assert client.get("/en/news/embargoed/").status_code == 404


def test_news_list_is_newest_first_and_paginated(client):
    now = timezone.now()
    for n in range(14):
        ArticleFactory(title=f"Story {n:02d}", published_at=now - timedelta(hours=n + 1))
    first = client.get("/en/news/").content.decode()
    assert first.index("Story 00") < first.index("Story 11") and "Story 12" not in first
    assert 'rel="next" href="?page=2"' in first
    second = client.get("/en/news/?page=2").content.decode()
    assert "Story 12" in second and "Story 13" in second and "Story 00" not in second
    assert client.get("/en/news/?page=99").status_code == 200  # last page, not an error


def test_news_list_filters_by_topic_and_keeps_the_filter_across_pages(client):
    water = TopicFactory(slug="water", name_en="Water", name_fr="Eau")
    for n in range(13):
        ArticleFactory(language="fr", title=f"Water story {n}").topics.add(water)
    ArticleFactory(language="fr", title="Budget story")
    html = client.get("/fr/news/?topic=water").content.decode()
    assert "<h1>Eau</h1>" in html and "Budget story" not in html
    assert 'href="?topic=water&amp;page=2"' in html
    assert 'href="/fr/news/topics/water/feed/rss/"' in html


def test_news_list_filters_by_month(client):
    ArticleFactory(title="October story", published_at=timezone.now().replace(year=2025, month=10, day=15))
    ArticleFactory(title="September story", published_at=timezone.now().replace(year=2025, month=9, day=15))
    html = client.get("/en/news/?month=2025-10").content.decode()
    assert "October story" in html and "September story" not in html
    assert '<option value="2025-09">September 2025</option>' in html


@pytest.mark.parametrize("query", ["month=2025-13", "month=last-week", "topic=no-such-topic", "month=9999999999-01"])
def test_bad_filters_get_a_clear_message_and_a_400(client, query):
    response = client.get(f"/fr/news/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert "AAAA-MM" in html or "Ce thème n’existe pas." in html


def test_search_uses_the_english_stemmer_for_english_articles(client):
    ArticleFactory(title="Rivers flooded after the storm", body="<p>Emergency teams were deployed.</p>")
    ArticleFactory(title="Budget adopted", body="<p>No water here.</p>")
    html = client.get("/en/news/?q=flooding").content.decode()
    assert "Rivers flooded after the storm" in html and "Budget adopted" not in html
    assert "1 article matches “flooding”." in html


def test_search_uses_the_french_configuration_for_french_articles(client):
    ArticleFactory(language="fr", title="Les crues menacent la vallée", body="<p>Les secours sont mobilisés.</p>")
    ArticleFactory(language="fr", title="Le budget est adopté", body="<p>Rien à signaler.</p>")
    ArticleFactory(language="en", title="Floods threaten the valley")
    # "crue" (singular) finds "crues" thanks to French stemming; stop words like "les" are ignored.
    html = client.get("/fr/news/?q=les+crue").content.decode()
    assert "Les crues menacent la vallée" in html
    assert "Le budget est adopté" not in html and "Floods threaten" not in html


def test_search_ranks_title_matches_first(client):
    ArticleFactory(title="Agriculture report", body="<p>The summit was mentioned in passing.</p>")
    ArticleFactory(
        title="Summit opens", body="<p>Leaders arrived.</p>", published_at=timezone.now() - timedelta(days=3)
    )
    html = client.get("/en/news/?q=summit").content.decode()
    assert html.index("Summit opens") < html.index("Agriculture report")


def test_article_page_shows_the_story_and_links_to_the_other_language(client):
    topic = TopicFactory(slug="water", name_en="Water", name_fr="Eau")
    video = VideoFactory(title="Signing ceremony", slug="signing")
    en = ArticleFactory(
        language="en",
        slug="summit",
        title="Summit agrees",
        standfirst="The lead.",
        body="<p>The body.</p>",
        event_place="Geneva",
        event_date=timezone.now().date().replace(year=2026, month=11, day=12),
    )
    en.topics.add(topic)
    en.related_videos.add(video, VideoFactory(title="Hidden", is_published=False))
    ArticleFactory(language="fr", slug="sommet", title="Accord au sommet", translation_of=en)
    html = client.get("/en/news/summit/").content.decode()
    for fragment in [
        "<h1>Summit agrees</h1>",
        '<p class="lead">The lead.</p>',
        "<p>The body.</p>",
        'Geneva, <time datetime="2026-11-12">',
        ">Water</a>",
        'href="/en/videos/signing/"',
        "Signing ceremony",
        '<a href="/fr/news/sommet/" hreflang="fr" lang="fr">Lire cet article en français</a>',
        '<link rel="alternate" hreflang="fr" href="http://127.0.0.1:8000/fr/news/sommet/">',
        # The header's language switcher leads to the translation too.
        'href="/fr/news/sommet/" lang="fr" hreflang="fr">FR</a>',
    ]:
        assert fragment in html, fragment
    assert "Hidden" not in html
    back = client.get("/fr/news/sommet/").content.decode()
    assert '<a href="/en/news/summit/" hreflang="en" lang="en">Read this article in English</a>' in back


def test_the_link_to_an_unpublished_translation_is_not_offered(client):
    en = ArticleFactory(language="en", slug="summit")
    ArticleFactory(language="fr", slug="sommet", translation_of=en, status=Article.Status.DRAFT)
    html = client.get("/en/news/summit/").content.decode()
    assert "/fr/news/sommet/" not in html
    assert 'href="/fr/news/" lang="fr" hreflang="fr">FR</a>' in html


def test_article_page_has_open_graph_and_twitter_meta(client):
    ArticleFactory(slug="summit", title="Summit agrees", standfirst="Leaders agreed on a plan.")
    html = client.get("/en/news/summit/").content.decode()
    for fragment in [
        '<meta property="og:type" content="article">',
        '<meta property="og:title" content="Summit agrees">',
        '<meta property="og:description" content="Leaders agreed on a plan.">',
        '<meta property="og:url" content="http://127.0.0.1:8000/en/news/summit/">',
        '<meta property="og:locale" content="en_GB">',
        '<meta name="twitter:card" content="summary">',
        '<meta name="twitter:title" content="Summit agrees">',
    ]:
        assert fragment in html, fragment


def test_an_unknown_article_gets_the_friendly_404_in_the_visitors_language(client, settings):
    settings.DEBUG = False
    response = client.get("/fr/news/does-not-exist/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_a_server_error_gets_the_friendly_500_page(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/en/news/"))
    assert response.status_code == 500
    assert "Something went wrong on our side." in response.content.decode()
    assert "Une erreur s'est produite de notre côté." in response.content.decode()
