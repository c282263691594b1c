"""No media job left behind: unusable masters fail with a reason staff read in
their language; exceptions and time limits mark the row failed; the sweeper
queues lost jobs again and fails those lost too often."""

from fractions import Fraction

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from PIL import Image

from downloads import jobs, services, tasks
from downloads.media.synth import Spec, make_video
from downloads.models import Clip, Rendition, Video


@pytest.fixture(scope="session")
def unusable(tmp_path_factory, media_files):
    folder = tmp_path_factory.mktemp("unusable")
    files = {"photo.jpg": folder / "photo.jpg", "notes.txt": folder / "notes.txt"}
    Image.new("RGB", (640, 360), (20, 90, 160)).save(files["photo.jpg"], "JPEG")
    files["notes.txt"].write_text("Shot list\n00:00:12 Wide shot of the summit hall.\n" * 40)
    # A faststart MP4 cut at a third: its index announces 6 s, the pictures stop near 2.
    whole = folder / "whole.mp4"
    make_video(whole, Spec(seconds=6))
    files["cut-short.mp4"] = folder / "cut-short.mp4"
    _faststart_copy(whole, files["cut-short.mp4"], keep=1 / 3)
    files["wide.mp4"] = folder / "wide.mp4"
    make_video(files["wide.mp4"], Spec(width=8208, height=16, seconds=0.08, audio_codec=None))
    files["fast.mp4"] = folder / "fast.mp4"
    make_video(files["fast.mp4"], Spec(fps=Fraction(100_000), seconds=0.0002, audio_codec=None))
    files["tone.m4a"] = media_files["audio_only"]
    return files


def _faststart_copy(source, destination, keep: float) -> None:
    import av

    full = destination.with_suffix(".full.mp4")
    with av.open(str(source)) as inp, av.open(str(full), "w", options={"movflags": "+faststart"}) as out:
        streams = {s.index: out.add_stream_from_template(s) for s in inp.streams}
        for packet in inp.demux():
            if packet.dts is not None:
                packet.stream = streams[packet.stream.index]
                out.mux(packet)
    data = full.read_bytes()
    destination.write_bytes(data[: int(len(data) * keep)])


def _ingest(path, capture) -> Video:
    with path.open("rb") as handle, capture(execute=True):
        video = services.video_create(title=path.name, master=File(handle, name=path.name))
    video.refresh_from_db()
    return video


@pytest.mark.parametrize(
    ("name", "code", "french"),
    [
        ("photo.jpg", "still_image", "Ceci est une image fixe, pas une vidéo."),
        ("notes.txt", "not_video", "Ceci est un fichier texte ou un document, pas une vidéo."),
        ("cut-short.mp4", "truncated", "Ce fichier vidéo est incomplet : il s’arrête bien avant la fin qu’il annonce."),
        ("wide.mp4", "too_large", "L’image de ce fichier dépasse la 8K"),
        ("fast.mp4", "too_large", "L’image de ce fichier dépasse la 8K"),
        ("tone.m4a", "no_video", "Ce fichier ne contient pas d’image"),
    ],
)
def test_unusable_masters_end_failed_with_a_reason_in_the_staff_language(
    db, unusable, django_capture_on_commit_callbacks, name, code, french
):
    video = _ingest(unusable[name], django_capture_on_commit_callbacks)
    assert video.status == Video.Status.FAILED
    assert video.failure_code == code
    assert "returned" not in video.failure_message()  # no FFmpeg internals
    with translation.override("fr"):
        assert french in video.failure_message()
    assert not video.renditions.filter(kind=Rendition.Kind.WEB).exists()


