import secrets
import uuid
from dataclasses import dataclass
from fractions import Fraction
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .media.probe import AudioTrack, MediaInfo
from .shotlist import validate_shot_list

# The texts a video carries in each language: ``<name>`` is English, ``<name>_fr`` French.
TEXT_FIELDS = ("title", "summary", "shot_list", "recorded_at", "credits", "usage_terms")
TEXT_LANGUAGES = ("en", "fr")


class LocalText(str):
    """A video text in the language asked for or, when that translation is
    missing, in the other one: ``lang`` is the language it is written in and
    ``fallback`` says whether it differs from the one asked for (templates
    then mark it with ``lang``)."""

    lang: str
    fallback: bool

    def __new__(cls, value: str, *, lang: str, fallback: bool):
        text = super().__new__(cls, value)
        text.lang, text.fallback = lang, fallback
        return text


@dataclass(frozen=True)
class VideoTexts:
    title: LocalText
    summary: LocalText
    shot_list: LocalText
    recorded_at: LocalText
    credits: LocalText
    usage_terms: LocalText


def _still_name(folder: str, filename: str) -> str:
    # Stills of unpublished videos must not be found by guessing (the media
    # folders are served without a check): a random name, never the slug.
    suffix = PurePosixPath(filename).suffix.lower() or ".jpg"
    return f"{folder}/{secrets.token_urlsafe(24)}{suffix}"


def poster_upload_to(instance, filename: str) -> str:
    return _still_name("posters", filename)


def thumbnail_upload_to(instance, filename: str) -> str:
    return _still_name("thumbnails", filename)


