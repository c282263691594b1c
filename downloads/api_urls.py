"""API and file endpoints: outside the language prefix."""

from django.urls import path

from . import api

app_name = "downloads_api"
urlpatterns = [
    path("api/clips/", api.clips, name="clip_create"),
    path("api/clips/<str:pk>/", api.clip_status, name="clip_status"),
    path("files/renditions/<int:pk>/<str:filename>", api.rendition_file, name="rendition_file"),
    path("files/clips/<str:pk>/<str:filename>", api.clip_file, name="clip_file"),
    path("files/filmstrips/<slug:slug>.jpg", api.filmstrip, {"kind": "jpg"}, name="filmstrip_sheet"),
    path("files/filmstrips/<slug:slug>.vtt", api.filmstrip, {"kind": "vtt"}, name="filmstrip_track"),
    path("files/previews/<slug:slug>.mp4", api.preview, name="preview"),
]
