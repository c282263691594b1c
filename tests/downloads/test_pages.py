"""The video list and the video page, as visitors, journalists and staff see them."""

import datetime
import io
import math

import pytest
from django.utils import timezone

from downloads.media.synth import read_frame_number
from downloads.models import Video


@pytest.fixture
def library(db):
    """Published, ready videos without files: enough for list pages."""
    base = timezone.now()
    videos = []
    for i in range(15):
        videos.append(
            Video.objects.create(
                title=f"Briefing {i:02d}",
                slug=f"briefing-{i:02d}",
                summary="Harbour" if i % 5 == 0 else "Summit",
                language="fr" if i % 2 else "en",
                status=Video.Status.READY,
                is_published=True,
                published_at=base - datetime.timedelta(days=i),
            )
        )
    Video.objects.create(title="Secret draft", slug="secret-draft", status=Video.Status.READY, is_published=False)
    return videos


def titles(response):
    return [video.title for video in response.context["videos"]]


def test_newest_first_with_pagination(client, library):
    first = client.get("/en/videos/")
    assert titles(first) == [f"Briefing {i:02d}" for i in range(12)]
    second = client.get("/en/videos/?page=2")
    assert titles(second) == ["Briefing 12", "Briefing 13", "Briefing 14"]
    assert "Secret draft" not in first.content.decode()


def test_search_and_filters(client, library):
    assert titles(client.get("/en/videos/?q=harbour")) == ["Briefing 00", "Briefing 05", "Briefing 10"]
    assert titles(client.get("/en/videos/?language=fr&q=harbour")) == ["Briefing 05"]
    today = timezone.localdate()
    since = (today - datetime.timedelta(days=1)).isoformat()
    assert titles(client.get(f"/en/videos/?date_from={since}")) == ["Briefing 00", "Briefing 01"]


def test_bad_filters_get_a_400_naming_them_and_the_good_ones_still_apply(client, library):
    response = client.get("/en/videos/?date_from=yesterday&q=harbour&page=abc")
    assert response.status_code == 400
    html = response.content.decode()
    assert "were not understood" in html and "From: Enter a valid date." in html
    assert titles(response) == ["Briefing 00", "Briefing 05", "Briefing 10"]
    french = client.get("/fr/videos/?date_to=2026-02-30").content.decode()
    assert "Au : Saisissez une date valide." in french


def test_pagination_keeps_the_filters(client, library):
    html = client.get("/en/videos/?q=briefing").content.decode()
    assert 'href="?q=briefing&amp;page=2"' in html


def test_unpublished_video_is_404_except_for_staff(client, admin_client, library):
    assert client.get("/en/videos/secret-draft/").status_code == 404
    assert admin_client.get("/en/videos/secret-draft/").status_code == 200


def test_anonymous_visitors_watch_but_are_asked_to_log_in_to_download(client, make_video_row):
    video = make_video_row("bframes")
    html = client.get(video.get_absolute_url()).content.decode()
    assert f'src="/files/previews/{video.slug}.mp4"' in html
    assert "Log in to download" in html
    assert "/files/renditions/" not in html
    assert 'data-action="request"' not in html  # the workspace, without the clip request


def test_logged_in_users_get_a_button_per_rendition_and_the_clip_panel(client, django_user_model, make_video_row):
    video = make_video_row("mkv", title="Archive")
    client.force_login(django_user_model.objects.create_user("sam@example.org", "x"))
    html = client.get(video.get_absolute_url()).content.decode()
    assert "Original master · MKV · MPEG4 · 320×180" in html
    assert "Web version · MP4 · H.264 · 320×180" in html
    assert 'id="clip-form"' in html and "downloads/workspace.js" in html
    assert 'data-action="request"' in html


def test_video_page_in_french(client, make_video_row):
    html = client.get(make_video_row("bframes").get_absolute_url().replace("/en/", "/fr/")).content.decode()
    assert "Se connecter pour télécharger" in html


def test_each_user_sees_only_their_own_download_history(client, django_user_model, make_video_row):
    from downloads import services

    video = make_video_row("bframes")
    rendition = video.renditions.get(kind="master")
    sam = django_user_model.objects.create_user("sam@example.org", "x")
    other = django_user_model.objects.create_user("other@example.org", "x")
    services.download_record(user=sam, rendition=rendition, clip=None, byte_start=0, byte_end=99, sent=100)
    services.download_record(user=other, rendition=rendition, clip=None, byte_start=0, byte_end=99, sent=100)
    assert client.get("/en/account/downloads/").status_code == 302  # to the login page
    client.force_login(sam)
    response = client.get("/en/account/downloads/")
    assert [d.user for d in response.context["downloads"]] == [sam]
    assert video.title in response.content.decode()


def test_the_account_page_shows_the_latest_downloads(client, django_user_model, make_video_row):
    from downloads import services

    video = make_video_row("bframes", title="Summit arrivals")
    sam = django_user_model.objects.create_user("sam@example.org", "x")
    services.download_record(
        user=sam, rendition=video.renditions.get(kind="master"), clip=None, byte_start=0, byte_end=9, sent=10
    )
    client.force_login(sam)
    html = client.get("/en/account/").content.decode()
    assert "Summit arrivals" in html and 'href="/en/account/downloads/"' in html


def test_the_shot_list_is_lines_to_seek_to_and_the_admin_names_bad_lines(client, make_video_row):
    from django.core.exceptions import ValidationError

    from downloads.shotlist import validate_shot_list

    video = make_video_row("bframes", shot_list="00:00:00 Wide shot\n00:00:02:10 Handshake\n00:00:04.500 Flags")
    html = client.get(video.get_absolute_url()).content.decode()
    assert 'data-start="0.0" data-end="2.4"' in html and 'data-start="2.4" data-end="4.5"' in html
    assert 'data-start="4.5" data-end="6.0"' in html
    assert "00:00:02:10</span> Handshake" in html
    with pytest.raises(ValidationError) as error:
        validate_shot_list("00:00:01 Wide\nclose-up of the flags\n00:00:00 Earlier")
    assert [str(m) for m in error.value.messages] == [
        "Line 2: start with a timecode such as 00:01:02 and then describe the shot (“close-up of the flags”).",
        "Line 3: the shots must be in time order.",
    ]


def test_the_filmstrip_is_one_sprite_sheet_and_a_thumbnails_track(client, make_video_row):
    from PIL import Image

    video = make_video_row("bframes")
    track = b"".join(client.get(f"/files/filmstrips/{video.slug}.vtt").streaming_content).decode()
    cues = [line for line in track.splitlines() if "-->" in line]
    assert track.startswith("WEBVTT") and len(cues) == 12  # 6 s, a tile every 0.5 s
    assert cues[1] == "00:00:00.500 --> 00:00:01.000"
    assert f"/files/filmstrips/{video.slug}.jpg#xywh=160,0,160,90" in track
    sheet = client.get(f"/files/filmstrips/{video.slug}.jpg")
    assert sheet["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(b"".join(sheet.streaming_content)))
    assert image.size == (10 * 160, 2 * 90)
    # Tile n shows the frame at n × 0.5 s (frame 12.5 n, the first at or after).
    tiles = [image.crop((n % 10 * 160, n // 10 * 90, n % 10 * 160 + 160, n // 10 * 90 + 90)) for n in range(12)]
    assert [read_frame_number(tile.resize((320, 180))) for tile in tiles] == [math.ceil(12.5 * n) for n in range(12)]
    hidden = make_video_row("bframes", title="Draft", publish=False)
    assert client.get(f"/files/filmstrips/{hidden.slug}.jpg").status_code == 404
