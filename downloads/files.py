"""Stored files for workers and downloads, on local disk or in an S3 bucket
(``MEDIA_STORAGE``), without copying whole files around.

- Workers read a stored master through ``media_source``: a path on local
  disk, a short-lived signed URL in a bucket. FFmpeg reads that URL with HTTP
  range requests, so a clip of a long master fetches the index and the GOPs it
  needs, not the file (bench/storage.py measures it). django-storages' own
  ``S3File`` downloads the whole object on first read, and one file object
  cannot serve the several containers a cut opens on its source at once.
- Results go back with ``store`` (boto3 uploads in parts above 8 MB).
- Downloads read one byte range with ``open_range``.
- Files of deleted rows are removed after the transaction commits
  (``delete_files_on_commit``, connected in ``apps.py``); ``file_orphans``
  finds the ones that escaped (``manage.py media_orphans``).

Scratch files live only inside one task's ``with`` block."""

import os
import shutil
import tempfile
from contextlib import contextmanager
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone


def is_bucket(storage) -> bool:
    """True for django-storages' S3 backend (signed URLs, ranged GETs)."""
    from storages.backends.s3 import S3Storage

    return isinstance(storage, S3Storage)


def _local_path(storage, name: str) -> str | None:
    try:
        path = storage.path(name)
    except NotImplementedError:
        return None
    return path if os.path.exists(path) else None


@contextmanager
def media_source(field_file):
    """What ``av.open`` should read ``field_file`` from: its path on local
    disk, a signed URL (valid for the longest task) in a bucket, or for any
    other storage a scratch copy removed when the block ends."""
    storage, name = field_file.storage, field_file.name
    path = _local_path(storage, name)
    if path:
        yield path
    elif is_bucket(storage):
        yield storage.url(name, expire=settings.CELERY_TASK_TIME_LIMIT + 600)
    else:
        with tempfile.NamedTemporaryFile(suffix=os.path.splitext(name)[1]) as scratch:
            with storage.open(name, "rb") as stored:
                shutil.copyfileobj(stored, scratch, 1024 * 1024)
            scratch.flush()
            yield scratch.name


# The name the ingest and clip code has always called; it no longer copies.
local_path = media_source


@contextmanager
def scratch_file(suffix: str):
    """A local file for FFmpeg to write into, removed when the block ends."""
    directory = tempfile.mkdtemp(prefix="mediaportal-")
    try:
        yield os.path.join(directory, f"output{suffix}")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def store(path: str, name: str, storage=default_storage) -> str:
    """Save a local file under ``name`` in storage; returns the stored name
    (a bucket receives it as a multipart upload when it is over 8 MB)."""
    with open(path, "rb") as handle:
        return storage.save(name, File(handle))


class RangeFile:
    """A window [start, start + length) of an open local file, for
    FileResponse. Exposes ``fileno`` so WSGI servers can use sendfile
    (gunicorn sends exactly Content-Length bytes from the current offset)."""

    def __init__(self, handle, start: int, length: int):
        self.handle, self.remaining = handle, length
        handle.seek(start)
        self.name = getattr(handle, "name", "")

    def read(self, size: int = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        size = self.remaining if size is None or size < 0 else min(size, self.remaining)
        data = self.handle.read(size)
        self.remaining -= len(data)
        return data

    def fileno(self):
        return self.handle.fileno()

    def close(self):
        self.handle.close()


class _BucketRange:
    """The body of one ranged GET from the bucket, read as it streams."""

    def __init__(self, body):
        self.body = body

    def read(self, size: int = -1) -> bytes:
        return self.body.read(None if size is None or size < 0 else size)

    def close(self):
        self.body.close()


def open_range(field_file, start: int, length: int):
    """A readable object with the ``length`` bytes from ``start``: sendfile-
    able on local disk, one ranged GET in a bucket (never the whole object)."""
    storage, name = field_file.storage, field_file.name
    if is_bucket(storage):
        if length <= 0:
            return _BucketRange(_Empty())
        from storages.utils import clean_name

        obj = storage.bucket.Object(storage._normalize_name(clean_name(name)))
        return _BucketRange(obj.get(Range=f"bytes={start}-{start + length - 1}")["Body"])
    return RangeFile(storage.open(name, "rb"), start, length)


class _Empty:
    def read(self, size=None) -> bytes:
        return b""

    def close(self):
        pass


def signed_download_url(field_file, *, disposition: str, content_type: str, seconds: int) -> str:
    """A bucket URL valid ``seconds`` that answers with our filename and type."""
    return field_file.storage.url(
        field_file.name,
        parameters={"ResponseContentDisposition": disposition, "ResponseContentType": content_type},
        expire=seconds,
    )


# --- Deleting files of deleted rows ---------------------------------------------


def file_fields(model) -> list[models.FileField]:
    return [field for field in model._meta.get_fields() if isinstance(field, models.FileField)]


def _delete_if_unreferenced(model, field_name: str, storage, name: str) -> None:
    # A row saved since (a re-ingest storing the same name) keeps its file.
    if not model._default_manager.filter(**{field_name: name}).exists():
        storage.delete(name)


def delete_files_on_commit(sender, instance, **kwargs) -> None:
    """post_delete receiver: once the deletion commits, remove the row's files
    (a rollback brings back rows whose files still exist)."""
    for field in file_fields(sender):
        field_file = getattr(instance, field.attname)
        if field_file and field_file.name:
            transaction.on_commit(
                partial(_delete_if_unreferenced, sender, field.attname, field_file.storage, field_file.name),
                using=kwargs.get("using"),
            )


# --- Orphans: stored files that no row names ------------------------------------


def _stored_names(storage, folder: str = ""):
    directories, names = storage.listdir(folder)
    for name in names:
        yield f"{folder}{name}"
    for directory in directories:
        yield from _stored_names(storage, f"{folder}{directory}/")


def _referenced_names() -> set[str]:
    from django.apps import apps

    names: set[str] = set()
    for model in apps.get_models():
        for field in file_fields(model):
            names.update(model._default_manager.exclude(**{field.attname: ""}).values_list(field.attname, flat=True))
    return names


def file_orphans(*, older_than: timedelta, storage=default_storage) -> list[tuple[str, int]]:
    """(name, size) of the stored files that no row refers to and that are
    older than ``older_than`` (younger ones may belong to a task still running:
    a clip is stored a moment before its row names it)."""
    referenced, cutoff = _referenced_names(), timezone.now() - older_than
    orphans = []
    for name in _stored_names(storage):
        if name not in referenced and storage.get_modified_time(name) < cutoff:
            orphans.append((name, storage.size(name)))
    return sorted(orphans)
