import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from newsroom import services
from newsroom.models import Article, HeroRendition

from .factories import ArticleFactory, jpeg_bytes

pytestmark = pytest.mark.django_db


def test_publishing_a_draft_puts_it_on_the_site_now(editor):
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    assert services.article_publish(articles=Article.objects.filter(pk=draft.pk), editor=editor) == 1
    draft.refresh_from_db()
    assert draft.is_live and draft.last_editor == editor


def test_publishing_keeps_a_future_time_so_the_article_stays_scheduled(editor):
    later = timezone.now() + timedelta(days=1)
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=later)
    services.article_publish(articles=Article.objects.filter(pk=draft.pk), editor=editor)
    draft.refresh_from_db()
    assert draft.is_scheduled and draft.published_at == later
    assert not Article.objects.published().exists()


def test_unpublishing_takes_articles_off_the_site(editor):
    ArticleFactory.create_batch(3)
    assert services.article_unpublish(articles=Article.objects.all(), editor=editor) == 3
    assert not Article.objects.published().exists()


def test_saving_records_author_and_last_editor(editor, writer):
    article = services.article_save(article=Article(title="T", slug="t"), editor=writer)
    services.article_save(article=article, editor=editor)
    article.refresh_from_db()
    assert (article.author, article.last_editor) == (writer, editor)


def _with_image(article, width=2000, height=1000):
    article.hero_image.save("photo.jpg", ContentFile(jpeg_bytes(width, height)))
    return article


def test_renditions_are_made_once_in_every_width_and_both_formats():
    article = _with_image(ArticleFactory())
    assert services.article_renditions_make(article=article) == 6
    assert services.article_renditions_make(article=article) == 0  # second run: nothing to do
    made = {(r.format, r.width, r.height) for r in article.renditions.all()}
    assert made == {(fmt, w, w // 2) for fmt in ("webp", "jpeg") for w in (480, 960, 1600)}
    assert all(default_storage.exists(r.file.name) for r in article.renditions.all())


def test_replacing_the_image_replaces_its_renditions(django_capture_on_commit_callbacks):
    article = _with_image(ArticleFactory())
    services.article_renditions_make(article=article)
    old_files = [r.file.name for r in article.renditions.all()]
    _with_image(article, 800, 600)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_renditions_make(article=article)
    assert {(r.format, r.width) for r in article.renditions.all()} == {
        ("webp", 480),
        ("webp", 800),
        ("jpeg", 480),
        ("jpeg", 800),
    }
    assert not any(default_storage.exists(name) for name in old_files)


def test_saving_a_new_image_has_the_renditions_made_after_commit(django_capture_on_commit_callbacks, editor):
    article = _with_image(ArticleFactory.build(), 1000, 500)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.article_save(article=article, editor=editor, image_changed=True)
    # Nothing made before the commit (the cache of feeds is also forgotten then).
    assert HeroRendition.objects.filter(article=article).count() == 0
    for callback in callbacks:
        callback()
    assert HeroRendition.objects.filter(article=article).count() == 6


def test_a_real_worker_makes_the_renditions(transactional_db, editor, celery_worker):
    article = _with_image(ArticleFactory.build(), 1000, 500)
    services.article_save(article=article, editor=editor, image_changed=True)  # autocommit: dispatched at once
    deadline = timezone.now() + timedelta(seconds=20)
    while HeroRendition.objects.filter(article=article).count() < 6 and timezone.now() < deadline:
        time.sleep(0.1)
    assert HeroRendition.objects.filter(article=article).count() == 6
