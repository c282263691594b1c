import uuid
from fractions import Fraction

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .shotlist import validate_shot_list


class Video(models.Model):
    """One piece of footage the organisation publishes, with its renditions."""

    class Status(models.TextChoices):
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    shot_list = models.TextField(
        _("shot list"),
        blank=True,
        help_text=_("One shot a line, e.g. 00:00:12 Wide shot of the summit hall."),
        validators=[validate_shot_list],
    )
    recorded_on = models.DateField(_("recording date"), null=True, blank=True)
    recorded_at = models.CharField(_("recording place"), max_length=200, blank=True)
    credits = models.CharField(_("credits"), max_length=200, blank=True)
    usage_terms = models.TextField(_("usage terms"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES + [("zxx", _("No speech"))], default="zxx"
    )
    duration = models.FloatField(_("duration (seconds)"), null=True, blank=True, editable=False)
    frame_rate = models.CharField(_("frame rate"), max_length=20, blank=True, editable=False)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROCESSING, editable=False
    )
    failure_reason = models.TextField(_("failure reason"), blank=True, editable=False)
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("publication date"), null=True, blank=True)
    poster = models.ImageField(_("poster"), upload_to="posters/", blank=True, editable=False)
    thumbnail = models.ImageField(_("thumbnail"), upload_to="thumbnails/", blank=True, editable=False)
    # Thumbnails along the timeline: one sprite sheet and the WebVTT track that maps times to tiles.
    filmstrip = models.ImageField(_("filmstrip"), upload_to="filmstrips/", blank=True, editable=False)
    filmstrip_vtt = models.FileField(_("filmstrip track"), upload_to="filmstrips/", blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("video")
        verbose_name_plural = _("videos")
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["is_published", "status", "-published_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("downloads:video_detail", kwargs={"slug": self.slug})

    @property
    def fps(self) -> Fraction | None:
        return Fraction(self.frame_rate) if self.frame_rate else None

    @property
    def fps_value(self) -> float | None:
        return float(self.fps) if self.frame_rate else None


class Rendition(models.Model):
    """One file of a video: the untouched master, or a derived one."""

    class Kind(models.TextChoices):
        MASTER = "master", _("Original master")
        WEB = "web", _("Web version")

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="renditions")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="renditions/", max_length=300)
    size = models.BigIntegerField(_("size (bytes)"), default=0)
    container = models.CharField(_("container"), max_length=40, blank=True)
    video_codec = models.CharField(_("video codec"), max_length=40, blank=True)
    audio_codec = models.CharField(_("audio codec"), max_length=40, blank=True)
    bitrate = models.PositiveBigIntegerField(_("bitrate (bit/s)"), null=True, blank=True)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    frame_rate = models.CharField(_("frame rate"), max_length=20, blank=True)
    duration = models.FloatField(_("duration (seconds)"), null=True, blank=True)
    start_time = models.FloatField(_("start time (seconds)"), default=0)
    # Presentation times (seconds) of the video keyframes: where a stream copy may start.
    keyframes = models.JSONField(_("keyframes"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        ordering = ["video", "kind"]
        constraints = [models.UniqueConstraint(fields=["video", "kind"], name="downloads_rendition_one_per_kind")]

    def __str__(self):
        return f"{self.video} – {self.get_kind_display()}"

    @property
    def fps(self) -> Fraction | None:
        return Fraction(self.frame_rate) if self.frame_rate else None

    @property
    def extension(self) -> str:
        return self.file.name.rsplit(".", 1)[-1].lower() if "." in self.file.name else "bin"

    def download_name(self) -> str:
        return f"{self.video.slug}-{self.kind}.{self.extension}"

    def label(self) -> str:
        """What the download button says: format, resolution."""
        codec = (self.video_codec or "").upper().replace("H264", "H.264")
        size = f"{self.width}×{self.height}" if self.width else ""
        return " · ".join(part for part in (self.extension.upper(), codec, size) if part)


class Clip(models.Model):
    """A rendered part of a rendition: exactly frames [start_frame, end_frame).
    One row per (rendition, frame range): identical requests share it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    rendition = models.ForeignKey(Rendition, on_delete=models.CASCADE, related_name="clips")
    start_frame = models.PositiveIntegerField(_("first frame"))
    end_frame = models.PositiveIntegerField(_("end frame (excluded)"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    method = models.CharField(
        _("method"),
        max_length=12,
        blank=True,
        help_text=_("smart: copied with re-encoded edges; reencode: every frame re-encoded"),
    )
    reencoded_frames = models.PositiveIntegerField(_("re-encoded frames"), null=True, blank=True)
    render_seconds = models.FloatField(_("render time (seconds)"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to="clips/", blank=True, max_length=300)
    size = models.BigIntegerField(_("size (bytes)"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("clip")
        verbose_name_plural = _("clips")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["rendition", "start_frame", "end_frame"], name="downloads_clip_one_per_range"
            ),
            models.CheckConstraint(
                condition=models.Q(end_frame__gt=models.F("start_frame")), name="downloads_clip_not_empty"
            ),
        ]

    def __str__(self):
        return f"{self.rendition.video} [{self.start_frame}, {self.end_frame})"

    @property
    def start_seconds(self) -> float:
        return float(self.start_frame / self.rendition.fps)

    @property
    def end_seconds(self) -> float:
        return float(self.end_frame / self.rendition.fps)

    def download_name(self) -> str:
        from .media.timecode import format_millis

        def stamp(seconds):
            return format_millis(seconds).replace(":", "").replace(".", "_")

        return f"{self.rendition.video.slug}-{stamp(self.start_seconds)}-{stamp(self.end_seconds)}.mp4"


class ClipRequest(models.Model):
    """One person's request for a clip: their name for it and when they asked.
    Identical requests share one render (``clip``); each person sees, renames and
    downloads only their own requests, addressed by a random id."""

    class Format(models.TextChoices):
        MASTER = "master", _("Master format")
        MP4 = "mp4", _("MP4 (H.264)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clip_requests")
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="clip_requests")
    # The render; gone (null) once it has expired: the request stays in the history.
    clip = models.ForeignKey(Clip, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests")
    rendition_kind = models.CharField(_("source"), max_length=12, choices=Rendition.Kind.choices)
    format = models.CharField(_("format"), max_length=12, choices=Format.choices, default=Format.MASTER)
    start_frame = models.PositiveIntegerField(_("first frame"))
    end_frame = models.PositiveIntegerField(_("end frame (excluded)"))
    frame_rate = models.CharField(_("frame rate"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)

    class Meta:
        verbose_name = _("clip request")
        verbose_name_plural = _("clip requests")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return self.name

    @property
    def fps(self) -> Fraction:
        return Fraction(self.frame_rate)


class Download(models.Model):
    """One download (whole rendition or clip): who, what, which range, when, bytes."""

    class Kind(models.TextChoices):
        FULL = "full", _("Full file")
        CLIP = "clip", _("Clip")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="downloads")
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="downloads")
    rendition = models.ForeignKey(Rendition, null=True, on_delete=models.SET_NULL, related_name="+")
    clip = models.ForeignKey(Clip, null=True, blank=True, on_delete=models.SET_NULL, related_name="downloads")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    clip_start = models.FloatField(_("clip in (seconds)"), null=True, blank=True)
    clip_end = models.FloatField(_("clip out (seconds)"), null=True, blank=True)
    byte_start = models.BigIntegerField(_("first byte"), default=0)
    byte_end = models.BigIntegerField(_("last byte"), null=True, blank=True)
    bytes = models.BigIntegerField(_("bytes"), default=0)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("download")
        verbose_name_plural = _("downloads")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return f"{self.user} – {self.video} ({self.get_kind_display()})"
