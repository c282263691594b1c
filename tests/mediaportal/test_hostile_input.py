"""Hostile input, site-wide: odd query values, NUL bytes, huge numbers, long
and right-to-left text, wrong methods, missing CSRF tokens, odd JSON and
forged admin requests. The house rule: a 4xx (or a normal page) with a clear
message in the visitor's language, never a 500.

Each test sends every odd value to one field and lists all the values that
got a server error, so one run shows every failure at once."""

import json

import pytest
from django.test import Client

from downloads.models import Video
from newsroom.newsletter.models import Subscriber
from tests.newsroom.factories import ArticleFactory, TopicFactory, VideoFactory

pytestmark = pytest.mark.django_db

NUL = "\x00"
ODD_VALUES = [
    "abc",
    "-1",
    "0",
    "1e9",
    "9" * 30,
    NUL,
    f"news{NUL}",
    "x" * 10_000,
    "مرحبا بالعالم",
    "\u202eevil\u202c",
    "🎥📰",
    "' OR 1=1 --",
    "%",
    "2026-13",
    "2026-02-30",
    "99999-01",
    "9999999999-01",
    "2026-99999999999",
    "0001-01-01",
]
# Fewer values where each request is slow (admin pages).
ADMIN_ODD_VALUES = [NUL, "abc", "-1", "9" * 30, "x" * 10_000, "2026-02-30", "🎥"]


@pytest.fixture
def content():
    TopicFactory(slug="climate")
    ArticleFactory(slug="summit-agrees")
    VideoFactory(slug="harbour")


@pytest.fixture
def browser_client():
    """A client that returns 500 pages instead of raising, like a real server."""
    return Client(raise_request_exception=False)


@pytest.fixture
def staff_client(browser_client, admin_user):
    browser_client.force_login(admin_user)
    return browser_client


def server_errors(client, method, url, payloads, **extra):
    """The payloads that got a 5xx."""
    failures = []
    for payload in payloads:
        response = getattr(client, method)(url, payload, **extra)
        if response.status_code >= 500:
            failures.append((str(payload)[:60], response.status_code))
    return failures


PUBLIC_QUERIES = [
    ("/en/", "page"),
    ("/en/news/", "page"),
    ("/en/news/", "q"),
    ("/fr/news/", "q"),
    ("/en/news/", "topic"),
    ("/en/news/", "month"),
    ("/en/videos/", "page"),
    ("/en/videos/", "q"),
    ("/en/videos/", "language"),
    ("/en/videos/", "date_from"),
    ("/en/videos/", "date_to"),
    ("/en/news/feed/rss/", "page"),
    ("/en/news/topics/climate/feed/atom/", "x"),
    ("/sitemap.xml", "p"),
    ("/sitemap.xml", "section"),
    ("/en/news/summit-agrees/", "x"),
    ("/en/videos/harbour/", "x"),
    ("/en/newsletter/", "next"),
    ("/en/newsletter/confirm/abc/", "x"),
    ("/en/accounts/login/", "next"),
    ("/en/accounts/signup/", "next"),
    ("/en/accounts/password/reset/", "next"),
    ("/en/accounts/password/reset/done/", "next"),
    ("/healthz", "x"),
    ("/api/clips/1/", "x"),
    ("/files/previews/harbour.mp4", "x"),
]


@pytest.mark.parametrize(("url", "param"), PUBLIC_QUERIES)
def test_odd_query_values_never_cause_a_server_error(browser_client, content, url, param):
    assert server_errors(browser_client, "get", url, [{param: value} for value in ODD_VALUES]) == []


