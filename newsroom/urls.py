from django.urls import path

from . import views

app_name = "newsroom"
urlpatterns = [
    path("", views.home, name="home"),
    path("news/", views.article_list, name="article_list"),
    path("news/<slug:slug>/", views.article_detail, name="article_detail"),
]
