"""RSS and Atom feeds of the latest articles, per language (the URL prefix)
and optionally per topic."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import selectors
from .models import Topic

FEED_LENGTH = 30


def _absolute(path: str) -> str:
    # SITE_URL, not the sites framework's placeholder domain.
    return f"{settings.SITE_URL}{path}"


class LatestArticlesFeed(Feed):
    def get_object(self, request, topic=None):
        return get_object_or_404(Topic, slug=topic) if topic else None

    def title(self, topic):
        if topic is not None:
            return _("Media Portal news: %(topic)s") % {"topic": topic.name}
        return _("Media Portal news")

    def description(self, topic):
        return _("The latest official news published on Media Portal.")

    def link(self, topic):
        return _absolute(topic.get_absolute_url() if topic else reverse("newsroom:article_list"))

    def feed_url(self, topic):
        name = "newsroom:topic_feed_" if topic else "newsroom:feed_"
        name += "atom" if self.feed_type is Atom1Feed else "rss"
        return _absolute(reverse(name, kwargs={"topic": topic.slug} if topic else {}))

    def items(self, topic):
        return selectors.article_list_published(language=get_language(), topic=topic)[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Readers render RSS descriptions and Atom summaries (type="html") as
        # HTML; the standfirst is plain text, so it goes out escaped.
        return escape(item.standfirst)

    def item_link(self, item):
        return _absolute(item.get_absolute_url())

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed

    def subtitle(self, topic):
        return self.description(topic)
