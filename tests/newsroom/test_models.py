from datetime import timedelta

import pytest
from django.utils import timezone

from newsroom.models import Article

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_body_is_sanitised_on_save_so_no_script_survives():
    article = ArticleFactory(
        body=(
            '<p onclick="steal()">Hello <script>alert(1)</script><b>world</b></p>'
            '<a href="javascript:alert(1)">bad</a><a href="https://example.org/">good</a>'
            '<img src=x onerror="alert(1)"><iframe src="https://evil.example/"></iframe><style>p{}</style>'
        )
    )
    article.refresh_from_db()
    assert article.body == (
        '<p>Hello <b>world</b></p><a rel="noopener noreferrer">bad</a>'
        '<a href="https://example.org/" rel="noopener noreferrer">good</a>'
    )


def test_structure_that_staff_need_is_kept():
    html = "<h2>Key points</h2><ul><li><strong>One</strong></li></ul><blockquote><p>Quote</p></blockquote>"
    assert ArticleFactory(body=html).body == html


def test_published_means_published_and_due():
    now = timezone.now()
    live = ArticleFactory(published_at=now - timedelta(minutes=1))
    ArticleFactory(published_at=now + timedelta(hours=1))  # scheduled
    ArticleFactory(status=Article.Status.DRAFT, published_at=now - timedelta(days=1))
    assert list(Article.objects.published()) == [live]


def test_a_scheduled_article_appears_when_its_time_comes_without_a_worker():
    article = ArticleFactory(published_at=timezone.now() + timedelta(seconds=1))
    assert article.is_scheduled and not Article.objects.published().exists()
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert list(Article.objects.published()) == [article]


def test_the_url_of_an_article_is_in_its_own_language():
    assert ArticleFactory(language="fr", slug="sommet").get_absolute_url() == "/fr/news/sommet/"
    assert ArticleFactory(language="en", slug="summit").get_absolute_url() == "/en/news/summit/"
