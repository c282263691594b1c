"""Writes for the video library: ingest, clip requests and renders, expiry,
download records. Views and tasks call these; they hold the rules."""

import logging
import secrets
from functools import partial

import av
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from . import jobs, selectors
from .files import local_path, scratch_file, store
from .media import cut as media_cut
from .media import stills, web
from .media import timecode as media_timecode
from .media.probe import MediaInfo, ProbeError, probe
from .media.web import WebVersionError
from .models import Clip, ClipRequest, Download, Rendition, Video

logger = logging.getLogger(__name__)


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
            **fields,
        )
        if publish:
            video_publish(videos=Video.objects.filter(pk=video.pk))
            video.refresh_from_db(fields=["is_published", "published_at"])
        video_attach_master(video=video, master=master)
    return video


def video_publish(*, videos: QuerySet[Video]) -> int:
    """Put the given videos on the site. One without a publication date goes
    out now; one with a date keeps it. Returns how many were published."""
    from newsroom.caching import public_cache_invalidate

    with transaction.atomic():
        videos.filter(published_at__isnull=True).update(published_at=timezone.now())
        public_cache_invalidate()  # update() sends no signal; forgets the cached feeds after commit
        return videos.update(is_published=True)


def video_unpublish(*, videos: QuerySet[Video]) -> int:
    """Take the given videos off the site (their publication date stays)."""
    from newsroom.caching import public_cache_invalidate

    with transaction.atomic():
        public_cache_invalidate()  # update() sends no signal; forgets the cached feeds after commit
        return videos.update(is_published=False)


def video_attach_master(*, video: Video, master: File) -> Rendition:
    """Store ``master`` as the video's original (replacing any earlier one, whose
    derived files go too) and queue processing after commit. The master file
    itself is never modified."""
    for old in video.renditions.all():
        # The file goes only once the rows' deletion has committed: a rollback
        # must bring back rows whose files still exist.
        transaction.on_commit(partial(old.file.storage.delete, old.file.name))
        old.delete()
    rendition = Rendition.objects.create(video=video, kind=Rendition.Kind.MASTER, file=master, size=master.size or 0)
    video_reprocess(video=video)
    return rendition


def video_reprocess(*, video: Video) -> None:
    """Process the master again from the start (a new master, or staff asking
    after a failure): the status goes back to processing, the attempt count to zero."""
    Video.objects.filter(pk=video.pk).update(failure_reason="", failure_code="")
    video.failure_reason = video.failure_code = ""
    jobs.video_ingest_queue(video=video, fresh=True)


# What a master that cannot be used raises; anything else is a bug, which the
# task records as an "internal" failure before it goes to the logs.
MEDIA_PROBLEMS = (ProbeError, WebVersionError, media_cut.CutError, av.FFmpegError, OSError)


def video_ingest(*, video: Video) -> Video:
    """Probe the master, make the poster, thumbnail and web version. A file
    that is not a usable video leaves the video ``failed`` with the reason
    (its code for staff, FFmpeg's detail for the technical team). Safe to run
    again: derived files are replaced."""
    master = video.renditions.get(kind=Rendition.Kind.MASTER)
    try:
        with local_path(master.file) as path:
            info = probe(path)
            master.set_media_info(info)
            master.save()
            video.duration, video.frame_rate = info.duration, str(info.fps)
            video.width, video.height = info.display_size
            _make_stills(video, path, info)
            _make_web_version(video, path, info)
    except MEDIA_PROBLEMS as exc:
        code = getattr(exc, "code", "damaged" if isinstance(exc, av.FFmpegError) else "unreadable")
        jobs.video_ingest_fail(video_id=video.pk, code=code, detail=str(exc))
        video.refresh_from_db()
        return video
    video.status, video.failure_reason, video.failure_code, video.heartbeat_at = Video.Status.READY, "", "", None
    video.save()
    # The filmstrip is a task of its own: the video is usable without it.
    video_filmstrip_queue(video=video)
    return video


def _make_stills(video: Video, path: str, info: MediaInfo) -> None:
    image = stills.frame_at(path, info.start_time + min(info.duration * 0.1, 5.0), rotation=info.rotation)
    if video.poster:
        video.poster.delete(save=False)
    if video.thumbnail:
        video.thumbnail.delete(save=False)
    video.poster.save(f"{video.slug}.jpg", ContentFile(stills.jpeg(image, stills.POSTER_WIDTH)), save=False)
    video.thumbnail.save(f"{video.slug}.jpg", ContentFile(stills.jpeg(image, stills.THUMBNAIL_WIDTH)), save=False)


