"""Writes of the newsroom: saving, publishing and the hero image renditions."""

import logging
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from . import images
from .caching import public_cache_invalidate
from .models import Article, HeroRendition

logger = logging.getLogger(__name__)


def article_save(*, article: Article, editor, image_changed: bool = False) -> Article:
    """Save an article as edited by ``editor`` (the author too, on creation)
    and, when its hero image changed, have its renditions made after commit."""
    if article.author_id is None and editor is not None:
        article.author = editor
    article.last_editor = editor
    if article.status == Article.Status.PUBLISHED and article.published_at is None:
        # The rule of article_publish: published without a time means now
        # (otherwise it would count as published yet never appear).
        article.published_at = timezone.now()
    article.save()
    if image_changed:
        from .tasks import article_renditions_make_task

        transaction.on_commit(lambda: article_renditions_make_task.delay(article.pk))
    return article


def article_publish(*, articles: QuerySet[Article], editor) -> int:
    """Publish the given articles; those without a publication time go out now,
    those with one keep it (a future time stays scheduled)."""
    now = timezone.now()
    with transaction.atomic():
        articles.filter(published_at__isnull=True).update(published_at=now)
        public_cache_invalidate()  # update() sends no signal
        return articles.update(status=Article.Status.PUBLISHED, last_editor=editor, updated_at=now)


def article_unpublish(*, articles: QuerySet[Article], editor) -> int:
    """Take the given articles off the site (back to draft)."""
    public_cache_invalidate()  # update() sends no signal
    return articles.update(status=Article.Status.DRAFT, last_editor=editor, updated_at=timezone.now())


def article_renditions_make(*, article: Article) -> int:
    """Make the renditions the current hero image is missing (all widths, WebP
    and JPEG) and drop those of a replaced image. Safe to run twice; returns
    how many were made."""
    source = article.hero_image.name if article.hero_image else ""
    stale = article.renditions.exclude(source=source)
    stale_files = list(stale.values_list("file", flat=True))
    stale.delete()
    if stale_files:
        storage = HeroRendition._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in stale_files])
    if not source:
        return 0
    with article.hero_image.open("rb") as handle:
        data = handle.read()
    source_width = images.image_size(data)[0]
    have = set(article.renditions.filter(source=source).values_list("format", "width"))
    wanted = [(fmt, width) for fmt in images.RENDITION_FORMATS for width in images.rendition_widths(source_width)]
    missing = [key for key in wanted if key not in have]
    if not missing:
        return 0
    made = 0
    stem = PurePosixPath(source).stem
    for fmt, width in missing:
        content, real_width, height = images.image_rendition(data, width=width, fmt=fmt)
        rendition = HeroRendition(article=article, source=source, format=fmt, width=real_width, height=height)
        rendition.file.save(f"{stem}-{width}.{'jpg' if fmt == 'jpeg' else fmt}", ContentFile(content), save=False)
        try:
            with transaction.atomic():
                rendition.save()
            made += 1
        except IntegrityError:
            # Another worker made it first ("guard against race conditions").
            rendition.file.delete(save=False)
    logger.info("made %d renditions for article %s", made, article.pk)
    return made
