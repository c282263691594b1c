"""Site-wide answers to odd and hostile requests: odd query values, NUL bytes in
the address, wrong methods, missing CSRF tokens, unknown ids. The house rule:
a 4xx (or a normal page) with a clear message in the visitor's language, never
a 500. Each sweep lists every value that got a server error, so one run shows
every failure at once."""

import pytest
from django.test import Client

from newsroom.newsletter.models import Subscriber
from tests.hostile import ODD_VALUES, server_errors

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


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "param"), PUBLIC_QUERIES)
def test_odd_query_values_never_cause_a_server_error(browser_client, content, url, param):
    assert server_errors(browser_client, "get", url, [{param: value} for value in ODD_VALUES]) == []


@pytest.mark.django_db
def test_duplicated_parameters_take_the_last_value(browser_client, content):
    response = browser_client.get("/en/news/?page=abc&page=2&month=2026-13&month=")
    assert response.status_code == 200


@pytest.mark.django_db
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


@pytest.mark.django_db
def test_a_nul_byte_in_an_api_address_gets_a_json_400_in_the_accept_language(browser_client):
    response = browser_client.get("/api/clips/1/?x=%00", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert response.json()["error"].startswith("L’adresse contient un caractère non autorisé.")


@pytest.mark.django_db
def test_an_unreadable_request_gets_the_portals_400_page_in_french(browser_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = browser_client.post("/fr/newsletter/", {f"field{i}": "x" for i in range(20)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Requête incorrecte" in html and "n’a pas pu être compris" in html


@pytest.mark.django_db
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


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "field"), [(url, field) for url, fields in ANONYMOUS_FORMS.items() for field in fields]
)
def test_odd_form_values_never_cause_a_server_error(browser_client, url, field):
    base = ANONYMOUS_FORMS[url]
    assert server_errors(browser_client, "post", url, [{**base, field: value} for value in ODD_VALUES]) == []


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


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["put", "patch", "delete", "options", "head", "trace"])
def test_wrong_http_methods_never_cause_a_server_error(browser_client, django_user_model, method):
    browser_client.force_login(django_user_model.objects.create_user("ana@example.org", "x"))
    failures = [
        (url, status)
        for url in WRONG_METHOD_URLS
        if (status := getattr(browser_client, method)(url).status_code) >= 500
    ]
    assert failures == []


@pytest.mark.django_db
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


@pytest.mark.django_db
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


@pytest.mark.django_db
def test_the_api_says_which_methods_it_refuses_in_json(browser_client):
    response = browser_client.delete("/api/clips/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 405
    assert response.json() == {"error": "Cette adresse ne répond pas aux requêtes DELETE."}
