"""Everything in one S3 bucket (a real S3-compatible server on loopback):
ingest, clips, full and ranged downloads, signed redirects, and the files of
deleted rows. Nothing of it lands in MEDIA_ROOT."""

import json
import os
import urllib.request
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import transaction

from downloads import files
from downloads.models import Clip, ClipRequest, Download, Rendition, Video

from .inspection import frame_numbers


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _clip(client, video, start, end, callbacks) -> ClipRequest:
    with callbacks(execute=True):
        body = client.post(
            "/api/clips/",
            json.dumps({"video": video.slug, "start": start, "end": end, "rendition": "web"}),
            content_type="application/json",
        ).json()
    return ClipRequest.objects.select_related("clip").get(pk=body["id"])


def test_every_file_of_a_video_lives_in_the_bucket(s3_storage, make_video_row, settings):
    video = make_video_row("mkv", title="Archive")
    keys = s3_storage.keys()
    names = {r.kind: r.file.name for r in video.renditions.all()}
    assert names[Rendition.Kind.MASTER] in keys and names[Rendition.Kind.WEB] in keys
    assert video.poster.name in keys and video.thumbnail.name in keys
    assert video.poster.name.startswith("posters/") and video.thumbnail.name.startswith("thumbnails/")
    # Public stills are served by the bucket, through a signed URL.
    assert video.poster.url.startswith(s3_storage.endpoint) and "Signature" in video.poster.url
    assert list(Path(settings.MEDIA_ROOT).rglob("*")) == []


def test_clip_full_and_ranged_downloads_from_the_bucket(
    s3_storage, make_video_row, admin_client, tmp_path, django_capture_on_commit_callbacks
):
    video = make_video_row("mkv", title="Archive")
    request = _clip(admin_client, video, 0.4, 1.2, django_capture_on_commit_callbacks)
    clip = request.clip
    assert clip.status == Clip.Status.READY and clip.file.name in s3_storage.keys()

    response = admin_client.get(f"/files/clips/{request.pk}/{clip.download_name()}")
    assert response.status_code == 200
    path = tmp_path / "clip.mp4"
    path.write_bytes(_body(response))
    assert frame_numbers(path) == list(range(10, 30))

    web = video.renditions.get(kind=Rendition.Kind.WEB)
    stored = s3_storage.read(web.file.name)
    url = f"/files/renditions/{web.pk}/{web.download_name()}"
    ranged = admin_client.get(url, HTTP_RANGE="bytes=100-4195")
    assert ranged.status_code == 206 and ranged["Content-Range"] == f"bytes 100-4195/{len(stored)}"
    assert _body(ranged) == stored[100:4196]
    tail = admin_client.get(url, HTTP_RANGE="bytes=-500")
    assert _body(tail) == stored[-500:]
    assert [(d.byte_start, d.byte_end, d.bytes) for d in Download.objects.order_by("pk")][-2:] == [
        (100, 4195, 4096),
        (len(stored) - 500, len(stored) - 1, 500),
    ]


def test_redirect_delivery_sends_a_short_lived_signed_url_with_the_filename(
    s3_storage, make_video_row, admin_client, settings
):
    settings.DOWNLOADS_DELIVERY = "redirect"
    master = make_video_row("bframes").renditions.get(kind=Rendition.Kind.MASTER)
    response = admin_client.get(f"/files/renditions/{master.pk}/{master.download_name()}")
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(s3_storage.endpoint) and "Expires=" in location
    assert Download.objects.filter(rendition=master, byte_start=0).count() == 1
    request = urllib.request.Request(location, headers={"Range": "bytes=0-99"})
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 206
        assert answer.read() == s3_storage.read(master.file.name)[:100]
        assert master.download_name() in answer.headers["Content-Disposition"]
        assert answer.headers["Content-Type"] == "video/mp4"


def test_anonymous_redirect_delivery_still_asks_to_log_in(s3_storage, make_video_row, client, settings):
    settings.DOWNLOADS_DELIVERY = "redirect"
    master = make_video_row("bframes").renditions.get(kind=Rendition.Kind.MASTER)
    response = client.get(f"/files/renditions/{master.pk}/{master.download_name()}")
    assert response.status_code == 401
    assert Download.objects.count() == 0


def test_workers_read_the_master_through_a_signed_url_not_a_copy(s3_storage, make_video_row):
    master = make_video_row("bframes").renditions.get(kind=Rendition.Kind.MASTER)
    with files.media_source(master.file) as source:
        assert source.startswith(s3_storage.endpoint)
        import av

        with av.open(source) as container:
            assert container.streams.video[0].frames or container.duration


def test_large_outputs_go_up_in_parts(s3_storage, tmp_path):
    big = tmp_path / "render.mp4"
    big.write_bytes(os.urandom(9 * 1024 * 1024))
    name = files.store(str(big), "clips/render.mp4")
    head = s3_storage.client.head_object(Bucket=s3_storage.name, Key=name)
    assert head["ETag"].strip('"').endswith("-2")  # a multipart upload of two parts
    assert s3_storage.read(name) == big.read_bytes()


def test_deleting_a_video_removes_its_files_after_commit(
    s3_storage, make_video_row, admin_client, django_capture_on_commit_callbacks
):
    video = make_video_row("mkv", title="Archive")
    _clip(admin_client, video, 0.4, 1.2, django_capture_on_commit_callbacks)
    before = s3_storage.keys()
    assert {k.split("/")[0] for k in before} == {"renditions", "posters", "thumbnails", "filmstrips", "clips"}

    with pytest.raises(RuntimeError), transaction.atomic():
        video.delete()
        raise RuntimeError("rolled back")
    assert s3_storage.keys() == before  # the rows are back, and so are their files

    with django_capture_on_commit_callbacks(execute=True):
        Video.objects.get(slug=video.slug).delete()
    assert s3_storage.keys() == set()


def test_deleting_an_article_removes_its_images(db, s3_storage, django_capture_on_commit_callbacks):
    from tests.newsroom.factories import ArticleFactory, jpeg_bytes

    article = ArticleFactory()
    article.hero_image.save("hero.jpg", ContentFile(jpeg_bytes(64, 48)))
    assert article.hero_image.name in s3_storage.keys()
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert not any(key.startswith("articles/") for key in s3_storage.keys())


def test_article_pages_link_images_in_the_bucket(db, s3_storage, client, django_capture_on_commit_callbacks):
    from tests.newsroom.factories import ArticleFactory, jpeg_bytes

    article = ArticleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        article.hero_image.save("hero.jpg", ContentFile(jpeg_bytes(640, 400)))
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<meta property="og:image" content="{s3_storage.endpoint}/{s3_storage.name}/articles/' in html


def test_a_row_whose_file_is_gone_is_404_not_500(s3_storage, make_video_row, admin_client):
    master = make_video_row("bframes").renditions.get(kind=Rendition.Kind.MASTER)
    s3_storage.client.delete_object(Bucket=s3_storage.name, Key=master.file.name)
    assert admin_client.get(f"/files/renditions/{master.pk}/{master.download_name()}").status_code == 404
