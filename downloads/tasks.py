"""Thin tasks on the ``media`` queue: load the row, call the service. Each is
safe to run twice (a re-delivered task after a worker died does the work
again or finds it done)."""

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from . import services
from .models import Clip, Video


@shared_task(queue="media")
def video_ingest_task(video_id: int) -> str:
    video = Video.objects.filter(pk=video_id).first()
    if video is None:
        return "gone"
    return services.video_ingest(video=video).status


@shared_task(queue="media")
def clip_render_task(clip_id: int) -> str:
    with transaction.atomic():
        clip = Clip.objects.select_for_update().filter(pk=clip_id).first()
        if clip is None or clip.status == Clip.Status.READY:
            return "done"
        clip.status, clip.started_at, clip.progress = Clip.Status.RUNNING, timezone.now(), 0
        clip.save(update_fields=["status", "started_at", "progress"])
    return services.clip_render(clip=clip).status


@shared_task(queue="media")
def clip_expire_task() -> int:
    return services.clip_expire()


@shared_task(queue="media")
def video_filmstrip_make_task(video_id: int) -> str:
    video = Video.objects.filter(pk=video_id).first()
    if video is None:
        return "gone"
    services.video_filmstrip_make(video=video)
    return "done"
