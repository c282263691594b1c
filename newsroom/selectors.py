"""Reads of the newsroom. Each returns a queryset whose related rows are
prefetched, so a page runs the same number of queries whatever it lists."""

from datetime import date

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

# Which videos are public is the video library's rule: one definition, re-exported here.
from downloads.selectors import video_list_published  # noqa: F401

from .models import Article, HeroRendition, Topic

# PostgreSQL text search configuration per article language: stemming and
# stop words of the language the article is written in.
SEARCH_CONFIGS = {"en": "english", "fr": "french"}


def _with_cards(queryset: QuerySet[Article]) -> QuerySet[Article]:
    return queryset.prefetch_related(
        Prefetch("topics", queryset=Topic.objects.order_by("slug")),
        Prefetch("renditions", queryset=HeroRendition.objects.order_by("format", "width")),
    )


def article_search(queryset: QuerySet[Article], *, query: str, language: str) -> QuerySet[Article]:
    """Full-text search in the article's language on PostgreSQL (ranked:
    title, then standfirst, then body); a plain substring match elsewhere."""
    if connection.vendor != "postgresql":
        return queryset.filter(Q(title__icontains=query) | Q(standfirst__icontains=query) | Q(body__icontains=query))
    config = SEARCH_CONFIGS.get(language, "simple")
    vector = (
        SearchVector("title", weight="A", config=config)
        + SearchVector("standfirst", weight="B", config=config)
        + SearchVector("body", weight="C", config=config)
    )
    search_query = SearchQuery(query, config=config, search_type="websearch")
    return (
        queryset.annotate(document=vector)
        .filter(document=search_query)
        .annotate(rank=SearchRank(vector, search_query))
        .order_by("-rank", "-published_at")
    )


def article_list_published(
    *, language: str, topic: Topic | None = None, month: date | None = None, query: str = ""
) -> QuerySet[Article]:
    """Published articles in ``language``, newest first, optionally of one
    topic, one month (in the site's time zone) and matching a search."""
    articles = Article.objects.published().filter(language=language)
    if topic is not None:
        articles = articles.filter(topics=topic)
    if month is not None:
        articles = articles.filter(published_at__year=month.year, published_at__month=month.month)
    if query:
        articles = article_search(articles, query=query, language=language)
    # Cards show no body: leave the longest column in the database.
    return _with_cards(articles).defer("body")


def article_get_published(*, language: str, slug: str) -> Article | None:
    return _article_page(Article.objects.published().filter(language=language, slug=slug)).first()


def article_get_for_preview(*, pk: int) -> Article | None:
    return _article_page(Article.objects.filter(pk=pk)).first()


def _article_page(queryset: QuerySet[Article]) -> QuerySet[Article]:
    return _with_cards(queryset).prefetch_related(
        Prefetch("related_videos", queryset=video_list_published()),
    )


def article_translation(*, article: Article, published_only: bool = True) -> Article | None:
    """The version of ``article`` in the other language, if there is one."""
    root = article.translation_root_id
    if root is None:
        return None
    candidates = Article.objects.filter(Q(pk=root) | Q(translation_of_id=root)).exclude(pk=article.pk)
    if published_only:
        candidates = candidates.published()
    return candidates.exclude(language=article.language).order_by("language").first()


def article_months(*, language: str) -> list:
    """The months (first day, aware datetimes) that have published articles, newest first."""
    return list(Article.objects.published().filter(language=language).datetimes("published_at", "month", order="DESC"))


def topic_list_in_use(*, language: str) -> QuerySet[Topic]:
    """Topics with at least one published article in ``language``."""
    return Topic.objects.filter(articles__in=Article.objects.published().filter(language=language)).distinct()
