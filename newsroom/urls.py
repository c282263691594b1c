from django.urls import path

from . import feeds, views
from .caching import cached_until_publish

app_name = "newsroom"
urlpatterns = [
    path("", views.home, name="home"),
    path("news/", views.article_list, name="article_list"),
    path("search/", views.site_search, name="search"),
    path("news/feed/rss/", cached_until_publish(feeds.LatestArticlesFeed()), name="feed_rss"),
    path("news/feed/atom/", cached_until_publish(feeds.LatestArticlesAtomFeed()), name="feed_atom"),
    path("news/topics/<slug:topic>/feed/rss/", cached_until_publish(feeds.LatestArticlesFeed()), name="topic_feed_rss"),
    path(
        "news/topics/<slug:topic>/feed/atom/",
        cached_until_publish(feeds.LatestArticlesAtomFeed()),
        name="topic_feed_atom",
    ),
    path("news/preview/<int:pk>/", views.article_preview, name="article_preview"),
    path("news/<slug:slug>/", views.article_detail, name="article_detail"),
]
