"""The clip API: requests, results, sharing, and every kind of bad input."""

import json

import pytest
from django.test import Client

from downloads.models import Clip, ClipRequest, Download, Rendition, Video
from tests.hostile import NUL
from tests.newsroom.factories import VideoFactory

from .inspection import frame_numbers


@pytest.fixture
def video(make_video_row):
    return make_video_row("bframes", title="Summit arrivals")


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("sam@example.org", "x")


@pytest.fixture
def api(client, user):
    client.force_login(user)
    return client


def render_of(body) -> Clip:
    """The shared render behind one person's clip request."""
    return ClipRequest.objects.get(pk=body["id"]).clip


def post(client, payload, **headers):
    body = payload if isinstance(payload, str | bytes) else json.dumps(payload)
    return client.post("/api/clips/", body, content_type="application/json", **headers)


def test_a_clip_request_renders_exactly_the_asked_frames(
    api, video, user, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api, {"video": video.slug, "start": 1.52, "end": 4.6})
    assert response.status_code == 202
    body = response.json()
    assert set(body) >= {"id", "status", "progress", "url"}
    status = api.get(body["url"]).json()
    assert status["status"] == "ready" and status["progress"] == 100
    assert status["method"] == "smart"
    download = api.get(status["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="summit-arrivals-000001_520-000004_600.mp4"'
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"".join(download.streaming_content))
    assert frame_numbers(path) == list(range(38, 115))
    record = Download.objects.get()
    assert (record.kind, record.clip_start, record.clip_end, record.user) == (Download.Kind.CLIP, 1.52, 4.6, user)


def test_timecodes_are_accepted_too(api, video, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api, {"video": video.slug, "start": "00:00:01:13", "end": "00:00:04.600"})
    assert response.status_code == 202
    clip = Clip.objects.get()
    assert (clip.start_frame, clip.end_frame) == (38, 115)


def test_identical_requests_share_one_clip_and_one_render(api, video, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = post(api, {"video": video.slug, "start": 1.0, "end": 2.0}).json()
        second = post(api, {"video": video.slug, "start": 1.0, "end": 2.0}).json()
        # 1.01 s falls inside frame 25's duration: the same frame range, the same clip.
        third = post(api, {"video": video.slug, "start": 1.01, "end": 2.0}).json()
    # Each request is its own row; identical ones share the render.
    assert len({first["id"], second["id"], third["id"]}) == 3
    assert render_of(first) == render_of(second)
    assert render_of(third) != render_of(first)  # the first frame at or after 1.01 s is frame 26
    assert len(callbacks) == 2


def test_the_web_proxy_can_be_the_source(api, make_video_row, django_capture_on_commit_callbacks, tmp_path):
    video = make_video_row("mkv", title="Archive")
    with django_capture_on_commit_callbacks(execute=True):
        body = post(api, {"video": video.slug, "start": 0.4, "end": 1.2, "rendition": "web"}).json()
    clip = render_of(body)
    assert clip.rendition.kind == Rendition.Kind.WEB and clip.status == Clip.Status.READY
    assert frame_numbers(clip.file.path) == list(range(10, 30))


def test_a_failed_clip_is_tried_again_on_the_next_request(api, video, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request_id = post(api, {"video": video.slug, "start": 1.0, "end": 2.0}).json()["id"]
    clip_id = ClipRequest.objects.get(pk=request_id).clip_id
    Clip.objects.filter(pk=clip_id).update(status=Clip.Status.FAILED, error="disk full")
    assert api.get(f"/api/clips/{request_id}/").json()["status"] == "failed"
    assert "error" in api.get(f"/api/clips/{request_id}/").json()
    with django_capture_on_commit_callbacks(execute=True):
        again = post(api, {"video": video.slug, "start": 1.0, "end": 2.0}).json()
    assert render_of(again).pk == clip_id
    assert api.get(f"/api/clips/{request_id}/").json()["status"] == "ready"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"start": -1, "end": 2}, "cannot be negative"),
        ({"end": 2}, "Give both an in and an out point"),
        ({"start": 1}, "Give both an in and an out point"),
        ({"start": 3, "end": 3}, "must come after the in point"),
        ({"start": 3, "end": 2}, "must come after the in point"),
        ({"start": 1, "end": 60}, "past the end of the video"),
        ({"start": "ten", "end": 2}, "Times must be numbers"),
        ({"start": True, "end": 2}, "Times must be numbers"),
        ({"start": [1], "end": 2}, "Times must be numbers"),
        ({"start": "NaN", "end": 2}, "Times must be numbers"),
        ({"start": 1, "end": float("inf")}, "Times must be numbers"),  # JSON "Infinity"
        ({"start": 1, "end": 2, "rendition": "4k"}, "Unknown rendition"),
        ({"start": 1, "end": 2, "rendition": 7}, "Unknown rendition"),
        ({"start": 1.001, "end": 1.002}, "at least one frame"),
    ],
)
def test_bad_input_gets_a_400_with_a_message(api, video, payload, message):
    response = post(api, {"video": video.slug, **payload})
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert Clip.objects.count() == 0


