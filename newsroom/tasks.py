from celery import shared_task

from .models import Article
from .services import article_renditions_make


@shared_task(queue="media")
def article_renditions_make_task(article_id: int) -> int:
    """Make the missing renditions of an article's hero image (media queue)."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return 0
    return article_renditions_make(article=article)
