"""API and file endpoints: outside the language prefix."""

from django.urls import path

from . import api, file_views

app_name = "downloads_api"
urlpatterns = [
    path("api/clips/", api.clip_create, name="clip_create"),
    path("api/clips/<int:pk>/", api.clip_status, name="clip_status"),
    path("files/renditions/<int:pk>/<str:filename>", file_views.rendition_file, name="rendition_file"),
    path("files/clips/<int:pk>/<str:filename>", file_views.clip_file, name="clip_file"),
    path("files/previews/<slug:slug>.mp4", file_views.preview, name="preview"),
]
