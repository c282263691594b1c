"""Moving files between Django's storage and the local scratch space a
worker needs for FFmpeg. Nothing here outlives one task: scratch files are
deleted when the block ends, results go back through the storage API."""

import os
import shutil
import tempfile
from contextlib import contextmanager

from django.core.files import File
from django.core.files.storage import default_storage


@contextmanager
def local_path(field_file):
    """A local path to read ``field_file`` from: the file itself on local
    storage, else a scratch copy (e.g. from S3) removed afterwards."""
    storage = field_file.storage
    try:
        path = storage.path(field_file.name)
    except NotImplementedError:
        path = None
    if path and os.path.exists(path):
        yield path
        return
    suffix = os.path.splitext(field_file.name)[1]
    with tempfile.NamedTemporaryFile(suffix=suffix) as scratch:
        with storage.open(field_file.name, "rb") as remote:
            shutil.copyfileobj(remote, scratch, 1024 * 1024)
        scratch.flush()
        yield scratch.name


@contextmanager
def scratch_file(suffix: str):
    """A local file for FFmpeg to write into, removed when the block ends."""
    directory = tempfile.mkdtemp(prefix="mediaportal-")
    try:
        yield os.path.join(directory, f"output{suffix}")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def store(path: str, name: str, storage=default_storage) -> str:
    """Save a local file under ``name`` in storage; returns the stored name."""
    with open(path, "rb") as handle:
        return storage.save(name, File(handle))
