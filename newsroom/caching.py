"""Cache of the public machine-read pages (sitemap, RSS/Atom feeds).

Each cached answer is stored under a *generation* number that any change of
an article or a video bumps (after commit), so a publication shows at once;
an entry also expires when the next scheduled article or video goes public,
so scheduled items appear on time with nothing to trigger."""

import functools
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone

GENERATION_KEY = "public-pages:generation"


def public_cache_invalidate() -> None:
    """Forget every cached sitemap and feed (call inside a transaction: done after commit)."""
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet: any new value invalidates
        cache.set(GENERATION_KEY, int(timezone.now().timestamp() * 1000), None)


def _seconds_until_next_publication() -> float | None:
    from downloads.models import Video

    from .models import Article

    now = timezone.now()
    articles = Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=now).values_list(
        "published_at", flat=True
    )
    videos = Video.objects.filter(is_published=True, published_at__gt=now).values_list("published_at", flat=True)
    upcoming = articles.union(videos).order_by("published_at").first()
    return (upcoming - now) / timedelta(seconds=1) if upcoming else None


def cached_until_publish(view):
    """Serve ``view``'s successful GET answers from the cache until something
    is published or changed (or PUBLIC_CACHE_SECONDS pass)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        # The answers are the same for every visitor (no session is read). Only
        # the sitemap's page number varies them: other parameters are not
        # cached, so random query strings cannot fill the cache.
        if request.method not in ("GET", "HEAD") or set(request.GET) - {"p"}:
            return view(request, *args, **kwargs)
        generation = cache.get_or_set(GENERATION_KEY, 0, None)
        key = f"public-pages:{generation}:{request.get_full_path()}"
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            return HttpResponse(content, headers=headers)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response.render()
        if response.status_code == 200 and not response.streaming:
            timeout = settings.PUBLIC_CACHE_SECONDS
            upcoming = _seconds_until_next_publication()
            if upcoming is not None:
                timeout = max(1, min(timeout, int(upcoming) + 1))
            headers = {name: value for name, value in response.headers.items() if name.lower() != "set-cookie"}
            cache.set(key, (response.content, headers), timeout)
        return response

    return wrapper
