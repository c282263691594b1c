from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from mediaportal.admin import PortalAdminMixin

from . import services
from .media.probe import ProbeError, check_video
from .models import Clip, Download, Rendition, Video
from .problems import problem_message


class VideoAdminForm(forms.ModelForm):
    master = forms.FileField(
        label=_("Master file"),
        required=False,
        help_text=_(
            "The original video file. It is kept untouched; the web version, poster and thumbnails are made from it."
        ),
    )

    class Meta:
        model = Video
        fields = [
            "title",
            "title_fr",
            "slug",
            "summary",
            "summary_fr",
            "shot_list",
            "shot_list_fr",
            "recorded_on",
            "recorded_at",
            "recorded_at_fr",
            "language",
            "credits",
            "credits_fr",
            "usage_terms",
            "usage_terms_fr",
            "is_published",
            "published_at",
        ]

    def clean_master(self):
        upload = self.cleaned_data.get("master")
        if upload:
            # Say it now, not after processing: most mistakes are the wrong file.
            source = upload.temporary_file_path() if hasattr(upload, "temporary_file_path") else upload
            try:
                check_video(source)
            except ProbeError as exc:
                raise forms.ValidationError(problem_message(exc.code)) from exc
            finally:
                upload.seek(0)
        return upload

    def clean(self):
        data = super().clean()
        if not self.instance.pk and not data.get("master"):
            self.add_error("master", _("Upload the master file of the new video."))
        return data


class RenditionInline(admin.TabularInline):
    model = Rendition
    extra = 0
    can_delete = False
    fields = [
        "kind",
        "file",
        "size",
        "container",
        "video_codec",
        "audio_codec",
        "width",
        "height",
        "frame_rate",
        "duration",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Video)
class VideoAdmin(PortalAdminMixin, admin.ModelAdmin):
    form = VideoAdminForm
    list_display = ["title", "status", "is_published", "published_at", "duration", "poster_preview"]
    list_filter = ["status", "is_published", "language"]
    search_fields = ["title", "title_fr", "summary", "summary_fr", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    # What ingest found: shown, never edited.
    PROCESSING_FIELDS = [
        "status",
        "problem",
        "failure_reason",
        "ingest_attempts",
        "duration",
        "frame_rate",
        "width",
        "height",
        "poster_preview",
    ]
    readonly_fields = PROCESSING_FIELDS
    inlines = [RenditionInline]
    actions = ["reprocess", "publish", "unpublish"]
    # Each text in English and French side by side (one row per text); an
    # empty translation shows the other language, marked as such, on the site.
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("title", "title_fr"),
                    "slug",
                    "master",
                    ("summary", "summary_fr"),
                    ("shot_list", "shot_list_fr"),
                ]
            },
        ),
        (
            _("Recording"),
            {
                "fields": [
                    "recorded_on",
                    ("recorded_at", "recorded_at_fr"),
                    "language",
                    ("credits", "credits_fr"),
                    ("usage_terms", "usage_terms_fr"),
                ]
            },
        ),
        (_("Publication"), {"fields": ["is_published", "published_at"]}),
        (
            _("Processing"),
            {"fields": PROCESSING_FIELDS},
        ),
    ]

    @admin.display(description=_("Problem"))
    def problem(self, obj):
        """Why processing failed, in the staff member's language."""
        return obj.failure_message() or "—"

    @admin.display(description=_("poster"))
    def poster_preview(self, obj):
        if obj.thumbnail:
            return format_html('<img src="{}" alt="" width="160">', obj.thumbnail.url)
        return "—"

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if obj.is_published:
                services.video_publish(videos=Video.objects.filter(pk=obj.pk))
            if form.cleaned_data.get("master"):
                services.video_attach_master(video=obj, master=form.cleaned_data["master"])
                messages.info(request, _("The file is being processed; its status changes to Ready when done."))

    @admin.action(description=_("Process the master file again"))
    def reprocess(self, request, queryset):
        count = 0
        with transaction.atomic():
            for video in queryset.filter(renditions__kind=Rendition.Kind.MASTER).distinct():
                services.video_reprocess(video=video)
                count += 1
        self.message_user(request, _("Processing queued again for %(count)s video(s).") % {"count": count})

    @admin.action(description=_("Publish"))
    def publish(self, request, queryset):
        services.video_publish(videos=queryset)

    @admin.action(description=_("Unpublish"))
    def unpublish(self, request, queryset):
        services.video_unpublish(videos=queryset)


@admin.register(Clip)
class ClipAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "status",
        "progress",
        "method",
        "reencoded_frames",
        "render_seconds",
        "size",
        "created_at",
        "expires_at",
    ]
    list_filter = ["status", "method"]
    readonly_fields = [f.name for f in Clip._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Download)
class DownloadAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "user", "video", "kind", "clip_start", "clip_end", "byte_start", "byte_end", "bytes"]
    list_filter = ["kind", "created_at"]
    search_fields = ["user__email", "video__title"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Download._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # The audit trail of who took what: nobody deletes from it in the
        # admin, whatever their group's permissions say.
        return False
