from fractions import Fraction

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Video(models.Model):
    """One piece of footage the organisation publishes, with its renditions."""

    class Status(models.TextChoices):
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    shot_list = models.TextField(_("shot list"), blank=True, help_text=_("One shot a line, e.g. 00:00:12 Wide shot of the summit hall."))
    recorded_on = models.DateField(_("recording date"), null=True, blank=True)
    recorded_at = models.CharField(_("recording place"), max_length=200, blank=True)
    credits = models.CharField(_("credits"), max_length=200, blank=True)
    usage_terms = models.TextField(_("usage terms"), blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES + [("zxx", _("No speech"))], default="zxx")
    duration = models.FloatField(_("duration (seconds)"), null=True, blank=True, editable=False)
    frame_rate = models.CharField(_("frame rate"), max_length=20, blank=True, editable=False)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROCESSING, editable=False)
    failure_reason = models.TextField(_("failure reason"), blank=True, editable=False)
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("publication date"), null=True, blank=True)
    poster = models.ImageField(_("poster"), upload_to="posters/", blank=True, editable=False)
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


class Rendition(models.Model):
    """One file of a video: the untouched master, or a derived one."""

    class Kind(models.TextChoices):
        MASTER = "master", _("Original master")
        WEB = "web", _("Web proxy (H.264/AAC, up to 720p)")

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
