from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache

from . import selectors
from .forms import ArticleFilterForm

ARTICLES_PER_PAGE = 12


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
    if form.is_bound and not form.is_valid():
        # Bad filter values: say so on the page, list nothing, answer 400.
        page, status = None, 400
    else:
        articles = selectors.article_list_published(
            language=language, topic=filters.get("topic"), month=filters.get("month"), query=filters.get("q", "")
        )
        page, status = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page")), 200
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "articles": page.object_list if page else [],
        "topic": filters.get("topic"),
        "query_string": query_without_page.urlencode(),
        "topics": selectors.topic_list_in_use(language=language),
        "months": selectors.article_months(language=language),
    }
    return render(request, "newsroom/article_list.html", context, status=status)


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
