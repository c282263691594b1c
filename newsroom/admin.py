from django.contrib import admin

from .models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "language", "status", "published_at"]
    list_filter = ["status", "language"]
    search_fields = ["title", "standfirst"]
    prepopulated_fields = {"slug": ["title"]}