def test_clips_longer_than_the_maximum_are_refused(api, video, settings):
    settings.CLIP_MAX_SECONDS = 2
    response = post(api, {"video": video.slug, "start": 0, "end": 3})
    assert response.status_code == 400
    assert "at most 00:00:02.000" in response.json()["error"]


def test_errors_come_in_the_users_language(api, video):
    response = post(api, {"video": video.slug, "start": 3, "end": 2}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert response.json()["error"] == "Le point de sortie doit venir après le point d’entrée."


@pytest.mark.parametrize(
    "body", ["not json", "[1, 2]", "", '{"video": 5}', b"\xff\xfe", '{"video": "SLUG", "start": 1e999, "end": 2}']
)
def test_malformed_bodies_get_a_400(api, video, body):
    if isinstance(body, str):
        body = body.replace("SLUG", video.slug)
    assert post(api, body).status_code == 400


def test_unknown_and_unpublished_videos_are_404(api, make_video_row):
    hidden = make_video_row("bframes", title="Draft", publish=False)
    assert post(api, {"video": "no-such-video", "start": 0, "end": 1}).status_code == 404
    assert post(api, {"video": hidden.slug, "start": 0, "end": 1}).status_code == 404


def test_anonymous_requests_are_401(client, video):
    response = post(client, {"video": video.slug, "start": 0, "end": 1})
    assert response.status_code == 401
    assert client.get("/api/clips/1/").status_code == 401


def test_csrf_is_required(user, video):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert post(client, {"video": video.slug, "start": 0, "end": 1}).status_code == 403


def test_unknown_clip_is_404(api, video):
    assert api.get("/api/clips/999999/").status_code == 404
    assert api.get("/api/clips/6f1c1a52-35b5-4b0e-9a53-6c1f3b1d2e9a/").status_code == 404


def test_only_get_and_post(api, video):
    assert api.put("/api/clips/", "{}", content_type="application/json").status_code == 405


def test_a_clip_whose_job_was_lost_is_queued_again(api, video, settings, django_capture_on_commit_callbacks):
    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=True):
        clip_id = render_of(post(api, {"video": video.slug, "start": 1.0, "end": 2.0}).json()).pk
    long_ago = timezone.now() - timezone.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    Clip.objects.filter(pk=clip_id).update(status=Clip.Status.RUNNING, started_at=long_ago, file="")
    with django_capture_on_commit_callbacks(execute=True):
        again = post(api, {"video": video.slug, "start": 1.0, "end": 2.0}).json()
    assert render_of(again).pk == clip_id
    assert Clip.objects.get(pk=clip_id).status == Clip.Status.READY


