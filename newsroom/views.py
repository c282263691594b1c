from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from downloads.models import Video

from .models import Article


def home(request):
    """The latest news in the visitor's language and the latest videos."""
    articles = Article.objects.published().filter(language=get_language())[:6]
    videos = Video.objects.filter(is_published=True, status=Video.Status.READY)[:6]
    return render(request, "newsroom/home.html", {"articles": articles, "videos": videos})


def article_list(request):
    articles = Article.objects.published().filter(language=get_language())[:50]
    return render(request, "newsroom/article_list.html", {"articles": articles})


def article_detail(request, slug):
    article = get_object_or_404(Article.objects.published(), language=get_language(), slug=slug)
    return render(request, "newsroom/article_detail.html", {"article": article})
