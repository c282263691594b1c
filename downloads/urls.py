from django.urls import path

from . import views

app_name = "downloads"
urlpatterns = [
    path("videos/", views.video_list, name="video_list"),
    path("videos/<slug:slug>/", views.video_detail, name="video_detail"),
    path("account/clips/", views.clip_request_list, name="clip_request_list"),
    path("account/downloads/", views.download_history, name="download_history"),
]
