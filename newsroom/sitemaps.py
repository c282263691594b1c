from django.conf import settings
from django.contrib.sitemaps import Sitemap

from . import selectors
from .models import Article


class _PortalSitemap(Sitemap):
    """URLs on SITE_URL, not on the sites framework's placeholder domain."""

    def get_domain(self, site=None):
        return settings.SITE_URL.split("://", 1)[1]

    def get_protocol(self, protocol=None):
        return settings.SITE_URL.split("://", 1)[0]


class ArticleSitemap(_PortalSitemap):
    """Each published article in its own language (translations are rows)."""

    changefreq = "weekly"

    def items(self):
        return Article.objects.published().order_by("-published_at", "pk")

    def lastmod(self, article):
        return article.updated_at


class VideoSitemap(_PortalSitemap):
    """Each published video, once per language of the site."""

    changefreq = "monthly"
    i18n = True
    alternates = True

    def items(self):
        return selectors.video_list_published().order_by("-published_at", "pk")

    def lastmod(self, video):
        return video.updated_at


SITEMAPS = {"articles": ArticleSitemap, "videos": VideoSitemap}
