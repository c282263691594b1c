from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .content import body_clean


class Topic(models.Model):
    """A subject that articles in both languages share (a tag with a name per language)."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80)
    name_fr = models.CharField(_("name (French)"), max_length=80)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["slug"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("newsroom:article_list") + f"?topic={self.slug}"

    @property
    def name(self) -> str:
        return self.name_fr if translation.get_language() == "fr" else self.name_en


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Visible to the public now: published, and not scheduled for later."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())


class Article(models.Model):
    """A news article in one language. Translations are separate rows linked
    through ``translation_of`` (see README, "Bilingual articles")."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    translation_of = models.ForeignKey(
        "self",
        verbose_name=_("translation of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translations",
        help_text=_("The original article this one translates. Leave empty on the original."),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200)
    standfirst = models.TextField(_("standfirst"), blank=True)
    body = models.TextField(
        _("body"), blank=True, help_text=_("HTML. Scripts, styles and event handlers are removed on save.")
    )
    hero_image = models.ImageField(
        _("hero image"),
        upload_to="articles/",
        blank=True,
        max_length=300,
        width_field="hero_width",
        height_field="hero_height",
    )
    hero_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_alt = models.CharField(_("image description (alt text)"), max_length=250, blank=True)
    hero_caption = models.CharField(_("image caption"), max_length=300, blank=True)
    hero_credit = models.CharField(_("image credit"), max_length=200, blank=True)
    event_place = models.CharField(_("place of the event"), max_length=200, blank=True)
    event_date = models.DateField(_("date of the event"), null=True, blank=True)
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="articles")
    related_videos = models.ManyToManyField(
        "downloads.Video", verbose_name=_("related videos"), blank=True, related_name="articles"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_("A time in the future schedules the article: it stays hidden until then."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["language", "slug"], name="newsroom_article_slug_per_language"),
            models.UniqueConstraint(
                fields=["translation_of", "language"], name="newsroom_article_one_translation_per_language"
            ),
        ]
        indexes = [models.Index(fields=["language", "status", "-published_at"])]
        permissions = [("publish_article", _("Can publish and unpublish articles"))]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # An invariant of the stored data, not a workflow step: whatever path
        # writes an article (admin, shell, seed), no script reaches the page.
        self.body = body_clean(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        if translation.get_language() == self.language:  # the usual case: no switch needed
            return reverse("newsroom:article_detail", kwargs={"slug": self.slug})
        with translation.override(self.language):
            return reverse("newsroom:article_detail", kwargs={"slug": self.slug})

    def get_preview_url(self):
        with translation.override(self.language):
            return reverse("newsroom:article_preview", kwargs={"pk": self.pk})

    @property
    def is_live(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def translation_root_id(self) -> int | None:
        return self.translation_of_id or self.pk


class HeroRendition(models.Model):
    """One resized, re-encoded copy of an article's hero image, made once
    (see ``services.article_renditions_make``) and listed in ``srcset``."""

    class Format(models.TextChoices):
        WEBP = "webp", "WebP"
        JPEG = "jpeg", "JPEG"

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="renditions")
    source = models.CharField(
        _("source image"), max_length=300, help_text=_("Storage name of the hero image this was made from.")
    )
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    file = models.FileField(_("file"), upload_to="articles/renditions/", max_length=300)

    class Meta:
        verbose_name = _("image rendition")
        verbose_name_plural = _("image renditions")
        ordering = ["article", "format", "width"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "source", "format", "width"], name="newsroom_rendition_unique_key"
            ),
        ]

    def __str__(self):
        return f"{self.article} {self.width}w {self.format}"
