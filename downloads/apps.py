from django.apps import AppConfig, apps
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


class DownloadsConfig(AppConfig):
    name = "downloads"
    verbose_name = _("Videos and downloads")

    def ready(self):
        from .files import delete_files_on_commit, file_fields

        # Every model with files, in every app (videos, renditions, clips,
        # articles, image renditions): its files go when its rows do.
        for model in apps.get_models():
            if file_fields(model):
                post_delete.connect(delete_files_on_commit, sender=model, dispatch_uid=f"files-{model._meta.label}")