def test_duplicated_parameters_take_the_last_value(browser_client, content):
    response = browser_client.get("/en/news/?page=abc&page=2&month=2026-13&month=")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/fr/news/?q=climat%00", "L’adresse contient un caractère non autorisé."),
        ("/en/videos/?date_from=%00", "The address contains a character that is not allowed."),
        ("/fr/newsletter/unsubscribe/1%00x/", "L’adresse contient un caractère non autorisé."),
    ],
)
def test_a_nul_byte_in_the_address_gets_a_400_in_the_visitors_language(browser_client, path, message):
    response = browser_client.get(path)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_nul_byte_in_an_api_address_gets_a_json_400_in_the_accept_language(browser_client):
    response = browser_client.get("/api/clips/1/?x=%00", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert response.json()["error"].startswith("L’adresse contient un caractère non autorisé.")


def test_an_unreadable_request_gets_the_portals_400_page_in_french(browser_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = browser_client.post("/fr/newsletter/", {f"field{i}": "x" for i in range(20)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Requête incorrecte" in html and "n’a pas pu être compris" in html


def test_a_form_without_csrf_token_gets_a_403_that_says_what_to_do():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/fr/newsletter/", {"email": "ana@example.org", "language": "fr"})
    assert response.status_code == 403
    assert "rechargez la page et réessayez" in response.content.decode()
    assert not Subscriber.objects.exists()


ANONYMOUS_FORMS = {
    "/en/newsletter/": {"email": "ana@example.org", "language": "en", "next": "/en/"},
    "/en/accounts/login/": {"login": "ana@example.org", "password": "Long-Enough-Pass-42"},
    "/en/accounts/signup/": {
        "email": "ana@example.org",
        "password1": "Long-Enough-Pass-42",
        "password2": "Long-Enough-Pass-42",
        "full_name": "Ana",
        "organisation": "Daily",
        "job_title": "",
        "country": "",
        "preferred_language": "en",
    },
    "/en/accounts/password/reset/": {"email": "ana@example.org"},
    "/en/accounts/password/reset/confirm/": {"code": "1234-5678"},
    "/en/accounts/password/reset/resend/": {"next": "/en/"},
    "/i18n/setlang/": {"language": "fr", "next": "/en/"},
}


@pytest.mark.parametrize(
    ("url", "field"), [(url, field) for url, fields in ANONYMOUS_FORMS.items() for field in fields]
)
def test_odd_form_values_never_cause_a_server_error(browser_client, url, field):
    base = ANONYMOUS_FORMS[url]
    assert server_errors(browser_client, "post", url, [{**base, field: value} for value in ODD_VALUES]) == []


def test_a_nul_byte_in_a_form_field_gets_the_fields_message_in_french(browser_client):
    response = browser_client.post("/fr/newsletter/", {"email": f"ana{NUL}@example.org", "language": "fr"})
    assert response.status_code == 400
    assert "Le caractère nul n’est pas autorisé." in response.content.decode()
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize("field", ["full_name", "organisation", "job_title", "country", "preferred_language"])
def test_odd_profile_values_never_cause_a_server_error(browser_client, django_user_model, field):
    user = django_user_model.objects.create_user("ana@example.org", "x", full_name="Ana", organisation="Daily")
    browser_client.force_login(user)
    base = {"full_name": "Ana", "organisation": "Daily", "job_title": "", "country": "", "preferred_language": "en"}
    response = browser_client.post("/fr/account/", {**base, field: f"Ana{NUL}"})
    assert response.status_code == 400
    user.refresh_from_db()
    assert (user.full_name, user.organisation) == ("Ana", "Daily")
    assert server_errors(browser_client, "post", "/en/account/", [{**base, field: v} for v in ODD_VALUES]) == []


def test_a_nul_byte_in_the_profile_gets_the_fields_message_in_french(browser_client, django_user_model):
    browser_client.force_login(django_user_model.objects.create_user("ana@example.org", "x"))
    response = browser_client.post(
        "/fr/account/", {"full_name": f"Ana{NUL}", "organisation": "Daily", "preferred_language": "fr"}
    )
    assert response.status_code == 400
    assert "Le caractère nul n’est pas autorisé." in response.content.decode()


@pytest.mark.parametrize("next_url", ["abc", "-1", "مرحبا", "//evil.example/", "https://evil.example/", "%", ""])
def test_newsletter_toggle_goes_back_to_the_account_page_for_a_bad_next(browser_client, django_user_model, next_url):
    user = django_user_model.objects.create_user("ana@example.org", "x")
    browser_client.force_login(user)
    response = browser_client.post("/en/newsletter/account/", {"subscribe": "0", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/en/account/"


def test_newsletter_toggle_still_follows_a_path_on_the_site(browser_client, django_user_model):
    browser_client.force_login(django_user_model.objects.create_user("ana@example.org", "x"))
    response = browser_client.post("/en/newsletter/account/", {"subscribe": "0", "next": "/en/news/"})
    assert response["Location"] == "/en/news/"


WRONG_METHOD_URLS = [
    "/en/",
    "/en/news/",
    "/en/videos/",
    "/en/account/",
    "/en/newsletter/",
    "/en/newsletter/account/",
    "/en/newsletter/resubscribe/abc/",
    "/en/accounts/password/reset/resend/",
    "/api/clips/",
    "/api/clips/1/",
    "/i18n/setlang/",
    "/healthz",
    "/sitemap.xml",
    "/en/news/feed/rss/",
]


@pytest.mark.parametrize("method", ["put", "patch", "delete", "options", "head", "trace"])
def test_wrong_http_methods_never_cause_a_server_error(browser_client, django_user_model, method):
    browser_client.force_login(django_user_model.objects.create_user("ana@example.org", "x"))
    failures = [
        (url, status)
        for url in WRONG_METHOD_URLS
        if (status := getattr(browser_client, method)(url).status_code) >= 500
    ]
    assert failures == []


def test_ids_that_do_not_exist_are_404(staff_client):
    for url in [
        "/api/clips/99999999999999999999/",
        "/files/renditions/99999999999999999999/x.mp4",
        "/files/clips/0/x.mp4",
        "/en/news/preview/99999999999999999999/",
        "/en/videos/no-such-video/",
        "/en/news/no-such-article/",
        "/en/news/topics/no-such-topic/feed/rss/",
        "/files/previews/none.mp4",
    ]:
        assert staff_client.get(url).status_code == 404, url


# --- The clip API ---------------------------------------------------------------


@pytest.fixture
def api_client(browser_client, django_user_model):
    VideoFactory(slug="harbour", status=Video.Status.READY)
    browser_client.force_login(django_user_model.objects.create_user("ana@example.org", "x"))
    return browser_client


def clip_post(client, body, **headers):
    return client.post("/api/clips/", body, content_type="application/json", **headers)


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


def test_deeply_nested_json_is_refused_in_french(api_client):
    response = clip_post(api_client, b"[" * 100_000 + b"]" * 100_000, HTTP_ACCEPT_LANGUAGE="fr")
    assert (response.status_code, response.json()) == (400, {"error": "Le corps de la requête doit être du JSON."})


def test_a_nul_in_the_video_slug_is_no_such_video(api_client):
    response = clip_post(
        api_client, json.dumps({"video": f"harbour{NUL}", "start": 1, "end": 2}), HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert (response.status_code, response.json()) == (404, {"error": "Cette vidéo n’existe pas."})


def test_a_huge_integer_time_is_refused_with_the_times_message(make_video_row, django_user_model):
    video = make_video_row("bframes")
    client = Client(raise_request_exception=False)
    client.force_login(django_user_model.objects.create_user("ana@example.org", "x"))
    response = clip_post(client, f'{{"video": "{video.slug}", "start": 1, "end": 1{"0" * 400}}}')
    assert response.status_code == 400
    assert response.json()["error"].startswith("Times must be numbers of seconds or timecodes")


def test_a_body_over_the_upload_limit_is_413_in_json(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = clip_post(api_client, json.dumps({"video": "harbour", "pad": "x" * 2048}), HTTP_ACCEPT_LANGUAGE="fr")
    assert (response.status_code, response.json()) == (413, {"error": "La requête est trop volumineuse."})


# --- The admin, with forged requests ----------------------------------------------

ADMIN_LISTS = {
    "/admin/newsroom/article/": [
        "state",
        "status__exact",
        "language__exact",
        "topics__id__exact",
        "published_at__year",
        "published_at__month",
        "published_at__day",
        "created_at__year",
    ],
    "/admin/downloads/video/": ["status__exact", "language__exact", "is_published__exact", "published_at__year"],
    "/admin/downloads/clip/": ["status__exact", "method__exact", "created_at__year"],
    "/admin/downloads/download/": ["kind__exact", "created_at__year", "created_at__month"],
    "/admin/newsletter/subscriber/": ["status__exact", "language__exact", "created_at__year"],
    "/admin/newsletter/delivery/": ["status__exact", "issue__id__exact"],
    "/admin/accounts/user/": ["is_staff__exact", "groups__id__exact", "date_joined__year"],
}


@pytest.mark.parametrize(
    ("url", "param"), [(url, p) for url, params in ADMIN_LISTS.items() for p in params + ["q", "p", "o"]]
)
def test_odd_admin_filter_values_never_cause_a_server_error(staff_client, content, url, param):
    assert server_errors(staff_client, "get", url, [{param: value} for value in ADMIN_ODD_VALUES]) == []


def test_an_impossible_year_filter_gets_the_admins_invalid_filter_answer(staff_client):
    response = staff_client.get("/admin/newsroom/article/", {"published_at__year": "9" * 30})
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


def test_autocomplete_search_with_odd_terms(staff_client, content):
    params = {"app_label": "newsroom", "model_name": "article", "field_name": "topics"}
    assert (
        server_errors(staff_client, "get", "/admin/autocomplete/", [{**params, "term": v} for v in ADMIN_ODD_VALUES])
        == []
    )


@pytest.mark.parametrize(
    "url", ["/admin/newsroom/article/", "/admin/downloads/video/", "/admin/newsletter/newsletterissue/"]
)
def test_a_forged_admin_selection_is_refused_with_a_message_in_french(staff_client, content, url):
    for action in ["delete_selected", "publish", "send_now", "reprocess"]:
        response = staff_client.post(
            url, {"action": action, "_selected_action": ["abc", NUL]}, HTTP_ACCEPT_LANGUAGE="fr"
        )
        assert response.status_code == 302, action
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "La sélection n’a pas été comprise. Aucun élément n’a été modifié." in messages


@pytest.mark.parametrize(
    "field", ["translation_of", "topics", "related_videos", "language", "status", "event_date", "published_at_0"]
)
def test_forged_article_form_values_are_refused_with_the_form(staff_client, content, field):
    base = {
        "language": "en",
        "translation_of": "",
        "title": "Summit",
        "slug": "summit",
        "standfirst": "Lead.",
        "body": "<p>Text</p>",
        "hero_alt": "",
        "hero_caption": "",
        "hero_credit": "",
        "event_place": "",
        "event_date": "",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
    }
    payloads = [{**base, field: value} for value in ADMIN_ODD_VALUES]
    assert server_errors(staff_client, "post", "/admin/newsroom/article/add/", payloads) == []
    response = staff_client.post("/admin/newsroom/article/add/", {**base, field: "abc"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200 and "errorlist" in response.content.decode()


def _csrf_client(django_user_model):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(django_user_model.objects.create_user("ana@example.org", "x"))
    client.get("/en/videos/harbour/")
    return client


def test_a_multipart_form_sent_to_the_clip_api_gets_a_json_400(django_user_model):
    VideoFactory(slug="harbour")
    client = _csrf_client(django_user_model)
    token = client.cookies["csrftoken"].value
    response = client.post("/api/clips/", {"video": "harbour", "start": "1", "end": "2"}, HTTP_X_CSRFTOKEN=token)
    assert (response.status_code, response.json()) == (400, {"error": "The request body must be JSON."})


def test_a_clip_request_without_csrf_token_gets_a_json_403_the_page_can_show(django_user_model):
    VideoFactory(slug="harbour")
    client = _csrf_client(django_user_model)
    response = clip_post(client, json.dumps({"video": "harbour", "start": 1, "end": 2}), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 403
    assert response.json()["error"].startswith("Votre session a expiré")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/fr/newsletter/account/", "Cette page ne s’ouvre pas directement"),
        ("/en/accounts/password/reset/resend/", "This page cannot be opened directly"),
    ],
)
def test_opening_a_form_target_directly_gets_a_page_that_says_so(browser_client, django_user_model, url, message):
    browser_client.force_login(django_user_model.objects.create_user("ana@example.org", "x"))
    response = browser_client.get(url)
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert message in response.content.decode()


def test_the_api_says_which_methods_it_refuses_in_json(browser_client):
    response = browser_client.delete("/api/clips/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 405
    assert response.json() == {"error": "Cette adresse ne répond pas aux requêtes DELETE."}


@pytest.mark.parametrize("url", ["/admin/newsroom/article/add/", "/admin/downloads/video/add/"])
def test_add_pages_prefilled_from_the_address_skip_values_of_the_wrong_type(staff_client, content, url):
    for query in ["published_at=abc", "translation_of=abc", "topics=1,abc", "language=zz", "event_date=2026-02-30"]:
        assert staff_client.get(f"{url}?{query}").status_code == 200, query
    html = staff_client.get(f"{url}?title=Summit%20opens&published_at=2026-11-12%2017:00").content.decode()
    assert 'value="Summit opens"' in html and 'value="2026-11-12"' in html and 'value="17:00:00"' in html


@pytest.mark.parametrize(
    ("date", "time"), [("0001-01-01", "00:00:00"), ("9999-12-31", "23:59:59"), ("1899-12-31", "12:00")]
)
def test_a_publication_date_the_site_could_not_read_back_is_refused(staff_client, date, time):
    article = {
        "language": "en",
        "translation_of": "",
        "title": "Summit",
        "slug": "summit",
        "standfirst": "Lead.",
        "body": "<p>Text</p>",
        "hero_alt": "",
        "hero_caption": "",
        "hero_credit": "",
        "event_place": "",
        "event_date": "",
        "status": "published",
        "published_at_0": date,
        "published_at_1": time,
    }
    response = staff_client.post("/admin/newsroom/article/add/", article, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert "Saisissez une date entre les années 1900 et 2999." in response.content.decode()
    issue = {"subject_en": "Weekly", "subject_fr": "Hebdo", "latest_count": "3", "send_at_0": date, "send_at_1": time}
    response = staff_client.post("/admin/newsletter/newsletterissue/add/", issue)
    assert "Enter a date between the years 1900 and 2999." in response.content.decode()
    # Nothing was stored, so the pages that list articles and issues still open.
    for url in [
        "/en/",
        "/en/news/",
        "/en/news/feed/rss/",
        "/sitemap.xml",
        "/admin/newsroom/article/",
        "/admin/newsletter/newsletterissue/",
    ]:
        assert staff_client.get(url).status_code == 200, url


def test_a_video_publication_date_out_of_range_is_refused(staff_client):
    video = VideoFactory(slug="harbour")
    data = {
        "title": "Harbour",
        "slug": "harbour",
        "language": "zxx",
        "is_published": "on",
        "published_at_0": "0001-01-01",
        "published_at_1": "00:00",
        "renditions-TOTAL_FORMS": "0",
        "renditions-INITIAL_FORMS": "0",
    }
    response = staff_client.post(f"/admin/downloads/video/{video.pk}/change/", data)
    assert response.status_code == 200
    assert "Enter a date between the years 1900 and 2999." in response.content.decode()
    assert staff_client.get("/en/videos/").status_code == 200


def test_a_duplicate_address_in_another_case_gets_a_human_message(staff_client):
    Subscriber.objects.create(email="bob@example.org", language="en")
    response = staff_client.post(
        "/admin/newsletter/subscriber/add/",
        {"email": "BOB@example.org", "language": "en", "status": "pending"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 200
    assert "Cette adresse e-mail figure déjà dans la liste des abonnés." in response.content.decode()
    assert Subscriber.objects.count() == 1


def test_a_duplicate_account_address_in_another_case_gets_a_human_message(staff_client, django_user_model):
    django_user_model.objects.create_user("ana@example.org", "x")
    response = staff_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "ANA@EXAMPLE.ORG",
            "password1": "Long-Enough-Pass-42",
            "password2": "Long-Enough-Pass-42",
            "usable_password": "true",
        },
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 200
    assert "Un compte existe déjà avec cette adresse e-mail." in response.content.decode()
    assert "accounts_user_email_ci_unique" not in response.content.decode()
