from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache

from downloads import selectors as video_selectors
from mediaportal import search

from . import selectors
from .forms import ArticleFilterForm, SiteSearchForm

ARTICLES_PER_PAGE = 12
SITE_SEARCH_ITEMS = 8


def home(request):
    """The latest news in the visitor's language and the latest videos."""
    articles = selectors.article_list_published(language=get_language())[:6]
    videos = selectors.video_list_published()[:6]
    return render(request, "newsroom/home.html", {"articles": articles, "videos": videos})


def article_list(request):
    """News, newest first: search, topic and month filters, pagination."""
    language = get_language()
    form = ArticleFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    corrected: list[str] = []
    if form.is_bound and not form.is_valid():
        # Bad filter values: say so on the page, list nothing, answer 400.
        page, status = None, 400
    else:
        query = filters.get("q", "")
        if query and (limited := search.search_rate_limited(request)):
            return limited
        plan = selectors.article_search_plan(query, language=language) if query else None
        result = search.search_paginate(
            lambda plan: selectors.article_list_published(
                language=language, topic=filters.get("topic"), month=filters.get("month"), plan=plan
            ),
            plan=plan,
            per_page=ARTICLES_PER_PAGE,
            page_number=request.GET.get("page"),
        )
        page, status, corrected = result.page, 200, result.corrected
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "articles": page.object_list if page else [],
        "topic": filters.get("topic"),
        "month": filters.get("month"),
        "search_query": filters.get("q", ""),
        "corrected": corrected,
        "query_string": query_without_page.urlencode(),
        "topics": selectors.topic_list_in_use(language=language),
        "months": selectors.article_months(language=language),
    }
    return render(request, "newsroom/article_list.html", context, status=status)


def site_search(request):
    """News (in the reader's language) and videos matching one query, together."""
    form = SiteSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    context = {"form": form, "search_query": query}
    if query:
        if limited := search.search_rate_limited(request):
            return limited
        language = get_language()
        context["news"] = search.search_paginate(
            lambda plan: selectors.article_list_published(language=language, plan=plan),
            plan=selectors.article_search_plan(query, language=language),
            per_page=SITE_SEARCH_ITEMS,
            page_number=1,
        )
        context["videos"] = search.search_paginate(
            lambda plan: video_selectors.video_search(plan=plan),
            plan=video_selectors.video_search_plan(query),
            per_page=SITE_SEARCH_ITEMS,
            page_number=1,
        )
    return render(request, "newsroom/search.html", context, status=200 if form.is_valid() or not form.is_bound else 400)


def article_detail(request, slug):
    article = selectors.article_get_published(language=get_language(), slug=slug)
    if article is None:
        raise Http404
    return _render_article(request, article, preview=False)


@never_cache
@staff_member_required
def article_preview(request, pk):
    """A draft (or scheduled) article as it will look, for staff who may see articles."""
    if not request.user.has_perm("newsroom.view_article"):
        raise PermissionDenied
    article = selectors.article_get_for_preview(pk=pk)
    if article is None:
        raise Http404
    if article.language != get_language():
        return redirect(article.get_preview_url())
    return _render_article(request, article, preview=True)


def _render_article(request, article, *, preview: bool):
    other = selectors.article_translation(article=article, published_only=not preview)
    language_links = []
    for code, name in settings.LANGUAGES:
        if code == article.language:
            url = request.get_full_path()
        elif other is not None and other.language == code:
            url = other.get_preview_url() if preview else other.get_absolute_url()
        else:
            with translation.override(code):
                url = reverse("newsroom:article_list")
        language_links.append({"code": code, "name": name, "url": url})
    context = {
        "article": article,
        "translation": other,
        "preview": preview,
        # The header's language switcher leads to the translation, not to a
        # page with this slug in the other language (slugs are translated too).
        "language_links": language_links,
    }
    return render(request, "newsroom/article_detail.html", context)
