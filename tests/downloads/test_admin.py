"""Staff upload masters in the admin; processing follows; failures are shown."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from downloads.models import Clip, Download, Rendition, Video


def _add(admin_client, upload, title="Harbour exercise"):
    return admin_client.post("/admin/downloads/video/add/", {
        "title": title, "slug": "harbour-exercise", "summary": "", "shot_list": "", "recorded_at": "",
        "language": "zxx", "credits": "", "usage_terms": "", "is_published": "on", "master": upload,
        "renditions-TOTAL_FORMS": "0", "renditions-INITIAL_FORMS": "0",
    })


def test_staff_upload_a_master_and_it_is_processed(admin_client, media_files, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("harbour.mp4", media_files["bframes"].read_bytes(), content_type="video/mp4")
    with django_capture_on_commit_callbacks(execute=True):
        response = _add(admin_client, upload)
    assert response.status_code == 302
    video = Video.objects.get(slug="harbour-exercise")
    assert video.status == Video.Status.READY and video.is_published and video.published_at
    assert video.renditions.get(kind=Rendition.Kind.MASTER).video_codec == "h264"


def test_a_corrupt_upload_ends_failed_with_the_reason_in_the_admin(admin_client, media_files, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("broken.mp4", media_files["truncated"].read_bytes(), content_type="video/mp4")
    with django_capture_on_commit_callbacks(execute=True):
        _add(admin_client, upload)
    video = Video.objects.get(slug="harbour-exercise")
    assert video.status == Video.Status.FAILED
    page = admin_client.get(f"/admin/downloads/video/{video.pk}/change/").content.decode()
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
