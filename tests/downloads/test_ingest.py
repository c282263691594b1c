"""Ingest: probing, posters, web proxies, and files that are not videos."""

import pytest
from django.core.management import call_command

from downloads.models import Rendition, Video


def test_h264_master_is_probed_and_gets_poster_and_thumbnail(make_video_row):
    video = make_video_row("bframes")
    assert video.status == Video.Status.READY
    assert (video.width, video.height, video.frame_rate) == (320, 180, "25")
    assert video.duration == pytest.approx(6.0, abs=0.05)
    master = video.renditions.get(kind=Rendition.Kind.MASTER)
    assert master.video_codec == "h264" and master.audio_codec == "aac"
    assert master.keyframes == [float(s) for s in range(6)]
    assert video.poster.size > 0 and video.thumbnail.size > 0
    # Even a browser-playable, small master gets a web version: the preview
    # plays only that, never the master itself.
    web = video.renditions.get(kind=Rendition.Kind.WEB)
    assert (web.video_codec, web.width, web.height) == ("h264", 320, 180)
    assert web.frame_count == master.frame_count == 150


def test_master_that_browsers_cannot_play_gets_an_h264_web_proxy(make_video_row):
    video = make_video_row("mkv")
    assert video.status == Video.Status.READY
    web = video.renditions.get(kind=Rendition.Kind.WEB)
    assert (web.video_codec, web.audio_codec, web.container) == ("h264", "aac", "mov")
    assert web.height <= 720
    assert web.duration == pytest.approx(3.0, abs=0.05)
    master = video.renditions.get(kind=Rendition.Kind.MASTER)
    assert master.file.read(4) != b""  # the master is kept as it was


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("not_video", "not a readable media file"),
        ("truncated", "not a readable media file"),
        ("audio_only", "no video stream"),
    ],
)
def test_files_that_are_not_usable_videos_fail_with_a_reason(make_video_row, source, reason):
    video = make_video_row(source)
    assert video.status == Video.Status.FAILED
    assert reason in video.failure_reason


def test_a_failed_video_is_not_listed_and_its_page_says_why_to_staff(make_video_row, client, admin_user):
    video = make_video_row("not_video")
    assert client.get("/en/videos/").content.decode().count(video.title) == 0
    client.force_login(admin_user)
    page = client.get(video.get_absolute_url()).content.decode()
    assert "could not be processed" in page and "not a readable media file" in page


@pytest.mark.django_db
def test_import_video_prints_the_slug_last(media_files, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_video", str(media_files["bframes"]), "--title", "Harbour exercise", "--publish")
    last_line = capsys.readouterr().out.strip().splitlines()[-1]
    video = Video.objects.get(slug=last_line)
    assert video.title == "Harbour exercise" and video.is_published and video.status == Video.Status.READY


def test_the_public_never_sees_why_processing_failed(make_video_row, client):
    video = make_video_row("not_video", publish=True)
    html = client.get(video.get_absolute_url()).content.decode()
    assert "not available at the moment" in html
    assert "not a readable media file" not in html


def test_replacing_the_master_keeps_the_old_files_until_the_replacement_commits(
    make_video_row, media_files, django_capture_on_commit_callbacks
):
    from django.core.files import File
    from django.db import transaction

    from downloads import services

    video = make_video_row("bframes")
    old_names = [r.file.name for r in video.renditions.all()]
    storage = video.renditions.first().file.storage
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic(), media_files["mkv"].open("rb") as handle:
            services.video_attach_master(video=video, master=File(handle, name="new.mkv"))
            raise RuntimeError("the admin save failed after the upload")
    # Rolled back: the rows are back, and so are their files.
    assert sorted(r.file.name for r in video.renditions.all()) == sorted(old_names)
    assert all(storage.exists(name) for name in old_names)

    with media_files["mkv"].open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        services.video_attach_master(video=video, master=File(handle, name="new.mkv"))
    assert not any(storage.exists(name) for name in old_names)
