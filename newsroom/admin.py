from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mediaportal.admin import PortalAdminMixin

from . import services
from .content import body_clean
from .forms import ArticleAdminForm
from .models import Article, Topic
from .widgets import RichTextarea


@admin.register(Topic)
class TopicAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["name_en", "name_fr", "slug"]
    search_fields = ["name_en", "name_fr", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


class PublicationStateFilter(admin.SimpleListFilter):
    title = _("publication state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("live", _("On the site")), ("scheduled", _("Scheduled")), ("draft", _("Draft"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        published = queryset.filter(status=Article.Status.PUBLISHED)
        if self.value() == "live":
            return published.filter(published_at__lte=now)
        if self.value() == "scheduled":
            return published.filter(published_at__gt=now)
        if self.value() == "draft":
            return queryset.filter(status=Article.Status.DRAFT)
        return queryset


@admin.register(Article)
class ArticleAdmin(PortalAdminMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "title",
        "language",
        "publication_state",
        "published_at",
        "translation_of",
        "hero_thumbnail",
        "last_editor",
    ]
    list_display_links = ["title"]
    list_filter = [PublicationStateFilter, "status", "language", "topics", "published_at"]
    list_select_related = ["translation_of", "last_editor"]
    date_hierarchy = "published_at"
    search_fields = ["title", "standfirst", "slug", "event_place"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["translation_of", "topics", "related_videos"]
    readonly_fields = ["hero_preview", "author", "last_editor", "created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["language", "translation_of", "title", "slug", "standfirst", "body"]}),
        (_("Hero image"), {"fields": ["hero_image", "hero_preview", "hero_alt", "hero_caption", "hero_credit"]}),
        (_("Event"), {"fields": ["event_place", "event_date"]}),
        (_("Links"), {"fields": ["topics", "related_videos"]}),
        (_("Publication"), {"fields": ["status", "published_at", "author", "last_editor", "created_at", "updated_at"]}),
    ]

    class Media:
        css = {"all": ["newsroom/admin.css", "newsroom/article-editor.css"]}
        js = ["admin/js/jquery.init.js", "newsroom/article-editor.js"]

    def get_urls(self):
        preview = path(
            "preview-body/", self.admin_site.admin_view(self.body_preview_view), name="newsroom_article_preview_body"
        )
        return [preview, *super().get_urls()]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            kwargs["widget"] = RichTextarea(
                preview_url=reverse(f"{self.admin_site.name}:newsroom_article_preview_body")
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def body_preview_view(self, request):
        """The body as the site will show it (cleaned by the same allow-list
        as on save), for the editor's Preview button. Saves nothing."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        return JsonResponse({"html": body_clean(request.POST.get("body", ""))})

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            fields += ["status", "published_at"]
        return fields

    def has_publish_permission(self, request):
        return request.user.has_perm("newsroom.publish_article")

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_live else obj.get_preview_url()

    def save_model(self, request, obj, form, change):
        services.article_save(article=obj, editor=request.user, image_changed="hero_image" in form.changed_data)

    @admin.display(description=_("state"), ordering="status")
    def publication_state(self, obj):
        if obj.is_live:
            return format_html('<span class="state state-live">● {}</span>', _("On the site"))
        if obj.is_scheduled:
            return format_html('<span class="state state-scheduled">◷ {}</span>', _("Scheduled"))
        return format_html('<span class="state state-draft">○ {}</span>', _("Draft"))

    @admin.display(description=_("image"))
    def hero_thumbnail(self, obj):
        if not obj.hero_image:
            return "—"
        return format_html('<img class="hero-thumbnail" src="{}" alt="" loading="lazy">', obj.hero_image.url)

    @admin.display(description=_("preview"))
    def hero_preview(self, obj):
        if not obj.hero_image:
            return _("No image yet.")
        return format_html(
            '<img class="hero-preview" src="{}" alt="{}">{} × {} px',
            obj.hero_image.url,
            obj.hero_alt,
            obj.hero_width,
            obj.hero_height,
        )

    @admin.action(description=_("Publish the selected articles"), permissions=["publish"])
    def publish(self, request, queryset):
        count = services.article_publish(articles=queryset, editor=request.user)
        self.message_user(
            request, ngettext("%d article published.", "%d articles published.", count) % count, messages.SUCCESS
        )

    @admin.action(description=_("Unpublish the selected articles"), permissions=["publish"])
    def unpublish(self, request, queryset):
        count = services.article_unpublish(articles=queryset, editor=request.user)
        self.message_user(
            request, ngettext("%d article unpublished.", "%d articles unpublished.", count) % count, messages.SUCCESS
        )
