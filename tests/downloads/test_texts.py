"""Videos in both languages, the one rule for public videos, and stills that
cannot be found by guessing."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from tests.newsroom.factories import VideoFactory

pytestmark = pytest.mark.django_db


def test_video_page_in_french_with_the_english_text_marked_where_missing(client):
    VideoFactory(
        slug="summit",
        title="Leaders arrive at the summit venue",
        title_fr="Les dirigeants arrivent au sommet",
        summary="Delegations arrive on the first morning.",
        usage_terms="Free for news use.",
        usage_terms_fr="Libre pour l’information.",
    )
    html = client.get("/fr/videos/summit/").content.decode()
    assert "<h1>Les dirigeants arrivent au sommet</h1>" in html
    assert '<p class="lead" lang="en">Delegations arrive on the first morning.</p>' in html
    assert "Libre pour l’information." in html and "Free for news use." not in html
    html = client.get("/en/videos/summit/").content.decode()
    assert "<h1>Leaders arrive at the summit venue</h1>" in html
    listing = client.get("/fr/videos/").content.decode()
    assert "<h3>Les dirigeants arrivent au sommet</h3>" in listing


def test_texts_accessor_for_other_code_such_as_the_newsletter():
    video = VideoFactory.build(title="Press conference", title_fr="", summary="", summary_fr="Le porte-parole.")
    texts = video.texts("fr")
    assert (texts.title, texts.title.lang, texts.title.fallback) == ("Press conference", "en", True)
    assert (texts.summary, texts.summary.lang, texts.summary.fallback) == ("Le porte-parole.", "fr", False)
    assert video.texts("en").summary.lang == "fr"


def test_a_scheduled_video_stays_hidden_then_appears_by_itself(client):
    video = VideoFactory(slug="embargo", title="Embargoed footage", published_at=timezone.now() + timedelta(hours=3))
    assert client.get("/en/videos/embargo/").status_code == 404
    assert "Embargoed footage" not in client.get("/en/videos/").content.decode()
    assert "Embargoed footage" not in client.get("/en/").content.decode()
    assert b"/videos/embargo/" not in client.get("/sitemap.xml").content
    # Time passes (simulated by moving the time back): nobody does anything else.
    type(video).objects.filter(pk=video.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/en/videos/embargo/").status_code == 200
    assert "Embargoed footage" in client.get("/en/videos/").content.decode()


def test_stills_get_names_that_cannot_be_guessed_from_the_slug():
    first = VideoFactory(slug="draft-summit", is_published=False)
    first.poster.save("draft-summit.jpg", ContentFile(b"jpeg"), save=False)
    first.thumbnail.save("draft-summit.jpg", ContentFile(b"jpeg"), save=False)
    second = VideoFactory(slug="draft-other", is_published=False)
    second.poster.save("draft-summit.jpg", ContentFile(b"jpeg"), save=False)
    for still in (first.poster, first.thumbnail, second.poster):
        assert "draft" not in still.name
        assert still.name.endswith(".jpg")
        assert len(still.name.rsplit("/", 1)[1]) >= 32  # 24 random bytes, URL-safe
    assert first.poster.name != second.poster.name
