"""Full downloads: login, filenames, validators and HTTP ranges, byte by byte."""

import pytest

from downloads.models import Download, Rendition


@pytest.fixture
def master(make_video_row):
    return make_video_row("bframes").renditions.get(kind=Rendition.Kind.MASTER)


def _url(rendition):
    return f"/files/renditions/{rendition.pk}/{rendition.download_name()}"


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def original(master):
    with master.file.open("rb") as handle:
        return handle.read()


def test_anonymous_visitors_must_log_in(client, master):
    response = client.get(_url(master))
    assert response.status_code == 401
    assert "Log in" in response.json()["error"]


BROWSER = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,*/*;q=0.8", "HTTP_SEC_FETCH_MODE": "navigate"}


def test_a_logged_out_browser_is_sent_to_log_in_and_back(client, master, original):
    from tests.accounts.factories import PASSWORD, UserFactory

    response = client.get(_url(master), **BROWSER)
    assert response.status_code == 302
    login, _, query = response["Location"].partition("?")
    assert login == "/en/accounts/login/" and query == f"next={_url(master)}"
    user = UserFactory()
    # allauth sends the user to ``next`` once logged in.
    after = client.post(f"{login}?{query}", {"login": user.email, "password": PASSWORD})
    assert after.status_code == 302 and after["Location"] == _url(master)
    assert _body(client.get(after["Location"], **BROWSER)) == original


def test_scripts_and_fetch_calls_get_json_401_not_a_login_page(client, master):
    for headers in (
        {"HTTP_ACCEPT": "application/json"},
        {"HTTP_ACCEPT": "*/*", "HTTP_SEC_FETCH_MODE": "cors"},
        {**BROWSER, "HTTP_X_REQUESTED_WITH": "XMLHttpRequest"},
    ):
        response = client.get(_url(master), **headers)
        assert response.status_code == 401, headers
        assert "Log in" in response.json()["error"]


def test_whole_file_with_name_length_and_validators(client, django_user_model, master, original):
    user = django_user_model.objects.create_user("sam@example.org", "x")
    client.force_login(user)
    response = client.get(_url(master))
    assert response.status_code == 200
    assert _body(response) == original
    assert response["Content-Length"] == str(len(original))
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Disposition"] == 'attachment; filename="summit-arrivals-master.mp4"'
    assert response["ETag"].startswith('"') and response["Last-Modified"]
    assert response["X-Content-Type-Options"] == "nosniff"
    record = Download.objects.get()
    assert (record.user, record.kind, record.byte_start, record.byte_end, record.bytes) == (
        user,
        Download.Kind.FULL,
        0,
        len(original) - 1,
        len(original),
    )


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-0", 0, 0),
        ("bytes=100-199", 100, 199),
        ("bytes=1000-", 1000, None),
        ("bytes=-500", -500, None),
        ("bytes=50-999999999", 50, None),
        ("bytes=50-" + "9" * 5000, 50, None),
        ("bytes=-" + "9" * 5000, 0, None),
    ],
)
def test_ranges_are_served_exactly(admin_client, master, original, header, first, last):
    response = admin_client.get(_url(master), HTTP_RANGE=header)
    expected = original[first:] if last is None else original[first : last + 1]
    assert response.status_code == 206
    assert _body(response) == expected
    assert response["Content-Length"] == str(len(expected))
    start = first if first >= 0 else len(original) + first
    assert response["Content-Range"] == f"bytes {start}-{start + len(expected) - 1}/{len(original)}"


def test_resuming_after_a_dropped_connection_rebuilds_the_file(admin_client, master, original):
    first = _body(admin_client.get(_url(master), HTTP_RANGE="bytes=0-4095"))
    etag = admin_client.head(_url(master))["ETag"]
    rest = admin_client.get(_url(master), HTTP_RANGE=f"bytes={len(first)}-", HTTP_IF_RANGE=etag)
    assert rest.status_code == 206
    assert first + _body(rest) == original


