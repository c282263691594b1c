"""A media worker is SIGKILLed in the middle of an ingest, then of a clip
render; the sweeper (beat, in the next worker) notices the silent rows and
queues them again; both end ready, each with exactly one output file."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files import File
from django.db import connection, transaction

from downloads import services
from downloads.media.synth import Spec, make_video
from downloads.models import Clip, Rendition, Video
from mediaportal.celery import app as celery_app

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[2]
LOST_AFTER, SWEEP_INTERVAL = 3, 1
# MPEG-4 Part 2: clips of it take the full re-encode path, which is slow
# enough (with a slow preset) to be killed half-way.
MASTER = Spec(width=640, height=360, seconds=10, gop=25, video_codec="mpeg4", container="matroska")


def _worker_env(settings, tmp_path) -> dict:
    db = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mediaportal.settings_test",
        "TEST_DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "TEST_REDIS_URL": celery_app.conf.broker_url,
        "TEST_MEDIA_WORKER": "1",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "MEDIA_HEARTBEAT_SECONDS": "0.5",
        "MEDIA_LOST_AFTER": str(LOST_AFTER),
        "MEDIA_SWEEP_INTERVAL": str(SWEEP_INTERVAL),
        "WEB_VERSION_PRESET": "slow",
        "CLIP_ENCODER_PRESET": "slow",
    }


def _start_worker(env: dict, tmp_path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "mediaportal",
            "worker",
            "-Q",
            "media",
            "-c",
            "1",
            "-B",  # beat in the worker: the sweeper comes back with it
            "-s",
            str(tmp_path / "beat-schedule"),
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "info",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=(tmp_path / "workers.log").open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the pool child dies with it
    )


def _wait(condition, timeout: float, what: str, log: Path) -> float:
    began = time.monotonic()
    while not condition():
        assert time.monotonic() - began < timeout, f"timed out waiting for {what}\n" + log.read_text()[-3000:]
        time.sleep(0.1)
    return time.monotonic() - began


def _kill(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(10)


def _files(settings, folder: str) -> list[str]:
    path = Path(settings.MEDIA_ROOT) / folder
    return sorted(p.name for p in path.iterdir()) if path.exists() else []


def test_sigkilled_ingest_and_render_are_taken_up_again_and_finish_once(settings, tmp_path):
    source = tmp_path / "summit.mkv"
    make_video(source, MASTER)
    with celery_app.connection_for_write() as conn:
        conn.default_channel.client.delete("media", "unacked", "unacked_index", "unacked_mutex")
    celery_app.conf.CELERY_TASK_ALWAYS_EAGER = False
    env, log = _worker_env(settings, tmp_path), tmp_path / "workers.log"
    log.touch()
    workers = [_start_worker(env, tmp_path)]
    try:
        with source.open("rb") as handle:
            video = services.video_create(title="Summit", master=File(handle, name="summit.mkv"), publish=True)
        _wait(
            lambda: Video.objects.filter(pk=video.pk, ingest_attempts=1, heartbeat_at__isnull=False).exists(),
            60,
            "the ingest to start",
            log,
        )
        time.sleep(0.5)
        _kill(workers[0])
        assert Video.objects.get(pk=video.pk).status == Video.Status.PROCESSING, "the kill came too late"

        workers.append(_start_worker(env, tmp_path))
        recovered = _wait(
            lambda: Video.objects.get(pk=video.pk).status != Video.Status.PROCESSING, 90, "the ingest", log
        )
        video.refresh_from_db()
        assert video.status == Video.Status.READY, video.failure_reason
        assert video.ingest_attempts == 2
        assert recovered < 60
        web = video.renditions.get(kind=Rendition.Kind.WEB)
        assert len(_files(settings, "renditions")) == 2  # the master and one web version
        assert web.frame_count == 250

        master = video.renditions.get(kind=Rendition.Kind.MASTER)
        with transaction.atomic():
            clip = services.clip_request(rendition=master, first_frame=0, end_frame=round(10 * master.fps), user=None)
        _wait(
            lambda: Clip.objects.filter(pk=clip.pk, status=Clip.Status.RUNNING, attempts=1).exists(),
            60,
            "the render to start",
            log,
        )
        time.sleep(0.5)
        _kill(workers[1])
        assert Clip.objects.get(pk=clip.pk).status == Clip.Status.RUNNING, "the kill came too late"

        workers.append(_start_worker(env, tmp_path))
        requeued = _wait(lambda: Clip.objects.get(pk=clip.pk).status != Clip.Status.RUNNING, 60, "the requeue", log)
        assert requeued < 30  # worker start-up, then within MEDIA_LOST_AFTER + MEDIA_SWEEP_INTERVAL
        _wait(
            lambda: Clip.objects.get(pk=clip.pk).status in (Clip.Status.READY, Clip.Status.FAILED),
            90,
            "the render",
            log,
        )
        clip.refresh_from_db()
        assert clip.status == Clip.Status.READY, clip.error
        assert clip.attempts == 2 and clip.method == "reencode"
        assert len(_files(settings, "clips")) == 1
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(30)
