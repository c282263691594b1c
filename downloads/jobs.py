"""No media job is left behind.

Ingests (``Video`` rows) and clip renders (``Clip`` rows) are long jobs on
the ``media`` queue. Celery's late acknowledgement gives a killed worker's
message back only after the Redis visibility timeout (hours: it must exceed
the longest job), so the rows carry their own bookkeeping:

* a job *claims* its row when it starts: the row's attempt counter becomes
  the message's attempt number, and a message for an older attempt (a late
  redelivery) finds the row moved on and does nothing;
* while it runs, a thread beats on the row every ``MEDIA_HEARTBEAT_SECONDS``;
* a job that ends in an exception (or its soft time limit) marks its row
  ``failed`` with the reason before the exception goes on to the logs;
* :func:`media_sweep` (beat, every ``MEDIA_SWEEP_INTERVAL``) queues again the
  running rows whose beat stopped ``MEDIA_LOST_AFTER`` ago (the worker died:
  SIGKILL, out of memory, hard time limit, machine gone), and fails those
  that were lost ``MEDIA_MAX_ATTEMPTS`` times (a master that kills every
  worker must not kill them for ever).
"""

import logging
import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import Clip, Video

logger = logging.getLogger(__name__)


@contextmanager
def heartbeat(model, pk: int):
    """Beat on the row (``heartbeat_at = now``) from a thread while the block runs."""
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(settings.MEDIA_HEARTBEAT_SECONDS):
                model.objects.filter(pk=pk).update(heartbeat_at=timezone.now())
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"heartbeat-{model.__name__}-{pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


# --- Ingest ----------------------------------------------------------------------


def video_ingest_queue(*, video: Video, fresh: bool = False) -> None:
    """Queue (after commit) the next ingest attempt of ``video``; ``fresh``
    (a new master, or staff asking again) starts the attempt count over."""
    from .tasks import video_ingest_task

    attempts = 0 if fresh else video.ingest_attempts
    Video.objects.filter(pk=video.pk).update(
        status=Video.Status.PROCESSING, ingest_attempts=attempts, heartbeat_at=None, updated_at=timezone.now()
    )
    video.status, video.ingest_attempts, video.heartbeat_at = Video.Status.PROCESSING, attempts, None
    transaction.on_commit(lambda: video_ingest_task.delay(video.pk, attempts + 1))


def video_ingest_claim(*, video_id: int, attempt: int) -> Video | None:
    """The row, now marked as run by ``attempt``; ``None`` when this message
    is stale (the video is gone, done, or a later attempt was queued)."""
    with transaction.atomic():
        video = Video.objects.select_for_update().filter(pk=video_id).first()
        if video is None or video.status != Video.Status.PROCESSING or video.ingest_attempts != attempt - 1:
            return None
        video.ingest_attempts, video.heartbeat_at = attempt, timezone.now()
        video.save(update_fields=["ingest_attempts", "heartbeat_at"])
    return video


def video_ingest_fail(*, video_id: int, code: str, detail: str) -> None:
    """Mark the video failed (unless it got done meanwhile)."""
    logger.warning("ingest of video %s failed (%s): %s", video_id, code, detail)
    Video.objects.filter(pk=video_id).exclude(status=Video.Status.READY).update(
        status=Video.Status.FAILED,
        failure_code=code,
        failure_reason=detail[:2000],
        heartbeat_at=None,
        updated_at=timezone.now(),
    )


# --- Clips -----------------------------------------------------------------------


def clip_render_queue(*, clip: Clip) -> None:
    """Queue (after commit) the next render attempt of ``clip``."""
    from .tasks import clip_render_task

    attempt = clip.attempts + 1
    transaction.on_commit(lambda: clip_render_task.delay(clip.pk, attempt))


def clip_render_claim(*, clip_id: int, attempt: int | None) -> Clip | None:
    """The clip, now ``running`` as ``attempt``; ``None`` for a stale message."""
    with transaction.atomic():
        clip = Clip.objects.select_for_update().filter(pk=clip_id).first()
        if clip is None or clip.status not in (Clip.Status.QUEUED, Clip.Status.RUNNING):
            return None
        attempt = attempt or clip.attempts + 1
        if clip.attempts != attempt - 1:
            return None
        now = timezone.now()
        clip.status, clip.started_at, clip.progress = Clip.Status.RUNNING, now, 0
        clip.attempts, clip.heartbeat_at = attempt, now
        clip.save(update_fields=["status", "started_at", "progress", "attempts", "heartbeat_at"])
    return clip


def clip_render_fail(*, clip_id: int, detail: str) -> None:
    logger.warning("clip %s failed: %s", clip_id, detail)
    Clip.objects.filter(pk=clip_id).exclude(status=Clip.Status.READY).update(
        status=Clip.Status.FAILED, error=detail[:2000], heartbeat_at=None, finished_at=timezone.now()
    )


# --- The sweeper -----------------------------------------------------------------


def media_sweep(*, now=None) -> dict[str, int]:
    """Queue again the jobs whose worker was lost; fail those lost too often.
    Returns how many rows of each kind it queued again or failed."""
    now = now or timezone.now()
    lost_before = now - timezone.timedelta(seconds=settings.MEDIA_LOST_AFTER)
    counts = {"videos_requeued": 0, "videos_failed": 0, "clips_requeued": 0, "clips_failed": 0}
    lost_videos = Video.objects.filter(status=Video.Status.PROCESSING, heartbeat_at__lt=lost_before)
    for video_id in lost_videos.values_list("pk", flat=True):
        with transaction.atomic():
            video = (
                Video.objects.select_for_update(skip_locked=True)
                .filter(pk=video_id, status=Video.Status.PROCESSING, heartbeat_at__lt=lost_before)
                .first()
            )
            if video is None:
                continue
            if video.ingest_attempts >= settings.MEDIA_MAX_ATTEMPTS:
                video_ingest_fail(
                    video_id=video.pk,
                    code="lost",
                    detail=f"the worker processing it was lost {video.ingest_attempts} times",
                )
                counts["videos_failed"] += 1
            else:
                logger.warning("ingest of video %s lost (attempt %s): queued again", video.pk, video.ingest_attempts)
                video_ingest_queue(video=video)
                counts["videos_requeued"] += 1
    lost_clips = Clip.objects.filter(status=Clip.Status.RUNNING, heartbeat_at__lt=lost_before)
    for clip_id in lost_clips.values_list("pk", flat=True):
        with transaction.atomic():
            clip = (
                Clip.objects.select_for_update(skip_locked=True)
                .filter(pk=clip_id, status=Clip.Status.RUNNING, heartbeat_at__lt=lost_before)
                .first()
            )
            if clip is None:
                continue
            if clip.attempts >= settings.MEDIA_MAX_ATTEMPTS:
                clip_render_fail(clip_id=clip.pk, detail=f"the worker rendering it was lost {clip.attempts} times")
                counts["clips_failed"] += 1
            else:
                logger.warning("clip %s lost (attempt %s): queued again", clip.pk, clip.attempts)
                Clip.objects.filter(pk=clip.pk).update(status=Clip.Status.QUEUED, progress=0, heartbeat_at=None)
                clip_render_queue(clip=clip)
                counts["clips_requeued"] += 1
    return counts
