from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from downloads import services


class Command(BaseCommand):
    help = "Import a video file as a new video; prints its slug as the last line."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--title", required=True)
        parser.add_argument("--summary", default="")
        parser.add_argument("--publish", action="store_true")

    def handle(self, *args, path, title, summary, publish, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"No such file: {source}")
        with source.open("rb") as handle:
            video = services.video_create(
                title=title, master=File(handle, name=source.name), summary=summary, publish=publish
            )
        video.refresh_from_db()
        if video.status == video.Status.FAILED:
            self.stderr.write(f"Processing failed: {video.failure_reason}")
        self.stdout.write(video.slug)
