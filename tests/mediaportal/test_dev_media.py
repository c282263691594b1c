"""Finding 4 of the security review: with DEBUG=1 the development media route
served every master and clip through ``posters/../renditions/...``."""

from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_files(settings):
    import importlib

    from django.urls import clear_url_caches, set_urlconf

    import mediaportal.urls

    # pytest-django runs with DEBUG off: turn it on and rebuild the routes, as
    # ``make run`` would have them.
    settings.DEBUG = True
    importlib.reload(mediaportal.urls)
    clear_url_caches()
    yield _files()
    settings.DEBUG = False
    importlib.reload(mediaportal.urls)
    clear_url_caches()
    set_urlconf(None)


def _files():
    root = Path(settings.MEDIA_ROOT)
    for folder in ("posters", "renditions", "clips"):
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / "file.jpg").write_bytes(folder.encode())
    return root


@pytest.mark.parametrize(
    "escape",
    [
        "/media/posters/../renditions/file.jpg",
        "/media/posters/%2e%2e/renditions/file.jpg",
        "/media/posters/%2E%2E/clips/file.jpg",
        "/media/thumbnails/..%2fclips/file.jpg",
        "/media/articles/..%5cclips/file.jpg",
        "/media/posters/../../media/clips/file.jpg",
        "/media/renditions/file.jpg",
        "/media/./renditions/file.jpg",
    ],
)
def test_dev_media_route_cannot_leave_the_public_folders(client, media_files, escape):
    response = client.get(escape)
    assert response.status_code == 404
    assert not getattr(response, "streaming", False)  # no file was opened


def test_dev_media_route_serves_public_files(client, media_files):
    response = client.get("/media/posters/file.jpg")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"posters"