def _make_web_version(video: Video, path: str, info: MediaInfo) -> None:
    """Every master gets one: the preview never plays the master itself."""

    with scratch_file(".mp4") as output:
        web.make_web_version(path, output, info=info, settings=_web_settings())
        web_info = probe(output)
        old = Rendition.objects.filter(video=video, kind=Rendition.Kind.WEB).first()
        if old:
            transaction.on_commit(partial(old.file.storage.delete, old.file.name))
            old.delete()
        rendition = Rendition(video=video, kind=Rendition.Kind.WEB)
        # A new name for every web version: nothing (a cache, a half-finished
        # download) can mistake it for the one it replaces.
        rendition.file.name = store(output, f"renditions/{video.slug}-web-{secrets.token_hex(4)}.mp4")
        rendition.set_media_info(web_info)
        rendition.save()


def _web_settings() -> web.WebSettings:
    return web.WebSettings(crf=settings.WEB_VERSION_CRF, preset=settings.WEB_VERSION_PRESET)


# --- Clips --------------------------------------------------------------------


class ClipLimitReached(Exception):
    """The user already has the maximum number of clips waiting or rendering."""


def _active_clips(user) -> int:
    return Clip.objects.filter(requested_by=user, status__in=[Clip.Status.QUEUED, Clip.Status.RUNNING]).count()


def clip_request(
    *, rendition: Rendition, first_frame: int, end_frame: int, format: str = Clip.Format.MASTER, user
) -> Clip:
    """The clip of frames [first_frame, end_frame) in ``format``, shared by
    identical requests. A new or failed one is (re)queued on the ``media``
    queue after commit. One user may have at most
    ``CLIP_MAX_ACTIVE_PER_USER`` new clips waiting at once, so nobody can
    fill the media workers' queue for everyone else."""
    key = {"rendition": rendition, "start_frame": first_frame, "end_frame": end_frame, "format": format}
    existing = Clip.objects.filter(**key).exists()
    if not existing and user is not None and _active_clips(user) >= settings.CLIP_MAX_ACTIVE_PER_USER:
        raise ClipLimitReached(settings.CLIP_MAX_ACTIVE_PER_USER)
    try:
        with transaction.atomic():
            clip, created = Clip.objects.get_or_create(**key, defaults={"requested_by": user})
    except IntegrityError:  # an identical request won the race: share its clip
        clip, created = Clip.objects.get(**key), False
    if not created and (clip.status == Clip.Status.FAILED or _stalled(clip)):
        # Failed, or its job was lost (a worker gone without a redelivery): try again.
        updated = Clip.objects.filter(pk=clip.pk, status=clip.status).update(
            status=Clip.Status.QUEUED, progress=0, error="", created_at=timezone.now(), attempts=0, heartbeat_at=None
        )
        created = bool(updated)
        clip.refresh_from_db()
    if created:
        jobs.clip_render_queue(clip=clip)
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
        clip = clip_request(rendition=rendition, first_frame=first_frame, end_frame=end_frame, format=format, user=user)
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
    """Render the clip's frames into a file in storage, in the master's format
    or as MP4, checked by the engine's exactness guard. Progress is written
    to the row as the work goes, so any web process can report it."""
    rendition = clip.rendition

    def progress(fraction: float) -> None:
        Clip.objects.filter(pk=clip.pk).update(progress=min(99, int(fraction * 100)))

    info = rendition.media_info()
    target = "mp4" if clip.format == Clip.Format.MP4 else "master"
    try:
        with local_path(rendition.file) as source:
            wrapper = media_cut.clip_wrapper(source, target)
            clip.extension = wrapper.extension
            with scratch_file(f".{wrapper.extension}") as output:
                result = media_cut.cut(
                    source,
                    output,
                    first_frame=clip.start_frame,
                    end_frame=clip.end_frame,
                    info=info,
                    target=target,
                    progress=progress,
                    quality=_quality(),
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
        current.extension = wrapper.extension
        current.size = current.file.size
        current.status, current.progress, current.error = Clip.Status.READY, 100, ""
        current.method, current.reencoded_frames = result.method, result.reencoded_frames
        current.render_note = result.note
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
