"""Search as journalists type it: accents, near spellings, hyphens, both
languages of videos; clear messages; a fixed number of queries; limits."""

from datetime import timedelta

import psycopg
import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .factories import ArticleFactory, TopicFactory, VideoFactory

pytestmark = pytest.mark.django_db


def _titles(response) -> list[str]:
    return [article.title for article in response.context["articles"]]


def test_french_search_ignores_accents_both_ways(client):
    ArticleFactory(language="fr", slug="defense", title="La défense européenne", body="<p>Un budget.</p>")
    ArticleFactory(language="fr", slug="donnees", title="Partager les données", event_place="Genève")
    ArticleFactory(language="fr", slug="autre", title="Un autre sujet")
    assert _titles(client.get("/fr/news/?q=defense")) == ["La défense européenne"]
    assert _titles(client.get("/fr/news/?q=donnees")) == ["Partager les données"]
    assert _titles(client.get("/fr/news/?q=Geneve")) == ["Partager les données"]
    assert _titles(client.get("/fr/news/?q=défenses")) == ["La défense européenne"]  # stemming too


def test_near_spellings_and_hyphenation_find_the_article(client):
    ArticleFactory(slug="a", title="Defence ministers meet", body="<p>Talks on budgets.</p>")
    ArticleFactory(slug="b", title="Hospital hit", body="<p>A cyber-attack stopped the wards.</p>")
    ArticleFactory(slug="c", title="Ransomware wave", body="<p>Every cyberattack was reported.</p>")
    response = client.get("/en/news/?q=defense")
    assert _titles(response) == ["Defence ministers meet"]
    assert "defence" in response.content.decode()  # says which spelling it also looked for
    assert set(_titles(client.get("/en/news/?q=cyberattack"))) == {"Hospital hit", "Ransomware wave"}
    assert set(_titles(client.get("/en/news/?q=cyber-attack"))) == {"Hospital hit", "Ransomware wave"}


def test_title_weighs_more_than_body_and_snippet_marks_the_match_safely(client):
    ArticleFactory(slug="body", title="Weekly round-up", body="<p>Also: the harbour reopened.</p>")
    ArticleFactory(slug="title", title="Harbour reopens", standfirst="Ships & <script>boats</script> in the harbour.")
    response = client.get("/en/news/?q=harbour")
    assert _titles(response) == ["Harbour reopens", "Weekly round-up"]
    html = response.content.decode()
    assert "<mark>harbour</mark>" in html
    assert "Ships &amp;" in html and "<script>" not in html


def test_vector_is_current_in_the_same_transaction(client):
    article = ArticleFactory(slug="x", title="Nothing yet")
    article.title = "Glacier melt accelerates"
    article.save()
    assert _titles(client.get("/en/news/?q=glacier")) == ["Glacier melt accelerates"]


def test_no_results_names_the_query_and_offers_to_drop_filters(client):
    topic = TopicFactory(slug="water")
    ArticleFactory(slug="w", title="Water story").topics.add(topic)
    ArticleFactory(slug="t", title="Trade story")
    response = client.get("/en/news/?q=trade&topic=water")
    html = response.content.decode()
    assert response.status_code == 200
    assert "No article matches “trade”." in html
    assert 'href="?q=trade"' in html
    assert "No news yet." not in html
    assert "Aucun article ne correspond à « trade »." in client.get("/fr/news/?q=trade").content.decode()


def test_site_search_lists_news_and_videos_in_both_languages(client):
    ArticleFactory(slug="s", title="Summit opens in Geneva")
    VideoFactory(slug="arrivals", title="Leaders arrive at the summit venue", title_fr="Arrivée au sommet")
    VideoFactory(slug="other", title="Harbour exercise")
    response = client.get("/en/search/?q=summit+arrivals")
    assert [video.slug for video in response.context["videos"].page.object_list] == ["arrivals"]
    response = client.get("/en/search/?q=summit")
    html = response.content.decode()
    assert "Summit opens in Geneva" in html and "Leaders arrive at the summit venue" in html
    response = client.get("/fr/search/?q=sommet")
    assert "Arrivée au sommet" in response.content.decode()
    empty = client.get("/fr/search/?q=zzzqqq").content.decode()
    assert "Rien ne correspond à « zzzqqq »" in empty


def test_video_list_search_and_a_reversed_date_range(client):
    VideoFactory(slug="arrivals", title="Leaders arrive at the summit venue")
    VideoFactory(slug="press", title="Press conference")
    response = client.get("/en/videos/?q=summit+arrivals")
    assert [video.slug for video in response.context["videos"]] == ["arrivals"]
    response = client.get("/en/videos/?q=nothing-like-this")
    assert "No video matches “nothing-like-this”." in response.content.decode()
    response = client.get("/fr/videos/?date_from=2026-05-01&date_to=2026-04-01")
    assert response.status_code == 400
    assert "La date « Du » est après la date « Au »" in response.content.decode()


def test_scheduled_articles_and_videos_stay_out_of_search(client):
    later = timezone.now() + timedelta(days=1)
    ArticleFactory(slug="soon", title="Embargoed summit news", published_at=later)
    VideoFactory(slug="soon", title="Embargoed summit footage", published_at=later)
    html = client.get("/en/search/?q=embargoed").content.decode()
    assert "Embargoed summit" not in html


def _query_count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "path",
    [
        "/en/news/?q=river",
        "/en/news/?q=rivr",  # nothing found as typed: + near spellings
        "/en/videos/?q=river",
        "/en/videos/?q=rivr",
        "/en/search/?q=river",
        "/en/search/?q=rivr",
    ],
)
def test_search_query_count_does_not_grow_with_the_archive(client, path):
    def add(count):
        for _ in range(count):
            ArticleFactory(title="River basin talks", body="<p>Rivers and shared water.</p>")
            VideoFactory(title="River footage", summary="Rivers at dawn.")

    add(4)
    small = _query_count(client, path)
    add(40)
    assert _query_count(client, path) == small


def test_searches_are_rate_limited_per_client(client, settings):
    settings.SEARCH_RATE_LIMIT = "3/m/ip"
    for _ in range(3):
        assert client.get("/en/news/?q=river").status_code == 200
    response = client.get("/en/search/?q=river")
    assert response.status_code == 429
    assert "searched many times" in response.content.decode()
    assert client.get("/en/news/").status_code == 200  # browsing without a query is not limited
    other = client.get("/en/news/?q=river", REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 200


def test_web_connections_carry_a_statement_timeout(settings):
    assert settings.DATABASE_STATEMENT_TIMEOUT == 5000
    connection = connections.create_connection("default")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "5s"
    finally:
        connection.close()


def test_a_timed_out_query_answers_503_not_500(client):
    ArticleFactory(title="River story")
    # Another session holds a lock the page's topic query must wait for: a
    # slow statement, cancelled by the timeout (lowered for this transaction).
    blocker = psycopg.connect(**connection.get_connection_params())
    try:
        blocker.execute("LOCK TABLE newsroom_topic IN ACCESS EXCLUSIVE MODE")
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = '300ms'")
        response = client.get("/fr/news/?q=river")
    finally:
        blocker.rollback()
        blocker.close()
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "trop de temps" in response.content.decode()