def test_a_truncated_faststart_master_is_not_made_ready_with_part_of_its_length(
    db, unusable, django_capture_on_commit_callbacks
):
    video = _ingest(unusable["cut-short.mp4"], django_capture_on_commit_callbacks)
    assert video.status == Video.Status.FAILED
    assert "of 6.00 s" in video.failure_reason


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("photo.jpg", "This is a still image, not a video."),
        ("notes.txt", "This is a text or document file, not a video."),
        ("wide.mp4", "larger than 8K"),
        ("cut-short.mp4", "This video file is incomplete: it stops long before the end it announces."),
    ],
)
def test_the_admin_refuses_at_upload_what_it_can_tell_at_once(admin_client, unusable, name, message):
    upload = SimpleUploadedFile(name, unusable[name].read_bytes())
    response = admin_client.post(
        "/admin/downloads/video/add/",
        {"title": "Harbour", "slug": "harbour", "language": "zxx", "master": upload},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Video.objects.exists()


def test_the_admin_shows_the_problem_and_processes_again_on_request(
    admin_client, unusable, media_files, django_capture_on_commit_callbacks
):
    video = _ingest(unusable["cut-short.mp4"], django_capture_on_commit_callbacks)
    admin_client.cookies["django_language"] = "fr"
    page = admin_client.get(f"/admin/downloads/video/{video.pk}/change/").content.decode()
    assert "Ce fichier vidéo est incomplet" in page
    # Staff replace the bytes behind the master (e.g. the complete copy) and ask again.
    master = video.renditions.get(kind=Rendition.Kind.MASTER)
    with master.file.storage.open(master.file.name, "wb") as handle:
        handle.write(media_files["bframes"].read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/downloads/video/", {"action": "reprocess", "_selected_action": [video.pk]})
    assert response.status_code == 302
    video.refresh_from_db()
    assert video.status == Video.Status.READY and video.failure_code == "" and video.ingest_attempts == 1


def test_any_exception_in_an_ingest_marks_it_failed_then_goes_to_the_logs(
    make_video_row, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*, video):
        raise KeyError("a bug")

    monkeypatch.setattr(services, "video_ingest", broken)
    with pytest.raises(KeyError):
        make_video_row("bframes")
    video = Video.objects.get()
    assert video.status == Video.Status.FAILED and video.failure_code == "internal"
    assert "KeyError" in video.failure_reason
    with translation.override("fr"):
        assert "erreur de notre côté" in video.failure_message()


def test_the_soft_time_limit_marks_the_job_failed(make_video_row, monkeypatch):
    def slow(*, video):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "video_ingest", slow)
    with pytest.raises(SoftTimeLimitExceeded):
        make_video_row("bframes")
    assert Video.objects.get().failure_code == "timeout"
    assert tasks.video_ingest_task.soft_time_limit < tasks.video_ingest_task.time_limit
    assert tasks.clip_render_task.soft_time_limit < tasks.clip_render_task.time_limit


def test_a_message_for_an_older_attempt_does_nothing(make_video_row):
    video = make_video_row("bframes")
    Video.objects.filter(pk=video.pk).update(status=Video.Status.PROCESSING, ingest_attempts=2)
    assert tasks.video_ingest_task.delay(video.pk, 1).get() == "stale"
    assert Video.objects.get(pk=video.pk).ingest_attempts == 2


def _lose(model, pk, attempts, settings):
    """What a SIGKILLed worker leaves: the row running, its beat stopped."""
    silent_since = timezone.now() - timezone.timedelta(seconds=settings.MEDIA_LOST_AFTER + 1)
    status = Video.Status.PROCESSING if model is Video else Clip.Status.RUNNING
    field = "ingest_attempts" if model is Video else "attempts"
    model.objects.filter(pk=pk).update(status=status, heartbeat_at=silent_since, **{field: attempts})


def test_the_sweeper_requeues_a_lost_ingest_and_it_finishes(
    make_video_row, settings, django_capture_on_commit_callbacks
):
    video = make_video_row("bframes")
    _lose(Video, video.pk, 1, settings)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.media_sweep()["videos_requeued"] == 1
    video.refresh_from_db()
    assert video.status == Video.Status.READY and video.ingest_attempts == 2
    assert video.renditions.filter(kind=Rendition.Kind.WEB).count() == 1


def test_the_sweeper_leaves_running_jobs_alone_and_fails_those_lost_too_often(make_video_row, settings):
    alive = make_video_row("bframes", title="Alive")
    Video.objects.filter(pk=alive.pk).update(status=Video.Status.PROCESSING, heartbeat_at=timezone.now())
    lost = make_video_row("bframes", title="Lost")
    _lose(Video, lost.pk, settings.MEDIA_MAX_ATTEMPTS, settings)
    assert jobs.media_sweep() == {"videos_requeued": 0, "videos_failed": 1, "clips_requeued": 0, "clips_failed": 0}
    assert Video.objects.get(pk=alive.pk).status == Video.Status.PROCESSING
    lost.refresh_from_db()
    assert lost.status == Video.Status.FAILED and lost.failure_code == "lost"
    with translation.override("fr"):
        assert "interrompu plusieurs fois" in lost.failure_message()


def test_the_sweeper_requeues_a_lost_render_and_fails_one_lost_too_often(
    make_video_row, settings, django_capture_on_commit_callbacks
):
    rendition = make_video_row("bframes").renditions.get(kind=Rendition.Kind.MASTER)
    with django_capture_on_commit_callbacks(execute=True):
        fps = rendition.fps
        clip = services.clip_request(rendition=rendition, first_frame=round(fps), end_frame=round(2 * fps), user=None)
    _lose(Clip, clip.pk, 1, settings)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.media_sweep()["clips_requeued"] == 1
    clip.refresh_from_db()
    assert clip.status == Clip.Status.READY and clip.attempts == 2 and clip.size > 0
    _lose(Clip, clip.pk, settings.MEDIA_MAX_ATTEMPTS, settings)
    assert jobs.media_sweep()["clips_failed"] == 1
    assert Clip.objects.get(pk=clip.pk).status == Clip.Status.FAILED


def test_the_sweeper_runs_on_the_media_queue_every_interval(settings):
    from mediaportal.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["media-sweep"]
    assert entry["task"] == tasks.media_sweep_task.name and entry["task"] in app.tasks
    assert entry["schedule"] == settings.MEDIA_SWEEP_INTERVAL
    assert app.amqp.router.route({"queue": "media"}, entry["task"])["queue"].name == "media"
    assert settings.MEDIA_LOST_AFTER + settings.MEDIA_SWEEP_INTERVAL <= 10 * 60


def test_a_clip_request_for_a_failed_video_says_it_could_not_be_processed(
    db, unusable, client, django_user_model, django_capture_on_commit_callbacks
):
    video = _ingest(unusable["cut-short.mp4"], django_capture_on_commit_callbacks)
    Video.objects.filter(pk=video.pk).update(is_published=True)
    client.force_login(django_user_model.objects.create_user("sam@example.org", "x"))
    response = client.post("/api/clips/", {"video": video.slug, "start": 0, "end": 1}, content_type="application/json")
    assert response.status_code == 409
    assert "could not be processed" in response.json()["error"]
    assert "try again" not in response.json()["error"].lower()
