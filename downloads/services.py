"""Writes for the video library: ingest, clip requests and renders, expiry,
download records. Views and tasks call these; they hold the rules."""

import logging
from fractions import Fraction
from functools import partial

import av
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from . import selectors
from .files import local_path, scratch_file, store
from .media import cut as media_cut
from .media import stills
from .media import timecode as media_timecode
from .media.probe import MediaInfo, ProbeError, probe
from .models import Clip, ClipRequest, Download, Rendition, Video

logger = logging.getLogger(__name__)

WEB_MAX_HEIGHT = 720


def _quality() -> media_cut.Quality:
    return media_cut.Quality(crf=settings.CLIP_ENCODER_CRF, preset=settings.CLIP_ENCODER_PRESET)


def _unique_slug(title: str) -> str:
    base = slugify(title)[:180] or "video"
    slug, n = base, 2
    while Video.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def video_create(*, title: str, master: File, summary: str = "", publish: bool = False, **fields) -> Video:
    """A new video from an uploaded master; probing and derived files follow
    on the ``media`` queue once the transaction commits."""
    with transaction.atomic():
        video = Video.objects.create(
            title=title,
            slug=fields.pop("slug", None) or _unique_slug(title),
            summary=summary,
            is_published=publish,
            published_at=timezone.now() if publish else None,
            **fields,
        )
        video_attach_master(video=video, master=master)
    return video


def video_attach_master(*, video: Video, master: File) -> Rendition:
    """Store ``master`` as the video's original (replacing any earlier one, whose
    derived files go too) and queue processing after commit. The master file
    itself is never modified."""
    from .tasks import video_ingest_task

    for old in video.renditions.all():
        # The file goes only once the rows' deletion has committed: a rollback
        # must bring back rows whose files still exist.
        transaction.on_commit(partial(old.file.storage.delete, old.file.name))
        old.delete()
    rendition = Rendition.objects.create(video=video, kind=Rendition.Kind.MASTER, file=master, size=master.size or 0)
    Video.objects.filter(pk=video.pk).update(status=Video.Status.PROCESSING, failure_reason="")
    video.status = Video.Status.PROCESSING
    transaction.on_commit(lambda: video_ingest_task.delay(video.pk))
    return rendition


def _apply_info(rendition: Rendition, info: MediaInfo) -> None:
    rendition.container = info.container.split(",")[0]
    rendition.video_codec = info.video_codec
    rendition.audio_codec = info.audio_codec or ""
    rendition.bitrate = info.bitrate
    rendition.width, rendition.height = info.width, info.height
    rendition.frame_rate = str(info.fps)
    rendition.duration = info.duration
    rendition.start_time = info.start_time
    rendition.keyframes = info.keyframes
    rendition.size = rendition.file.size


def video_ingest(*, video: Video) -> Video:
    """Probe the master, make the poster, thumbnail and (when needed) the web
    proxy. A file that is not a usable video leaves the video ``failed`` with
    the reason; nothing else is touched. Safe to run again."""
    master = video.renditions.get(kind=Rendition.Kind.MASTER)
    try:
        with local_path(master.file) as path:
            info = probe(path)
            _apply_info(master, info)
            master.save()
            video.duration, video.frame_rate = info.duration, str(info.fps)
            video.width, video.height = info.width, info.height
            _make_stills(video, path, info)
            if not _browser_ready(info):
                _make_web_proxy(video, path, info)
    except (ProbeError, media_cut.CutError, av.FFmpegError, ValueError, OSError) as exc:
        logger.warning("ingest of video %s failed: %s", video.pk, exc)
        video.status, video.failure_reason = Video.Status.FAILED, str(exc)
        video.save(update_fields=["status", "failure_reason", "updated_at"])
        return video
    video.status, video.failure_reason = Video.Status.READY, ""
    video.save()
    video_filmstrip_queue(video=video)
    return video


def _browser_ready(info: MediaInfo) -> bool:
    return info.browser_playable and info.height <= WEB_MAX_HEIGHT


def _make_stills(video: Video, path: str, info: MediaInfo) -> None:
    image = stills.frame_at(path, min(info.duration * 0.1, 5.0))
    if video.poster:
        video.poster.delete(save=False)
    if video.thumbnail:
        video.thumbnail.delete(save=False)
    video.poster.save(f"{video.slug}.jpg", ContentFile(stills.jpeg(image, stills.POSTER_WIDTH)), save=False)
    video.thumbnail.save(f"{video.slug}.jpg", ContentFile(stills.jpeg(image, stills.THUMBNAIL_WIDTH)), save=False)