def test_a_recent_running_clip_is_not_started_twice(api, video, django_capture_on_commit_callbacks):
    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=True):
        clip_id = render_of(post(api, {"video": video.slug, "start": 1.0, "end": 2.0}).json()).pk
    Clip.objects.filter(pk=clip_id).update(status=Clip.Status.RUNNING, started_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = post(api, {"video": video.slug, "start": 1.0, "end": 2.0}).json()
    assert again["status"] == "running" and callbacks == []


def test_one_user_cannot_flood_the_media_queue(api, video, user, settings):
    settings.CLIP_MAX_ACTIVE_PER_USER = 2
    # No worker runs the jobs here (not even eagerly): they stay queued.
    first = post(api, {"video": video.slug, "start": 0, "end": 1})
    second = post(api, {"video": video.slug, "start": 1, "end": 2})
    assert (first.status_code, second.status_code) == (202, 202)
    third = post(api, {"video": video.slug, "start": 2, "end": 3}, HTTP_ACCEPT_LANGUAGE="fr")
    assert third.status_code == 429
    assert (
        third.json()["error"] == "Vous avez déjà 2 extraits en préparation. Veuillez attendre que l’un d’eux soit prêt."
    )
    # Asking again for a clip already on its way is fine: it adds no work.
    assert render_of(post(api, {"video": video.slug, "start": 0, "end": 1}).json()) == render_of(first.json())
    assert Clip.objects.count() == 2


# --- Odd and hostile input: a 4xx with a message, never a 500 ---


@pytest.fixture
def api_client(browser_client, django_user_model):
    VideoFactory(slug="harbour", status=Video.Status.READY)
    browser_client.force_login(django_user_model.objects.create_user("ana@example.org", "x"))
    return browser_client


def clip_post(client, body, **headers):
    return client.post("/api/clips/", body, content_type="application/json", **headers)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        b"[]",
        b'"harbour"',
        b"null",
        b"1",
        b"{",
        b"\xff\xfe",
        b"[" * 100_000 + b"]" * 100_000,
        json.dumps({"video": {"slug": "harbour"}}),
        json.dumps({"video": NUL}),
        json.dumps({"video": "x" * 10_000}),
        json.dumps({"video": "🎥"}),
        b'{"video": "harbour", "start": NaN, "end": 2}',
        '{"video": "harbour", "start": %s, "end": 2}' % ("9" * 400),
        '{"video": "harbour", "start": 1, "end": %s}' % ("9" * 5000),
    ],
    ids=[
        "array",
        "string",
        "null",
        "number",
        "truncated",
        "not-utf8",
        "nested-100000-deep",
        "object-slug",
        "nul-slug",
        "long-slug",
        "emoji-slug",
        "nan",
        "400-digit-integer",
        "5000-digit-integer",
    ],
)
def test_odd_clip_requests_get_a_4xx_with_a_message(api_client, body):
    response = clip_post(api_client, body)
    assert 400 <= response.status_code < 500
    assert response.json()["error"]


@pytest.mark.django_db
def test_deeply_nested_json_is_refused_in_french(api_client):
    response = clip_post(api_client, b"[" * 100_000 + b"]" * 100_000, HTTP_ACCEPT_LANGUAGE="fr")
    assert (response.status_code, response.json()) == (400, {"error": "Le corps de la requête doit être du JSON."})


@pytest.mark.django_db
def test_a_nul_in_the_video_slug_is_no_such_video(api_client):
    response = clip_post(
        api_client, json.dumps({"video": f"harbour{NUL}", "start": 1, "end": 2}), HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert (response.status_code, response.json()) == (404, {"error": "Cette vidéo n’existe pas."})


@pytest.mark.django_db
def test_a_huge_integer_time_is_refused_with_the_times_message(make_video_row, django_user_model):
    video = make_video_row("bframes")
    client = Client(raise_request_exception=False)
    client.force_login(django_user_model.objects.create_user("ana@example.org", "x"))
    response = clip_post(client, f'{{"video": "{video.slug}", "start": 1, "end": 1{"0" * 400}}}')
    assert response.status_code == 400
    assert response.json()["error"].startswith("Times must be numbers of seconds or timecodes")


@pytest.mark.django_db
def test_a_body_over_the_upload_limit_is_413_in_json(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = clip_post(api_client, json.dumps({"video": "harbour", "pad": "x" * 2048}), HTTP_ACCEPT_LANGUAGE="fr")
    assert (response.status_code, response.json()) == (413, {"error": "La requête est trop volumineuse."})


def _csrf_client(django_user_model):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(django_user_model.objects.create_user("ana@example.org", "x"))
    client.get("/en/videos/harbour/")
    return client


@pytest.mark.django_db
def test_a_multipart_form_sent_to_the_clip_api_gets_a_json_400(django_user_model):
    VideoFactory(slug="harbour")
    client = _csrf_client(django_user_model)
    token = client.cookies["csrftoken"].value
    response = client.post("/api/clips/", {"video": "harbour", "start": "1", "end": "2"}, HTTP_X_CSRFTOKEN=token)
    assert (response.status_code, response.json()) == (400, {"error": "The request body must be JSON."})


@pytest.mark.django_db
def test_a_clip_request_without_csrf_token_gets_a_json_403_the_page_can_show(django_user_model):
    VideoFactory(slug="harbour")
    client = _csrf_client(django_user_model)
    response = clip_post(client, json.dumps({"video": "harbour", "start": 1, "end": 2}), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 403
    assert response.json()["error"].startswith("Votre session a expiré")
