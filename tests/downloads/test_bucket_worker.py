"""Web and worker on different hosts: they share the database, the broker and
a bucket, and no folder. The worker is a real Celery process with its own
MEDIA_ROOT and temporary folder; the web side is this test process."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files import File
from django.db import connection
from django.test import Client

from downloads import services
from downloads.models import Clip, ClipRequest, Download, Rendition, Video
from mediaportal.celery import app as celery_app

from .inspection import frame_numbers

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[2]


def _worker(bucket, folder: Path) -> subprocess.Popen:
    db = connection.settings_dict
    (folder / "media").mkdir()
    (folder / "tmp").mkdir()
    env = {
        **os.environ,
        **bucket.environ(),
        "DJANGO_SETTINGS_MODULE": "mediaportal.settings_test",
        # The database pytest-django created for this run, not the one it was named after.
        "TEST_DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "TEST_REDIS_URL": celery_app.conf.broker_url,
        "MEDIA_ROOT": str(folder / "media"),
        "TMPDIR": str(folder / "tmp"),
    }
    command = [str(Path(sys.executable).with_name("celery")), "-A", "mediaportal", "worker", "-Q", "media"]
    command += ["-c", "1", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"]
    return subprocess.Popen(
        command,
        cwd=BASE_DIR,
        env=env,
        stdout=(folder / "worker.log").open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait(condition, what: str, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}:\n{log.read_text()[-3000:]}"
        time.sleep(0.2)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_ingest_clip_download_and_delete_across_hosts(s3_storage, media_files, settings, tmp_path, django_user_model):
    with celery_app.connection_for_write() as conn:
        conn.default_channel.client.delete("media", "unacked", "unacked_index", "unacked_mutex")
    celery_app.conf["CELERY_TASK_ALWAYS_EAGER"] = False
    host = tmp_path / "worker-host"
    host.mkdir()
    log = host / "worker.log"
    worker = _worker(s3_storage, host)
    try:
        with media_files["mkv"].open("rb") as handle:
            video = services.video_create(title="Archive", master=File(handle, name="archive.mkv"), publish=True)
        _wait(lambda: Video.objects.get(pk=video.pk).status != Video.Status.PROCESSING, "the ingest", log)
        video.refresh_from_db()
        assert video.status == Video.Status.READY, video.failure_reason
        web = video.renditions.get(kind=Rendition.Kind.WEB)
        assert {web.file.name, video.poster.name, video.thumbnail.name} <= s3_storage.keys()

        client = Client()
        client.force_login(django_user_model.objects.create_superuser("ed@example.org", "x"))
        body = client.post(
            "/api/clips/",
            json.dumps({"video": video.slug, "start": 0.4, "end": 1.2, "rendition": "web"}),
            content_type="application/json",
        ).json()
        request_row = ClipRequest.objects.get(pk=body["id"])
        _wait(lambda: Clip.objects.get(pk=request_row.clip_id).status == Clip.Status.READY, "the clip", log)
        clip = Clip.objects.get(pk=request_row.clip_id)
        download = tmp_path / "clip.mp4"
        download.write_bytes(_body(client.get(client.get(body["url"]).json()["download_url"])))
        assert frame_numbers(download) == list(range(10, 30))

        stored = s3_storage.read(web.file.name)
        ranged = client.get(f"/files/renditions/{web.pk}/{web.download_name()}", HTTP_RANGE="bytes=1000-")
        assert ranged.status_code == 206 and _body(ranged) == stored[1000:]
        assert Download.objects.filter(clip=clip).count() == 1

        Video.objects.get(pk=video.pk).delete()  # autocommit: the files go at once
        assert s3_storage.keys() == set()
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(30)
    # The worker host kept nothing: no media, no scratch files.
    assert list((host / "media").rglob("*")) == []
    assert list((host / "tmp").rglob("*")) == []
