"""manage.py media_orphans: stored files that no row names, on local disk and
in a bucket, reported and (on request) removed; files in use are never touched."""

from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command


@pytest.fixture(params=["local", "s3"])
def storage_kind(request):
    if request.param == "s3":
        request.getfixturevalue("s3_storage")
    return request.param


def _run(*args) -> list[str]:
    out = StringIO()
    call_command("media_orphans", *args, stdout=out, stderr=StringIO())
    return out.getvalue().splitlines()


def test_orphans_are_reported_then_removed(storage_kind, make_video_row):
    video = make_video_row("bframes")
    in_use = {r.file.name for r in video.renditions.all()} | {video.poster.name, video.thumbnail.name}
    lost = default_storage.save("clips/lost-clip.mp4", ContentFile(b"x" * 1234))

    assert _run() == []  # younger than a day: may belong to a task still running
    assert _run("--older-than-hours", "0") == [f"orphan\t1234\t{lost}"]
    assert default_storage.exists(lost)

    assert _run("--older-than-hours", "0", "--delete") == [f"deleted\t1234\t{lost}"]
    assert not default_storage.exists(lost)
    assert all(default_storage.exists(name) for name in in_use)
    assert _run("--older-than-hours", "0") == []