def _make_web_proxy(video: Video, path: str, info: MediaInfo) -> None:
    with scratch_file(".mp4") as output:
        media_cut.encode_range(
            path,
            output,
            start=Fraction(info.start_time),
            end=Fraction(info.start_time) + Fraction(info.duration),
            info=info,
            quality=media_cut.Quality(crf=23, preset="veryfast", audio_bitrate=128_000),
            max_height=WEB_MAX_HEIGHT,
            gop=max(round(info.fps), 1),
        )
        proxy_info = probe(output)
        old = Rendition.objects.filter(video=video, kind=Rendition.Kind.WEB).first()
        if old:
            old.file.delete(save=False)
            old.delete()
        rendition = Rendition(video=video, kind=Rendition.Kind.WEB)
        rendition.file.name = store(output, f"renditions/{video.slug}-web.mp4")
        _apply_info(rendition, proxy_info)
        rendition.save()


# --- Clips --------------------------------------------------------------------


def frame_range(*, rendition: Rendition, start: float, end: float) -> tuple[int, int]:
    """Source frames whose timestamps fall in [start, end), in seconds from
    the video's first frame (as the player counts)."""
    return media_cut.frame_range(rendition.fps, start, end)


class ClipLimitReached(Exception):
    """The user already has the maximum number of clips waiting or rendering."""


def _active_clips(user) -> int:
    return Clip.objects.filter(requested_by=user, status__in=[Clip.Status.QUEUED, Clip.Status.RUNNING]).count()


def clip_request(*, rendition: Rendition, start: float, end: float, user) -> Clip:
    """The clip for this frame range, shared by identical requests. A new or
    failed one is (re)queued on the ``media`` queue after commit. One user
    may have at most ``CLIP_MAX_ACTIVE_PER_USER`` new clips waiting at once,
    so nobody can fill the media workers' queue for everyone else."""
    from .tasks import clip_render_task

    first, last = frame_range(rendition=rendition, start=start, end=end)
    existing = Clip.objects.filter(rendition=rendition, start_frame=first, end_frame=last).exists()
    if not existing and user is not None and _active_clips(user) >= settings.CLIP_MAX_ACTIVE_PER_USER:
        raise ClipLimitReached(settings.CLIP_MAX_ACTIVE_PER_USER)
    try:
        with transaction.atomic():
            clip, created = Clip.objects.get_or_create(
                rendition=rendition,
                start_frame=first,
                end_frame=last,
                defaults={"requested_by": user},
            )
    except IntegrityError:  # an identical request won the race: share its clip
        clip, created = Clip.objects.get(rendition=rendition, start_frame=first, end_frame=last), False
    if not created and (clip.status == Clip.Status.FAILED or _stalled(clip)):
        # Failed, or its job was lost (a worker gone without a redelivery): try again.
        updated = Clip.objects.filter(pk=clip.pk, status=clip.status).update(
            status=Clip.Status.QUEUED, progress=0, error="", created_at=timezone.now()
        )
        created = bool(updated)
        clip.refresh_from_db()
    if created:
        transaction.on_commit(lambda: clip_render_task.delay(clip.pk))
    return clip


def clip_request_create(
    *,
    rendition: Rendition,
    first_frame: int,
    end_frame: int,
    user,
    name: str = "",
    format: str = ClipRequest.Format.MASTER,
) -> ClipRequest:
    """A new request of ``user`` for frames [first_frame, end_frame): always its
    own row (with its name), sharing the render of identical requests."""
    with transaction.atomic():
        # One user's requests queue up here, so parallel ones cannot all count
        # the same active clips before any of them is inserted.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        fps = rendition.fps
        clip = clip_request(rendition=rendition, start=first_frame / fps, end=end_frame / fps, user=user)
        video = rendition.video
        origin = selectors.start_timecode_of(video)
        first = media_timecode.format_frames(clip.start_frame, rendition.fps, origin)
        last = media_timecode.format_frames(clip.end_frame - 1, rendition.fps, origin)
        default = f"{video.title} {first}–{last}"
        return ClipRequest.objects.create(
            user=user,
            video=video,
            clip=clip,
            rendition_kind=rendition.kind,
            format=format,
            start_frame=clip.start_frame,
            end_frame=clip.end_frame,
            frame_rate=rendition.frame_rate,
            name=(name.strip() or default)[:200],
        )


def clip_request_rename(*, clip_request: ClipRequest, name: str) -> ClipRequest:
    clip_request.name = name.strip()[:200]
    clip_request.save(update_fields=["name"])
    return clip_request


def _stalled(clip: Clip) -> bool:
    """Queued or running for longer than any render may take."""
    if clip.status not in (Clip.Status.QUEUED, Clip.Status.RUNNING):
        return False
    since = clip.started_at or clip.created_at
    return since < timezone.now() - timezone.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


