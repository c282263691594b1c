"""Thin tasks on the ``media`` queue: claim the row, call the service. Each is
safe to run twice: a message for an attempt that is no longer the row's
current one does nothing (see ``downloads.jobs``), and whatever goes wrong
ends with the row ``failed`` and its reason, never a job left running."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from . import jobs, services
from .models import Clip, Video

LIMITS = {"soft_time_limit": settings.MEDIA_SOFT_TIME_LIMIT, "time_limit": settings.CELERY_TASK_TIME_LIMIT}


@shared_task(queue="media", **LIMITS)
def video_ingest_task(video_id: int, attempt: int = 1) -> str:
    video = jobs.video_ingest_claim(video_id=video_id, attempt=attempt)
    if video is None:
        return "stale"
    try:
        with jobs.heartbeat(Video, video.pk):
            return services.video_ingest(video=video).status
    except SoftTimeLimitExceeded:
        jobs.video_ingest_fail(video_id=video_id, code="timeout", detail="stopped at the soft time limit")
        raise
    except Exception as exc:
        jobs.video_ingest_fail(video_id=video_id, code="internal", detail=f"{exc.__class__.__name__}: {exc}")
        raise


@shared_task(queue="media", **LIMITS)
def clip_render_task(clip_id: int, attempt: int | None = None) -> str:
    clip = jobs.clip_render_claim(clip_id=clip_id, attempt=attempt)
    if clip is None:
        return "stale"
    try:
        with jobs.heartbeat(Clip, clip.pk):
            return services.clip_render(clip=clip).status
    except SoftTimeLimitExceeded:
        jobs.clip_render_fail(clip_id=clip_id, detail="stopped at the soft time limit")
        raise
    except Exception as exc:
        jobs.clip_render_fail(clip_id=clip_id, detail=f"{exc.__class__.__name__}: {exc}")
        raise


@shared_task(queue="media")
def clip_expire_task() -> int:
    return services.clip_expire()


@shared_task(queue="media")
def media_sweep_task() -> dict:
    return jobs.media_sweep()


@shared_task(queue="media")
def video_filmstrip_make_task(video_id: int) -> str:
    video = Video.objects.filter(pk=video_id).first()
    if video is None:
        return "gone"
    services.video_filmstrip_make(video=video)
    return "done"
