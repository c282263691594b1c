"""Small real videos made with PyAV once per test session, and a factory for
Video rows with processed renditions (ingest runs inline: Celery is eager)."""

from fractions import Fraction

import pytest
from django.core.files import File

from downloads import services
from downloads.media.synth import Spec, make_video

# B-frames (pyramid) and 1-second GOPs: the hard case for exact cutting.
BFRAMES = Spec(width=320, height=180, fps=Fraction(25), seconds=6, gop=25, bframes=3, preset="veryfast")
# Not browser-playable: MPEG-4 Part 2 and MP3 in Matroska, so ingest makes a web proxy.
MKV = Spec(
    width=320,
    height=180,
    fps=Fraction(25),
    seconds=3,
    gop=50,
    video_codec="mpeg4",
    audio_codec="libmp3lame",
    container="matroska",
)


@pytest.fixture(scope="session")
def media_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sources")
    files = {"bframes": folder / "bframes.mp4", "mkv": folder / "archive.mkv"}
    make_video(files["bframes"], BFRAMES)
    make_video(files["mkv"], MKV)
    files["not_video"] = folder / "notes.mp4"
    files["not_video"].write_text("These are meeting notes, not a video.\n" * 50)
    data = files["bframes"].read_bytes()
    files["truncated"] = folder / "truncated.mp4"
    files["truncated"].write_bytes(data[: len(data) // 3])
    files["audio_only"] = folder / "tone.m4a"
    make_video(files["audio_only"], Spec(seconds=1), audio_only=True)
    return files


@pytest.fixture
def make_video_row(db, media_files, django_capture_on_commit_callbacks):
    def make(source="bframes", *, title="Summit arrivals", publish=True, **fields):
        path = media_files[source]
        # Ingest is queued on commit; run it (eagerly) as a real commit would.
        with path.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
            video = services.video_create(title=title, master=File(handle, name=path.name), publish=publish, **fields)
        video.refresh_from_db()
        return video

    return make
