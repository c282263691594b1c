"""The admin (mediaportal/admin.py's shared rules) under forged requests: odd
filters, forged selections and form values, dates it could not read back."""

import pytest

from tests.hostile import ADMIN_ODD_VALUES, NUL, server_errors

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


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "param"), [(url, p) for url, params in ADMIN_LISTS.items() for p in params + ["q", "p", "o"]]
)
def test_odd_admin_filter_values_never_cause_a_server_error(staff_client, content, url, param):
    assert server_errors(staff_client, "get", url, [{param: value} for value in ADMIN_ODD_VALUES]) == []


@pytest.mark.django_db
def test_an_impossible_year_filter_gets_the_admins_invalid_filter_answer(staff_client):
    response = staff_client.get("/admin/newsroom/article/", {"published_at__year": "9" * 30})
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


@pytest.mark.django_db
def test_autocomplete_search_with_odd_terms(staff_client, content):
    params = {"app_label": "newsroom", "model_name": "article", "field_name": "topics"}
    assert (
        server_errors(staff_client, "get", "/admin/autocomplete/", [{**params, "term": v} for v in ADMIN_ODD_VALUES])
        == []
    )


@pytest.mark.django_db
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


# A complete article add form; each test changes the fields it is about.
ARTICLE_FORM = {
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


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field", ["translation_of", "topics", "related_videos", "language", "status", "event_date", "published_at_0"]
)
def test_forged_article_form_values_are_refused_with_the_form(staff_client, content, field):
    base = {**ARTICLE_FORM, "status": "draft"}
    payloads = [{**base, field: value} for value in ADMIN_ODD_VALUES]
    assert server_errors(staff_client, "post", "/admin/newsroom/article/add/", payloads) == []
    response = staff_client.post("/admin/newsroom/article/add/", {**base, field: "abc"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200 and "errorlist" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/newsroom/article/add/", "/admin/downloads/video/add/"])
def test_add_pages_prefilled_from_the_address_skip_values_of_the_wrong_type(staff_client, content, url):
    for query in ["published_at=abc", "translation_of=abc", "topics=1,abc", "language=zz", "event_date=2026-02-30"]:
        assert staff_client.get(f"{url}?{query}").status_code == 200, query
    html = staff_client.get(f"{url}?title=Summit%20opens&published_at=2026-11-12%2017:00").content.decode()
    assert 'value="Summit opens"' in html and 'value="2026-11-12"' in html and 'value="17:00:00"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("date", "time"), [("0001-01-01", "00:00:00"), ("9999-12-31", "23:59:59"), ("1899-12-31", "12:00")]
)
def test_a_publication_date_the_site_could_not_read_back_is_refused(staff_client, date, time):
    article = {**ARTICLE_FORM, "status": "published", "published_at_0": date, "published_at_1": time}
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
