"""API and file endpoints: outside the language prefix."""

from django.urls import path

from . import api, file_views

app_name = "downloads_api"
urlpatterns = [
    path("api/clips/", api.clips, name="clip_create"),
    path("api/clips/<str:pk>/", api.clip_status, name="clip_status"),
    path("files/renditions/<int:pk>/<str:filename>", file_views.rendition_file, name="rendition_file"),
    path("files/clips/<str:pk>/<str:filename>", file_views.clip_file, name="clip_file"),
    path("files/filmstrips/<slug:slug>.jpg", file_views.filmstrip, {"kind": "jpg"}, name="filmstrip_sheet"),
    path("files/filmstrips/<slug:slug>.vtt", file_views.filmstrip, {"kind": "vtt"}, name="filmstrip_track"),
    path("files/previews/<slug:slug>.mp4", file_views.preview, name="preview"),
]