def test_if_range_with_a_stale_validator_sends_the_whole_file(admin_client, master, original):
    response = admin_client.get(_url(master), HTTP_RANGE="bytes=10-20", HTTP_IF_RANGE='"stale"')
    assert response.status_code == 200
    assert _body(response) == original


@pytest.mark.parametrize(
    "if_range",
    ["garbage", "Mon, 99 Xyz 2026 99:99:99 GMT", "Mon, 01 Jan 2026 00:00:00 +99999999999999999999", 'W/"weak"'],
)
def test_an_if_range_we_cannot_read_sends_the_whole_file(admin_client, master, original, if_range):
    response = admin_client.get(_url(master), HTTP_RANGE="bytes=10-20", HTTP_IF_RANGE=if_range)
    assert response.status_code == 200
    assert _body(response) == original


@pytest.mark.parametrize("header", ["bytes=999999999-", "bytes=-0", "bytes=30-10", "bytes=" + "9" * 5000 + "-"])
def test_unsatisfiable_ranges_get_416(admin_client, master, original, header):
    response = admin_client.get(_url(master), HTTP_RANGE=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(original)}"


@pytest.mark.parametrize("header", ["bytes=0-1,5-6", "pages=1-2", "bytes=abc", "bytes=\u0661-\u0662"])
def test_ranges_we_do_not_serve_fall_back_to_the_whole_file(admin_client, master, original, header):
    response = admin_client.get(_url(master), HTTP_RANGE=header)
    assert response.status_code == 200
    assert _body(response) == original


def test_head_and_conditional_get(admin_client, master, original):
    head = admin_client.head(_url(master))
    assert head.status_code == 200 and head["Content-Length"] == str(len(original)) and head.content == b""
    again = admin_client.get(_url(master), HTTP_IF_NONE_MATCH=head["ETag"])
    assert again.status_code == 304
    assert Download.objects.count() == 0  # neither HEAD nor 304 counts as a download


def test_unpublished_videos_are_404_for_users_but_not_for_staff(
    client, admin_client, django_user_model, make_video_row
):
    rendition = make_video_row("bframes", publish=False).renditions.get(kind=Rendition.Kind.MASTER)
    client.force_login(django_user_model.objects.create_user("sam@example.org", "x"))
    assert client.get(_url(rendition)).status_code == 404
    assert admin_client.get(_url(rendition)).status_code == 200


def test_wrong_filename_is_404(admin_client, master):
    assert admin_client.get(f"/files/renditions/{master.pk}/other.mp4").status_code == 404


def test_preview_is_open_to_anonymous_visitors_and_seekable(client, master, original):
    web = master.video.renditions.get(kind=Rendition.Kind.WEB)
    with web.file.open("rb") as handle:
        web_bytes = handle.read()
    response = client.get(f"/files/previews/{master.video.slug}.mp4", HTTP_RANGE="bytes=0-99")
    # The web version, never the master (even a browser-playable one).
    assert response.status_code == 206 and _body(response) == web_bytes[:100] != original[:100]
    assert response["Content-Disposition"].startswith("inline")


def test_nginx_delivery_hands_the_file_to_nginx(admin_client, master, settings):
    settings.DOWNLOADS_DELIVERY = "nginx"
    settings.SENDFILE_ROOT = settings.MEDIA_ROOT
    settings.SENDFILE_URL = "/protected"
    response = admin_client.get(_url(master))
    assert response["X-Accel-Redirect"] == f"/protected/{master.file.name}"
    assert response.content == b""
    assert Download.objects.count() == 1


def test_editing_the_video_texts_does_not_break_a_resume(admin_client, master, original):
    etag = admin_client.head(_url(master))["ETag"]
    master.video.summary = "Corrected caption"
    master.video.save()
    rest = admin_client.get(_url(master), HTTP_RANGE="bytes=4096-", HTTP_IF_RANGE=etag)
    assert rest.status_code == 206
    assert _body(rest) == original[4096:]


def test_a_row_whose_file_is_gone_is_404_not_500(admin_client, master):
    master.file.storage.delete(master.file.name)
    assert admin_client.get(_url(master)).status_code == 404
