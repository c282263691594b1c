from django.contrib import admin

from .models import Rendition, Video


class RenditionInline(admin.TabularInline):
    model = Rendition
    extra = 0


@admin.register(Video)
class VideoAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "is_published", "published_at"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [RenditionInline]
