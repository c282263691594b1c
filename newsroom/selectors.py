"""Reads of the newsroom. Each returns a queryset whose related rows are
prefetched, so a page runs the same number of queries whatever it lists."""

from datetime import date

from django.db.models import Prefetch, Q, QuerySet

# Which videos are public is the video library's rule: one definition, re-exported here.
from downloads.selectors import video_list_published  # noqa: F401
from mediaportal import search

from .models import Article, HeroRendition, Topic

SEARCH_FALLBACK_FIELDS = ["title", "standfirst", "body"]
# The snippet quotes the standfirst and the body without its tags.
SNIPPET_SQL = "concat_ws(' ', newsroom_article.standfirst, regexp_replace(newsroom_article.body, '<[^>]*>', ' ', 'g'))"


def _with_cards(queryset: QuerySet[Article]) -> QuerySet[Article]:
    return queryset.prefetch_related(
        Prefetch("topics", queryset=Topic.objects.order_by("slug")),
        Prefetch("renditions", queryset=HeroRendition.objects.order_by("format", "width")),
    )


def article_search_plan(query: str, *, language: str) -> search.SearchPlan:
    """Articles are read in their own language: the query too."""
    return search.search_plan(query, languages=[language])


def article_list_published(
    *,
    language: str,
    topic: Topic | None = None,
    month: date | None = None,
    query: str = "",
    plan: search.SearchPlan | None = None,
) -> QuerySet[Article]:
    """Published articles in ``language``, newest first, optionally of one
    topic, one month (in the site's time zone) and matching a search (best
    matches first, each with a highlighted ``search_snippet``)."""
    articles = Article.objects.published().filter(language=language)
    if topic is not None:
        articles = articles.filter(topics=topic)
    if month is not None:
        articles = articles.filter(published_at__year=month.year, published_at__month=month.month)
    if plan is None and query:
        plan = article_search_plan(query, language=language)
    if plan is not None:
        articles = search.search_filter(articles, plan, fallback_fields=SEARCH_FALLBACK_FIELDS, snippet_sql=SNIPPET_SQL)
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
