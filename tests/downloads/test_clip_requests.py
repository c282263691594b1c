"""Clip requests: one row per person and request, on a shared render; only the
person who asked sees it (security finding 9), and the per-user limit holds
against parallel requests (finding 10)."""

import json
import threading
from fractions import Fraction

import pytest
from django.db import connection
from django.test import Client

from downloads import services
from downloads.media import timecode
from downloads.models import Clip, ClipRequest

from .inspection import frame_numbers


@pytest.fixture
def video(make_video_row):
    return make_video_row("bframes", title="Summit arrivals")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client, payload):
    return client.post("/api/clips/", json.dumps(payload), content_type="application/json")


def test_another_user_cannot_read_or_download_my_clip(
    video, django_user_model, tmp_path, django_capture_on_commit_callbacks
):
    alice = _client(django_user_model.objects.create_user("alice@example.org", "x"))
    mallory = _client(django_user_model.objects.create_user("mallory@example.org", "x"))
    with django_capture_on_commit_callbacks(execute=True):
        mine = _post(alice, {"video": video.slug, "start": 1.0, "end": 2.0, "name": "Arrivals"}).json()
    status = alice.get(mine["url"]).json()
    assert status["status"] == "ready" and status["name"] == "Arrivals"
    # Neither the request id nor the file address works for anyone else.
    assert mallory.get(mine["url"]).status_code == 404
    assert mallory.get(status["download_url"]).status_code == 404
    assert mallory.patch(mine["url"], json.dumps({"name": "x"}), content_type="application/json").status_code == 404
    assert mallory.get("/api/clips/").json() == {"clips": []}
    # Asking for the same range gives mallory her own request on the same render.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        hers = _post(mallory, {"video": video.slug, "start": 1.0, "end": 2.0}).json()
    assert callbacks == []  # no second render
    assert hers["id"] != mine["id"] and hers["status"] == "ready"
    assert ClipRequest.objects.get(pk=hers["id"]).clip_id == ClipRequest.objects.get(pk=mine["id"]).clip_id
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"".join(mallory.get(hers["download_url"]).streaming_content))
    assert frame_numbers(path) == list(range(25, 50))
    assert alice.get("/api/clips/").json()["clips"][0]["name"] == "Arrivals"


def test_request_ids_are_not_sequential(video, django_user_model, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    api = _client(django_user_model.objects.create_user("sam@example.org", "x"))
    ids = [_post(api, {"video": video.slug, "start": n, "end": n + 1}).json()["id"] for n in range(2)]
    assert all(len(i) == 36 for i in ids) and ids[0] != ids[1]


def test_parallel_requests_cannot_beat_the_per_user_limit(
    transactional_db, make_video_row, django_user_model, settings
):
    from mediaportal.celery import app

    settings.CLIP_MAX_ACTIVE_PER_USER = 4
    video = make_video_row("bframes", title="Summit arrivals")
    user = django_user_model.objects.create_user("sam@example.org", "x")
    rendition = video.renditions.get(kind="master")
    # Nothing renders here: the jobs stay queued (on this run's own Redis database).
    app.conf["CELERY_TASK_ALWAYS_EAGER"] = False
    barrier = threading.Barrier(10)
    outcomes = []

    def ask(n):
        try:
            barrier.wait()
            services.clip_request_create(rendition=rendition, first_frame=n * 10, end_frame=n * 10 + 10, user=user)
            outcomes.append("accepted")
        except services.ClipLimitReached:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.connection_for_write() as conn:
        conn.default_channel.client.delete("media")
    assert sorted(outcomes) == ["accepted"] * 4 + ["refused"] * 6
    assert Clip.objects.filter(requested_by=user).count() == 4


def test_my_clips_lists_each_request_with_its_range_in_timecode(video, django_user_model, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    api = _client(django_user_model.objects.create_user("sam@example.org", "x"))
    first = _post(api, {"video": video.slug, "start": 1.52, "end": 4.6}).json()
    _post(api, {"video": video.slug, "start": 1.52, "end": 4.6, "format": "mp4"})
    assert first["name"] == "Summit arrivals 00:00:01:13–00:00:04:14"
    assert (first["timecode_in"], first["timecode_out"], first["duration"]) == (
        "00:00:01:13",
        "00:00:04:14",
        "00:00:03:02",
    )
    listed = api.get(f"/api/clips/?video={video.slug}").json()["clips"]
    assert [c["format"] for c in listed] == ["mp4", "master"]  # newest first, two rows
    renamed = api.patch(first["url"], json.dumps({"name": "Handshake"}), content_type="application/json")
    assert renamed.json()["name"] == "Handshake"
    assert api.patch(first["url"], json.dumps({"name": " "}), content_type="application/json").status_code == 400
    assert _post(api, {"video": video.slug, "start": 1, "end": 2, "format": "avi"}).status_code == 400
    page = api.get("/en/account/clips/").content.decode()
    assert "Handshake" in page and "00:00:01:13" in page and "00:00:04:14" in page


def test_an_expired_clip_stays_in_the_history_without_a_download(
    video, django_user_model, settings, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    api = _client(django_user_model.objects.create_user("sam@example.org", "x"))
    with django_capture_on_commit_callbacks(execute=True):
        body = _post(api, {"video": video.slug, "start": 1, "end": 2}).json()
    assert api.get(body["url"]).json()["expires"]
    page = api.get("/en/account/clips/").content.decode()
    assert "Expires" in page
    services.clip_expire(now=timezone.now() + timezone.timedelta(days=settings.CLIP_RETENTION_DAYS + 1))
    status = api.get(body["url"]).json()
    assert status["status"] == "expired" and "download_url" not in status
    assert "Expired" in api.get("/en/account/clips/").content.decode()


def test_frame_timecodes_count_from_the_start_timecode():
    assert timecode.format_frames(38, Fraction(25)) == "00:00:01:13"
    assert timecode.format_frames(38, Fraction(25), "10:00:00:00") == "10:00:01:13"
    assert timecode.format_frames(30, Fraction(30000, 1001), "00:59:59:29") == "01:00:00:29"