def clip_render(*, clip: Clip) -> Clip:
    """Render the clip's frames into a file in storage. Progress is written to
    the row as the work goes, so any web process can report it."""
    rendition = clip.rendition
    fps = rendition.fps
    start = Fraction(rendition.start_time) + Fraction(clip.start_frame) / fps
    end = Fraction(rendition.start_time) + Fraction(clip.end_frame) / fps

    def progress(fraction: float) -> None:
        Clip.objects.filter(pk=clip.pk).update(progress=min(99, int(fraction * 100)))

    info = MediaInfo(
        container=rendition.container,
        duration=rendition.duration or 0,
        width=rendition.width or 0,
        height=rendition.height or 0,
        fps=fps,
        video_codec=rendition.video_codec,
        audio_codec=rendition.audio_codec or None,
        bitrate=rendition.bitrate,
        start_time=rendition.start_time,
        keyframes=rendition.keyframes,
    )
    try:
        with local_path(rendition.file) as source, scratch_file(".mp4") as output:
            result = media_cut.cut(
                source, output, start=start, end=end, info=info, progress=progress, quality=_quality()
            )
            name = store(output, f"clips/{clip.download_name()}")
    except (media_cut.CutError, av.FFmpegError, OSError, ValueError) as exc:
        logger.warning("clip %s failed: %s", clip.pk, exc)
        Clip.objects.filter(pk=clip.pk).update(status=Clip.Status.FAILED, error=str(exc), finished_at=timezone.now())
        clip.refresh_from_db()
        return clip
    with transaction.atomic():
        current = Clip.objects.select_for_update().get(pk=clip.pk)
        if current.status == Clip.Status.READY:  # a re-delivered twin finished first
            current.file.storage.delete(name)
            return current
        now = timezone.now()
        current.file.name = name
        current.size = current.file.size
        current.status, current.progress, current.error = Clip.Status.READY, 100, ""
        current.method, current.reencoded_frames = result.method, result.reencoded_frames
        current.render_seconds = round(result.seconds, 3)
        current.finished_at = now
        current.expires_at = now + timezone.timedelta(days=settings.CLIP_RETENTION_DAYS)
        current.save()
    return current


def clip_expire(*, now=None) -> int:
    """Delete rendered clips past their expiry date (file and row)."""
    now = now or timezone.now()
    count = 0
    for clip in Clip.objects.filter(expires_at__lte=now):
        if clip.file:
            clip.file.delete(save=False)
        clip.delete()
        count += 1
    return count


# --- Downloads ----------------------------------------------------------------


def download_record(
    *, user, rendition: Rendition, clip: Clip | None, byte_start: int, byte_end: int | None, sent: int
) -> Download:
    return Download.objects.create(
        user=user,
        video=rendition.video,
        rendition=rendition,
        clip=clip,
        kind=Download.Kind.CLIP if clip else Download.Kind.FULL,
        clip_start=clip.start_seconds if clip else None,
        clip_end=clip.end_seconds if clip else None,
        byte_start=byte_start,
        byte_end=byte_end,
        bytes=sent,
    )


# --- Filmstrip ----------------------------------------------------------------


def video_filmstrip_queue(*, video: Video) -> None:
    """Queue the filmstrip on the ``media`` queue once the ready video is committed."""
    from .tasks import video_filmstrip_make_task

    transaction.on_commit(partial(video_filmstrip_make_task.delay, video.pk))


def video_filmstrip_make(*, video: Video) -> Video:
    """The timeline's thumbnails (sprite sheet and WebVTT track) from the master,
    stored through the storage API; earlier ones are replaced. Safe to run again."""
    from .media import filmstrip

    master = video.renditions.filter(kind=Rendition.Kind.MASTER).first()
    if master is None or not master.duration:
        return video
    try:
        with local_path(master.file) as path:
            strip = filmstrip.make(path, duration=master.duration, start_time=master.start_time)
    except (av.FFmpegError, ValueError, OSError) as exc:
        # The video stays usable without thumbnails on its timeline.
        logger.warning("filmstrip of video %s failed: %s", video.pk, exc)
        return video
    old = [field.name for field in (video.filmstrip, video.filmstrip_vtt) if field]
    video.filmstrip.save(f"{video.slug}.jpg", ContentFile(strip.sheet), save=False)
    # Both are served by a view that checks the video is visible (never a public folder).
    sheet = reverse("downloads_api:filmstrip_sheet", args=[video.slug])
    video.filmstrip_vtt.save(f"{video.slug}.vtt", ContentFile(strip.vtt.replace("{sheet}", sheet)), save=False)
    Video.objects.filter(pk=video.pk).update(filmstrip=video.filmstrip.name, filmstrip_vtt=video.filmstrip_vtt.name)
    storage = video.filmstrip.storage
    for name in old:
        transaction.on_commit(partial(storage.delete, name))
    return video
