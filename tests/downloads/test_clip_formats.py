"""Clip formats through the API: the master's own by default, MP4 on request,
and the video page offering both with an expected size."""

import json

import pytest
from django.core.files import File

from downloads import services
from downloads.media.synth import MasterSpec, make_master
from downloads.models import Clip

from .inspection import frame_numbers


@pytest.fixture
def prores_video(db, tmp_path, django_capture_on_commit_callbacks):
    path = tmp_path / "edit-master.mov"
    make_master(path, MasterSpec(codec="prores_ks", container="mov", frames=60, options=(("profile", "3"),)))
    with path.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        video = services.video_create(title="Edit master", master=File(handle, name=path.name), publish=True)
    video.refresh_from_db()
    assert video.status == video.Status.READY, video.failure_reason
    return video


@pytest.fixture
def api(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("sam@example.org", "x"))
    return client


def _request(api, payload, capture):
    with capture(execute=True):
        return api.post("/api/clips/", json.dumps(payload), content_type="application/json")


def test_a_clip_comes_in_the_masters_format_unless_mp4_is_asked(
    api, prores_video, tmp_path, django_capture_on_commit_callbacks
):
    payload = {"video": prores_video.slug, "start": "00:00:01:00", "end": "00:00:02:00"}
    master = _request(api, payload, django_capture_on_commit_callbacks)
    mp4 = _request(api, payload | {"format": "mp4"}, django_capture_on_commit_callbacks)
    assert (master.status_code, mp4.status_code) == (202, 202)
    assert (master.json()["format"], mp4.json()["format"]) == ("master", "mp4")
    results = {}
    for response in (master, mp4):
        status = api.get(response.json()["url"]).json()
        assert status["status"] == "ready"
        download = api.get(status["download_url"])
        name = download["Content-Disposition"].split('filename="')[1].rstrip('"')
        path = tmp_path / name
        path.write_bytes(b"".join(download.streaming_content))
        assert frame_numbers(path) == list(range(25, 50))
        results[status["format"]] = (name.rsplit(".", 1)[1], status["method"])
    assert results == {"master": ("mov", "copy"), "mp4": ("mp4", "reencode")}
    assert Clip.objects.count() == 2


def test_an_unknown_format_is_refused_in_the_users_language(api, prores_video, django_capture_on_commit_callbacks):
    payload = {"video": prores_video.slug, "start": 0, "end": 1, "format": "avi"}
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/clips/", json.dumps(payload), content_type="application/json", HTTP_ACCEPT_LANGUAGE="fr"
        )
    assert response.status_code == 400
    assert response.json()["error"] == "Format inconnu : choisissez « master » ou « mp4 »."
    assert not Clip.objects.exists()


def test_the_video_page_offers_both_formats_with_a_size(api, prores_video):
    page = api.get(prores_video.get_absolute_url()).content.decode()
    assert 'name="format"' in page
    assert 'value="master"' in page and 'value="mp4"' in page
    assert 'output name="size"' in page
