from datetime import date
from pathlib import PurePosixPath

from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from . import images
from .models import Article, Topic
from .widgets import RichTextarea


class ArticleFilterForm(forms.Form):
    """The news list's search box and filters (GET)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("All topics"),
        error_messages={"invalid_choice": _("There is no such topic.")},
    )
    month = forms.CharField(label=_("Month"), required=False, max_length=20)

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())

    def clean_month(self) -> date | None:
        value = self.cleaned_data["month"]
        if not value:
            return None
        try:
            year, month = (int(part) for part in value.split("-"))
            return date(year, month, 1)
        except (ValueError, OverflowError):  # OverflowError: a year like 9999999999
            raise ValidationError(_("Give the month as YYYY-MM, for example 2026-11.")) from None


class SiteSearchForm(forms.Form):
    """The site-wide search box (GET): news and videos."""

    q = forms.CharField(label=_("Search news and videos"), required=False, max_length=200)

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())


class HeroImageField(forms.FileField):
    """An image upload checked with Pillow (see ``images.image_check``) and
    replaced by its clean re-encoding, so the stored original has no metadata."""

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        upload.seek(0)
        try:
            checked = images.image_check(upload.read(images.MAX_BYTES + 1))
        except images.ImageRejected as exc:
            raise ValidationError(str(exc), code="invalid_image") from None
        stem = PurePosixPath(upload.name).stem[:80] or "image"
        return ContentFile(checked.content, name=f"{stem}.{checked.extension}")


class ArticleAdminForm(forms.ModelForm):
    """Admin form: checks the hero image with Pillow and keeps translations coherent."""

    hero_image = HeroImageField(label=_("Hero image"), required=False, widget=AdminFileWidget)

    class Meta:
        model = Article
        fields = [
            "language",
            "translation_of",
            "title",
            "slug",
            "standfirst",
            "body",
            "hero_image",
            "hero_alt",
            "hero_caption",
            "hero_credit",
            "event_place",
            "event_date",
            "topics",
            "related_videos",
            "status",
            "published_at",
        ]
        widgets = {"body": RichTextarea}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Topics are named in the article's language, whatever the admin's.
        language = self.instance.language if self.instance.pk else self.initial.get("language", "en")
        if "topics" in self.fields:
            self.fields["topics"].label_from_instance = lambda topic: getattr(topic, f"name_{language}", topic.name_en)

    def clean(self):
        cleaned = super().clean()
        original, language = cleaned.get("translation_of"), cleaned.get("language")
        if original is None:
            return cleaned
        if self.instance.pk and original.pk == self.instance.pk:
            self.add_error("translation_of", _("An article cannot be a translation of itself."))
        elif original.translation_of_id is not None:
            self.add_error("translation_of", _("Choose the original article, not one of its translations."))
        elif original.language == language:
            self.add_error("translation_of", _("A translation must be in another language than the original."))
        elif self.instance.pk and self.instance.translations.exists():
            self.add_error("translation_of", _("This article has translations of its own, so it is an original."))
        return cleaned
