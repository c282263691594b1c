import xml.etree.ElementTree as ET

import pytest

from newsroom.models import Article

from .factories import ArticleFactory, TopicFactory, VideoFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_rss_feed_lists_published_articles_of_its_language(client):
    ArticleFactory(language="fr", slug="sommet", title="Accord au sommet", standfirst="Le chapeau.")
    ArticleFactory(language="en", slug="summit", title="Summit agrees")
    ArticleFactory(language="fr", slug="brouillon", title="Brouillon", status=Article.Status.DRAFT)
    response = client.get("/fr/news/feed/rss/")
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("language") == "fr"
    assert channel.findtext("title") == "Actualités du Portail médias"
    items = channel.findall("item")
    assert [(i.findtext("title"), i.findtext("link"), i.findtext("description")) for i in items] == [
        ("Accord au sommet", "http://127.0.0.1:8000/fr/news/sommet/", "Le chapeau.")
    ]


def test_atom_feed_per_topic(client):
    water = TopicFactory(slug="water", name_en="Water", name_fr="Eau")
    ArticleFactory(title="River data shared").topics.add(water)
    ArticleFactory(title="Budget adopted")
    response = client.get("/en/news/topics/water/feed/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.findtext(f"{ATOM}title") == "Media Portal news: Water"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["River data shared"]
    assert entries[0].find(f"{ATOM}category").get("term") == "Water"


def test_feed_of_an_unknown_topic_is_a_404(client):
    assert client.get("/en/news/topics/nothing/feed/rss/").status_code == 404


def test_sitemap_lists_published_articles_and_videos(client):
    ArticleFactory(language="en", slug="summit")
    ArticleFactory(language="fr", slug="sommet")
    ArticleFactory(language="en", slug="draft", status=Article.Status.DRAFT)
    VideoFactory(slug="signing")
    VideoFactory(slug="rushes", is_published=False)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = {loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")}
    assert locations == {
        "http://127.0.0.1:8000/en/news/summit/",
        "http://127.0.0.1:8000/fr/news/sommet/",
        "http://127.0.0.1:8000/en/videos/signing/",
        "http://127.0.0.1:8000/fr/videos/signing/",
    }