class Video(models.Model):
    """One piece of footage the organisation publishes, with its renditions."""

    class Status(models.TextChoices):
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    # English texts in ``<name>``, French in ``<name>_fr`` (see TEXT_FIELDS and ``texts()``).
    title = models.CharField(_("title (English)"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = models.TextField(_("summary (English)"), blank=True)
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    shot_list = models.TextField(
        _("shot list (English)"),
        blank=True,
        help_text=_("One shot a line, e.g. 00:00:12 Wide shot of the summit hall."),
        validators=[validate_shot_list],
    )
    shot_list_fr = models.TextField(
        _("shot list (French)"),
        blank=True,
        help_text=_("One shot a line, e.g. 00:00:12 Plan large de la salle."),
        validators=[validate_shot_list],
    )
    recorded_on = models.DateField(_("recording date"), null=True, blank=True)
    recorded_at = models.CharField(_("recording place (English)"), max_length=200, blank=True)
    recorded_at_fr = models.CharField(_("recording place (French)"), max_length=200, blank=True)
    credits = models.CharField(_("credits (English)"), max_length=200, blank=True)
    credits_fr = models.CharField(_("credits (French)"), max_length=200, blank=True)
    usage_terms = models.TextField(_("usage terms (English)"), blank=True)
    usage_terms_fr = models.TextField(_("usage terms (French)"), blank=True)
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
    # Why it failed, as a word ``downloads.problems`` turns into the staff
    # member's language; ``failure_reason`` keeps FFmpeg's detail.
    failure_code = models.CharField(_("failure code"), max_length=40, blank=True, editable=False)
    # Ingest bookkeeping: which attempt runs, and when its worker last said it was alive.
    ingest_attempts = models.PositiveSmallIntegerField(_("processing attempts"), default=0, editable=False)
    heartbeat_at = models.DateTimeField(_("worker last seen"), null=True, blank=True, editable=False)
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("publication date"), null=True, blank=True)
    poster = models.ImageField(_("poster"), upload_to=poster_upload_to, blank=True, editable=False, max_length=200)
    thumbnail = models.ImageField(
        _("thumbnail"), upload_to=thumbnail_upload_to, blank=True, editable=False, max_length=200
    )
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

    def text(self, name: str, language: str | None = None) -> LocalText:
        """Text ``name`` (one of TEXT_FIELDS) in ``language`` (default: the
        active one), or in the other language when that one is empty."""
        wanted = language if language in TEXT_LANGUAGES else (translation.get_language() or "en")[:2]
        if wanted not in TEXT_LANGUAGES:
            wanted = "en"
        for lang in (wanted, *(code for code in TEXT_LANGUAGES if code != wanted)):
            value = getattr(self, name if lang == "en" else f"{name}_{lang}")
            if value:
                return LocalText(value, lang=lang, fallback=lang != wanted)
        return LocalText("", lang=wanted, fallback=False)

    def texts(self, language: str | None = None) -> VideoTexts:
        """Every text of the video in ``language`` (default: the active one),
        each falling back to the other language (newsletter, feeds, pages)."""
        return VideoTexts(**{name: self.text(name, language) for name in TEXT_FIELDS})

    @property
    def local(self) -> VideoTexts:
        """``texts()`` in the active language, for templates: ``video.local.title``."""
        return self.texts()

    @property
    def fps(self) -> Fraction | None:
        return Fraction(self.frame_rate) if self.frame_rate else None

    def failure_message(self) -> str:
        """Why processing failed, in the active language ("" unless failed)."""
        from .problems import problem_message

        return problem_message(self.failure_code) if self.status == self.Status.FAILED else ""

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
    frame_count = models.PositiveIntegerField(_("frames"), null=True, blank=True)
    pix_fmt = models.CharField(_("pixel format"), max_length=32, blank=True)
    bit_depth = models.PositiveSmallIntegerField(_("bit depth"), null=True, blank=True)
    chroma = models.CharField(_("chroma subsampling"), max_length=8, blank=True)
    profile = models.CharField(_("codec profile"), max_length=60, blank=True)
    # "progressive", "tt" (top field first), "bb", "tb", "bt", or "" when the file does not say.
    field_order = models.CharField(_("field order"), max_length=12, blank=True)
    # Display matrix rotation, degrees counter-clockwise (FFmpeg's sign): -90 for most portrait phones.
    rotation = models.SmallIntegerField(_("rotation"), default=0)
    timecode = models.CharField(_("start timecode"), max_length=16, blank=True)
    # One entry per audio stream, in order: codec, channels, layout, sample_rate, language, bit_depth.
    audio_tracks = models.JSONField(_("audio tracks"), default=list, blank=True)
    vfr = models.BooleanField(_("variable frame rate"), default=False)
    # VFR only: every frame's presentation time (seconds, file timeline); frame n is not at n / fps.
    frame_times = models.JSONField(_("frame times"), default=list, blank=True)
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
    def interlaced(self) -> bool:
        return self.field_order in ("tt", "bb", "tb", "bt")

    def set_media_info(self, info: MediaInfo) -> None:
        """Copy what the probe found onto the row (the one place the two meet;
        :meth:`media_info` is the way back)."""
        self.container = info.container.split(",")[0]
        self.video_codec = info.video_codec
        self.audio_codec = info.audio_codec or ""
        self.bitrate = info.bitrate
        self.width, self.height = info.width, info.height
        self.frame_rate = str(info.fps)
        self.duration = info.duration
        self.start_time = info.start_time
        self.keyframes = info.keyframes
        self.frame_count = info.frame_count
        self.pix_fmt, self.bit_depth, self.chroma = info.pix_fmt, info.bit_depth, info.chroma
        self.profile, self.field_order, self.rotation = info.profile, info.field_order, info.rotation
        self.timecode = info.timecode
        self.audio_tracks = [track.as_dict() for track in info.audio_tracks]
        self.vfr, self.frame_times = info.vfr, info.frame_times
        self.size = self.file.size

    def media_info(self) -> MediaInfo:
        """The probe's facts as stored, for the media code (which knows no Django)."""
        return MediaInfo(
            container=self.container,
            duration=self.duration or 0,
            width=self.width or 0,
            height=self.height or 0,
            fps=self.fps or Fraction(0),
            video_codec=self.video_codec,
            audio_codec=self.audio_codec or None,
            bitrate=self.bitrate,
            start_time=self.start_time,
            frame_count=self.frame_count or 0,
            keyframes=list(self.keyframes),
            pix_fmt=self.pix_fmt,
            bit_depth=self.bit_depth or 8,
            chroma=self.chroma,
            profile=self.profile,
            field_order=self.field_order,
            rotation=self.rotation,
            timecode=self.timecode,
            audio_tracks=[AudioTrack(**track) for track in self.audio_tracks],
            vfr=self.vfr,
            frame_times=list(self.frame_times),
        )

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
    """A rendered part of a rendition: exactly frames [start_frame, end_frame),
    in the master's own format or as MP4. One row per (rendition, frame
    range, format): identical requests share it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        MASTER = "master", _("Master format")
        MP4 = "mp4", _("MP4 (H.264)")

    rendition = models.ForeignKey(Rendition, on_delete=models.CASCADE, related_name="clips")
    start_frame = models.PositiveIntegerField(_("first frame"))
    end_frame = models.PositiveIntegerField(_("end frame (excluded)"))
    format = models.CharField(_("format"), max_length=8, choices=Format.choices, default=Format.MASTER)
    extension = models.CharField(_("file extension"), max_length=8, default="mp4")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    method = models.CharField(
        _("method"),
        max_length=12,
        blank=True,
        help_text=_("copy: every frame copied; smart: copied with re-encoded edges; reencode: every frame re-encoded"),
    )
    reencoded_frames = models.PositiveIntegerField(_("re-encoded frames"), null=True, blank=True)
    render_seconds = models.FloatField(_("render time (seconds)"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    # Render bookkeeping: which attempt runs, and when its worker last said it was alive.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    heartbeat_at = models.DateTimeField(_("worker last seen"), null=True, blank=True)
    render_note = models.TextField(
        _("render note"), blank=True, help_text=_("Why a faster way was not taken, when the exactness guard said so")
    )
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
                fields=["rendition", "start_frame", "end_frame", "format"], name="downloads_clip_one_per_range"
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

        return f"{self.rendition.video.slug}-{stamp(self.start_seconds)}-{stamp(self.end_seconds)}.{self.extension}"


class ClipRequest(models.Model):
    """One person's request for a clip: their name for it and when they asked.
    Identical requests share one render (``clip``); each person sees, renames and
    downloads only their own requests, addressed by a random id."""

    Format = Clip.Format  # the same choice as the shared render's

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
