"""Clip jobs through a real Celery worker on Redis: progress, sharing, expiry."""

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from downloads import services
from downloads.models import Clip, ClipRequest, Video

pytestmark = pytest.mark.worker


def _wait(predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


@pytest.fixture
def ready_video(make_video_row):
    video = make_video_row("bframes", title="Summit arrivals")
    _wait(lambda: Video.objects.get(pk=video.pk).status == Video.Status.READY)
    return video


def test_concurrent_identical_requests_wait_on_one_job(celery_worker, ready_video, django_user_model):
    users = [django_user_model.objects.create_user(f"user{i}@example.org", "x") for i in range(4)]
    answers, errors = [], []

    def request(user):
        try:
            client = Client()
            client.force_login(user)
            answers.append(
                client.post(
                    "/api/clips/",
                    {"video": ready_video.slug, "start": 0.52, "end": 5.2},
                    content_type="application/json",
                ).json()
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=request, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    # Four people, four requests of their own, one render.
    assert len({answer["id"] for answer in answers}) == 4
    assert len({ClipRequest.objects.get(pk=answer["id"]).clip_id for answer in answers}) == 1
    clip_id = ClipRequest.objects.get(pk=answers[0]["id"]).clip_id
    _wait(lambda: Clip.objects.get(pk=clip_id).status == Clip.Status.READY)
    assert Clip.objects.count() == 1
    clip = Clip.objects.get()
    assert clip.method == "smart" and clip.progress == 100 and clip.size > 0
    assert clip.expires_at > timezone.now()


def test_expired_clips_are_removed_with_their_files(ready_video, django_capture_on_commit_callbacks, settings):
    rendition = ready_video.renditions.get(kind="master")
    with django_capture_on_commit_callbacks(execute=True):
        clip = services.clip_request(rendition=rendition, first_frame=25, end_frame=50, user=None)
    clip.refresh_from_db()
    storage, name = clip.file.storage, clip.file.name
    assert storage.exists(name)
    assert services.clip_expire(now=timezone.now()) == 0
    later = timezone.now() + timezone.timedelta(days=settings.CLIP_RETENTION_DAYS, minutes=1)
    assert services.clip_expire(now=later) == 1
    assert not storage.exists(name)
    assert not Clip.objects.exists()


def test_clip_expiry_runs_as_a_periodic_task(ready_video, django_capture_on_commit_callbacks, settings):
    from downloads.tasks import clip_expire_task
    from mediaportal.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["clips-expire"]
    assert entry["task"] == clip_expire_task.name and entry["task"] in app.tasks
    with django_capture_on_commit_callbacks(execute=True):
        clip = services.clip_request(
            rendition=ready_video.renditions.get(kind="master"), first_frame=25, end_frame=50, user=None
        )
    Clip.objects.filter(pk=clip.pk).update(expires_at=timezone.now())
    assert clip_expire_task.delay().get() == 1
    assert not Clip.objects.exists()
