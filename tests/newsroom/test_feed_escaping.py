"""Finding 15 of the security review: RSS/Atom descriptions carried the
standfirst as HTML, so markup typed in it ran in feed readers."""

import xml.etree.ElementTree as ET

import pytest

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = 'Talks <img src=x onerror="alert(1)"> & "more"'


def test_rss_description_is_the_standfirst_as_text(client):
    ArticleFactory(slug="summit", title="Summit agrees", standfirst=HOSTILE)
    channel = ET.fromstring(client.get("/en/news/feed/rss/").content).find("channel")
    html = channel.find("item").findtext("description")  # what a reader renders as HTML
    assert "<img" not in html
    assert html == "Talks &lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &quot;more&quot;"


def test_atom_summary_is_the_standfirst_as_text(client):
    ArticleFactory(slug="summit", title="Summit agrees", standfirst=HOSTILE)
    entry = ET.fromstring(client.get("/en/news/feed/atom/").content).find(f"{ATOM}entry")
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert "<img" not in summary.text and "&lt;img" in summary.text
