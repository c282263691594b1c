"""Nothing in the video pipeline needs the local disk: with a storage that
has no local paths (as S3 through django-storages), ingest, clips and
ranged downloads still work."""

import json
import os

import pytest

from downloads.models import Clip, ClipRequest, Rendition

from .inspection import frame_numbers


@pytest.fixture
def remote_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


def test_ingest_clip_and_download_without_local_files(
    remote_storage, make_video_row, admin_client, tmp_path, django_capture_on_commit_callbacks
):
    video = make_video_row("mkv", title="Archive")
    web = video.renditions.get(kind=Rendition.Kind.WEB)
    assert not os.path.exists(web.file.path)  # the bytes live in the storage, not on disk
    assert video.poster.size > 0

    with django_capture_on_commit_callbacks(execute=True):
        body = admin_client.post(
            "/api/clips/",
            json.dumps({"video": video.slug, "start": 0.4, "end": 1.2, "rendition": "web"}),
            content_type="application/json",
        ).json()
    clip = ClipRequest.objects.get(pk=body["id"]).clip
    assert clip.status == Clip.Status.READY

    response = admin_client.get(admin_client.get(body["url"]).json()["download_url"])
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"".join(response.streaming_content))
    assert frame_numbers(path) == list(range(10, 30))
    ranged = admin_client.get(f"/files/renditions/{web.pk}/{web.download_name()}", HTTP_RANGE="bytes=100-199")
    assert ranged.status_code == 206
    served = b"".join(ranged.streaming_content)  # (InMemoryStorage shares one position per file)
    with web.file.storage.open(web.file.name, "rb") as handle:
        assert served == handle.read()[100:200]
