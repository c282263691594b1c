"""Staff upload masters in the admin; processing follows; failures are shown."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from downloads.models import Clip, Download, Rendition, Video
from tests.newsroom.factories import VideoFactory


def _add(admin_client, upload, title="Harbour exercise"):
    return admin_client.post(
        "/admin/downloads/video/add/",
        {
            "title": title,
            "slug": "harbour-exercise",
            "summary": "",
            "shot_list": "",
            "recorded_at": "",
            "language": "zxx",
            "credits": "",
            "usage_terms": "",
            "is_published": "on",
            "master": upload,
            "renditions-TOTAL_FORMS": "0",
            "renditions-INITIAL_FORMS": "0",
        },
    )


def test_staff_upload_a_master_and_it_is_processed(admin_client, media_files, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("harbour.mp4", media_files["bframes"].read_bytes(), content_type="video/mp4")
    with django_capture_on_commit_callbacks(execute=True):
        response = _add(admin_client, upload)
    assert response.status_code == 302
    video = Video.objects.get(slug="harbour-exercise")
    assert video.status == Video.Status.READY and video.is_published and video.published_at
    assert video.renditions.get(kind=Rendition.Kind.MASTER).video_codec == "h264"


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("not_video", "This file is not a video we can read."),
        ("truncated", "This file is not a video we can read."),
        ("audio_only", "This file has no picture: it may be a sound recording."),
    ],
)
def test_a_file_that_is_not_a_video_is_refused_at_upload(admin_client, media_files, source, reason):
    upload = SimpleUploadedFile("clip.mp4", media_files[source].read_bytes(), content_type="video/mp4")
    response = _add(admin_client, upload)
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not Video.objects.exists()


def test_damage_found_during_processing_shows_in_the_admin(admin_client, make_video_row):
    # Damage past the header passes the upload check; processing then fails
    # the video with its reason, which staff see on the change page.
    video = make_video_row("not_video")
    page = admin_client.get(f"/admin/downloads/video/{video.pk}/change/").content.decode()
    assert video.status == Video.Status.FAILED
    assert "not a readable media file" in page


def test_a_new_video_needs_a_master(admin_client):
    response = _add(admin_client, "")
    assert response.status_code == 200
    assert "Upload the master file" in response.content.decode()
    assert not Video.objects.exists()


@pytest.mark.parametrize("model", [Clip, Download])
def test_clip_and_download_lists_are_read_only_for_staff(admin_client, model):
    url = f"/admin/downloads/{model._meta.model_name}/"
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url + "add/").status_code == 403


def test_the_upload_problem_is_told_in_the_staff_members_language(admin_client, media_files):
    upload = SimpleUploadedFile("son.mp4", media_files["audio_only"].read_bytes(), content_type="video/mp4")
    admin_client.cookies["django_language"] = "fr"
    response = _add(admin_client, upload)
    assert "Ce fichier ne contient pas d’image : c’est peut-être un enregistrement sonore." in response.content.decode()


def test_a_shot_list_line_without_a_timecode_is_named_in_the_admin(admin_client, media_files):
    upload = SimpleUploadedFile("harbour.mp4", media_files["bframes"].read_bytes(), content_type="video/mp4")
    response = admin_client.post(
        "/admin/downloads/video/add/",
        {
            "title": "Harbour exercise",
            "slug": "harbour-exercise",
            "shot_list": "00:00:00 Ships leaving\nRescue boat alongside",
            "language": "zxx",
            "master": upload,
            "renditions-TOTAL_FORMS": "0",
            "renditions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Line 2: start with a timecode such as 00:01:02" in response.content.decode()
    assert not Video.objects.exists()


# --- Odd and hostile input: a 4xx with a message, never a 500 ---


@pytest.mark.django_db
def test_a_video_publication_date_out_of_range_is_refused(staff_client):
    video = VideoFactory(slug="harbour")
    data = {
        "title": "Harbour",
        "slug": "harbour",
        "language": "zxx",
        "is_published": "on",
        "published_at_0": "0001-01-01",
        "published_at_1": "00:00",
        "renditions-TOTAL_FORMS": "0",
        "renditions-INITIAL_FORMS": "0",
    }
    response = staff_client.post(f"/admin/downloads/video/{video.pk}/change/", data)
    assert response.status_code == 200
    assert "Enter a date between the years 1900 and 2999." in response.content.decode()
    assert staff_client.get("/en/videos/").status_code == 200
