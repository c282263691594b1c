"""Derived data to forget when content changes: the cached sitemap and feeds.
(Saves through queryset.update() call ``public_cache_invalidate`` themselves.)"""

from django.db.models.signals import post_delete, post_save


def connect() -> None:
    from downloads.models import Video

    from .caching import public_cache_invalidate
    from .models import Article

    def forget(sender, **kwargs):
        public_cache_invalidate()

    for model in (Article, Video):
        post_save.connect(forget, sender=model, dispatch_uid=f"public-cache-{model._meta.label}-save", weak=False)
        post_delete.connect(forget, sender=model, dispatch_uid=f"public-cache-{model._meta.label}-delete", weak=False)
