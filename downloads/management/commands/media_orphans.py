from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from downloads.files import file_orphans


class Command(BaseCommand):
    help = (
        "List stored media files that no row refers to (local disk or bucket), with their sizes; --delete removes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="Remove the files listed.")
        parser.add_argument(
            "--older-than-hours",
            type=float,
            default=24,
            help="Leave younger files alone: a running task may not have saved its row yet (default 24).",
        )

    def handle(self, *args, delete, older_than_hours, **options):
        if older_than_hours < 0:
            raise CommandError("--older-than-hours cannot be negative.")
        orphans = file_orphans(older_than=timedelta(hours=older_than_hours))
        for name, size in orphans:
            if delete:
                default_storage.delete(name)
            self.stdout.write(f"{'deleted' if delete else 'orphan'}\t{size}\t{name}")
        total = sum(size for _, size in orphans)
        verb = "Deleted" if delete else "Found"
        self.stderr.write(f"{verb} {len(orphans)} orphaned files, {total} bytes.")
