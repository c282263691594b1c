"""The newsletter e-mail as subscribers get it, in both languages: the
portal's logo and name, the date, the lead story with its picture, then the
others; a plain-text part that says the same."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django.utils.formats import date_format

from newsroom.newsletter import rendering, sending
from newsroom.services import article_renditions_make
from tests.newsroom.factories import jpeg_bytes

from .factories import ArticleFactory, IssueFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue():
    lead_en = ArticleFactory(title="Summit opens in Geneva", language="en", hero_alt="Delegates arrive")
    lead_en.hero_image.save("summit.jpg", ContentFile(jpeg_bytes(1800, 1000)))
    article_renditions_make(article=lead_en)
    lead_fr = ArticleFactory(title="Ouverture du sommet à Genève", language="fr", hero_alt="Arrivée des délégués")
    lead_fr.hero_image.save("sommet.jpg", ContentFile(jpeg_bytes(1800, 1000)))
    article_renditions_make(article=lead_fr)
    second_en = ArticleFactory(title="River data shared", language="en", published_at=datetime(2026, 1, 1, tzinfo=UTC))
    second_fr = ArticleFactory(
        title="Données fluviales partagées", language="fr", published_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    issue = IssueFactory(started_at=datetime(2026, 12, 1, 9, tzinfo=UTC))
    issue.articles.set([lead_en, lead_fr, second_en, second_fr])
    return issue


@pytest.mark.parametrize(
    ("language", "brand", "date", "lead", "other", "also", "alt"),
    [
        (
            "en",
            "Media Portal",
            "Dec. 1, 2026",
            "Summit opens in Geneva",
            "River data shared",
            "Also in the news",
            "Delegates arrive",
        ),
        (
            "fr",
            "Portail médias",
            "1 décembre 2026",
            "Ouverture du sommet à Genève",
            "Données fluviales partagées",
            "Aussi dans l’actualité",
            "Arrivée des délégués",
        ),
    ],
)
def test_the_issue_in_each_language(issue, language, brand, date, lead, other, also, alt):
    rendered = rendering.issue_render(issue=issue, language=language)
    html, text = rendered.html, rendered.text
    assert f'<html lang="{language}">' in html
    assert "/static/mediaportal/logo.png" in html and brand in html and date in html
    if language == "fr":
        assert "Media Portal" not in html and "Media Portal" not in text, "the brand name is translated"
    # The lead comes first with its picture (a JPEG rendition, never the original), then the others.
    assert html.index(lead) < html.index(also) < html.index(other)
    lead_article = issue.articles.get(title=lead)
    rendition = lead_article.renditions.filter(format="jpeg").order_by("-width").first()
    assert f'src="{settings.SITE_URL}{rendition.file.url}"' in html
    assert rendition.width >= 1200 and f'alt="{alt}"' in html
    assert lead_article.hero_image.url not in html
    assert '<meta name="viewport"' in html and "@media (max-width: 620px)" in html
    # The plain-text part carries the same stories, the brand and the date.
    assert text.startswith(f"{brand} · {date}") and text.index(lead) < text.index(other)
    assert "<img" not in text and "<h2" not in text


def test_the_wire_template_still_holds_every_placeholder(issue):
    """The fast path of sending (one SMTP template per language) survives
    the richer e-mail: no placeholder is broken by a line fold."""
    for language in ("en", "fr"):
        assert rendering.wire_template(rendered=rendering.issue_render(issue=issue, language=language)) is not None


def test_subscribers_get_the_branded_issue_over_smtp(issue, sink_factory):
    sink = sink_factory()
    SubscriberFactory(email="anna@example.org", language="en")
    SubscriberFactory(email="marc@example.org", language="fr")
    sending.issue_start_sending(issue_id=issue.pk)
    for batch in sending.issue_batches_to_queue(issue_id=issue.pk):
        sending.delivery_send_batch(issue_id=issue.pk, delivery_ids=batch)
    messages = {message["To"]: message for message in sink.wait_for(2)}
    marc = messages["marc@example.org"]
    html = marc.get_body(("html",)).get_content()
    text = marc.get_body(("plain",)).get_content()
    assert "Portail médias" in html and "Ouverture du sommet à Genève" in html and "/unsubscribe/" in html
    # Sending stamps the issue with the time it started: its date in the site's time zone.
    issue.refresh_from_db()
    with translation.override("fr"):
        sent_on = date_format(timezone.localtime(issue.started_at), "DATE_FORMAT")
    assert text.startswith(f"Portail médias · {sent_on}")
    assert "Media Portal" in messages["anna@example.org"].get_body(("html",)).get_content()
