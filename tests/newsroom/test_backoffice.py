"""The back office as editors meet it: a branded, translated admin, the
body editor's preview, topics in the article's language, publishing rules
in services."""

import json
import re

import pytest
from django.utils import timezone

from downloads.models import Video
from downloads.services import video_publish, video_unpublish
from newsroom.models import Article
from newsroom.services import article_save

from .factories import ArticleFactory, TopicFactory, VideoFactory

pytestmark = pytest.mark.django_db
ARTICLES = "/admin/newsroom/article/"


@pytest.mark.parametrize(
    ("language", "title", "index"),
    [("en", "Media Portal", "Back office"), ("fr", "Portail médias", "Espace rédaction")],
)
def test_the_admin_carries_the_portal_name_in_the_reader_language(client, editor, language, title, index):
    client.force_login(editor)
    html = client.get("/admin/", headers={"accept-language": language}).content.decode()
    assert f"<title>{index} | {title}</title>" in html
    assert '<div id="site-name"><a href="/admin/"><img class="brand-logo"' in html and f"> {title}</a>" in html
    assert "Django administration" not in html and "Administration de Django" not in html


def test_french_admin_labels_every_article_field(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    html = client.get(f"{ARTICLES}{article.pk}/change/", headers={"accept-language": "fr"}).content.decode()
    labels = re.findall(r"<label[^>]*>([^<]*)\xa0:</label>", html)
    english = {"Created at", "Updated at", "Created", "Last changed", "Body", "Title", "Language", "Topics"}
    assert len(labels) > 15 and not english & set(labels), labels
    assert {"Créé", "Dernière modification", "Texte", "Thèmes"} <= set(labels)


def test_topics_are_offered_in_the_article_language(client, editor):
    TopicFactory(slug="water", name_en="Water", name_fr="Eau")
    client.force_login(editor)
    params = {"app_label": "newsroom", "model_name": "article", "field_name": "topics", "term": "Eau"}
    french = json.loads(client.get("/admin/autocomplete/", params | {"language": "fr"}).content)
    english = json.loads(client.get("/admin/autocomplete/", params | {"language": "en"}).content)
    assert [result["text"] for result in french["results"]] == ["Eau"]
    assert [result["text"] for result in english["results"]] == ["Water"]
    unknown = json.loads(client.get("/admin/autocomplete/", params | {"language": "xx"}).content)
    assert [result["text"] for result in unknown["results"]] == ["Water"]  # the admin's own language


def test_a_french_article_lists_its_chosen_topics_in_french(client, editor):
    article = ArticleFactory(language="fr")
    article.topics.add(TopicFactory(slug="water", name_en="Water", name_fr="Eau"))
    client.force_login(editor)
    html = client.get(f"{ARTICLES}{article.pk}/change/").content.decode()
    assert '<option value="' in html and ">Eau</option>" in html and ">Water</option>" not in html


def test_the_body_editor_is_a_static_script_with_a_server_side_preview(client, editor, staff):
    client.force_login(editor)
    html = client.get(f"{ARTICLES}add/").content.decode()
    assert "/static/newsroom/article-editor.js" in html and "data-rich-text" in html
    assert f'data-preview-url="{ARTICLES}preview-body/"' in html
    preview = client.post(
        f"{ARTICLES}preview-body/", {"body": '<p onclick="x()">Hi <b>there</b><script>alert(1)</script></p>'}
    )
    assert json.loads(preview.content) == {"html": "<p>Hi <b>there</b></p>"}
    assert Article.objects.count() == 0, "a preview saves nothing"
    assert client.get(f"{ARTICLES}preview-body/").status_code == 405
    client.force_login(staff)  # may correct articles, hence preview them
    assert client.post(f"{ARTICLES}preview-body/", {"body": "<p>x</p>"}).status_code == 200


def test_the_article_list_keeps_titles_readable(client, editor):
    ArticleFactory(title="A title long enough to wrap into many lines in a narrow column")
    client.force_login(editor)
    html = client.get(ARTICLES).content.decode()
    assert "/static/mediaportal/admin.css" in html
    from django.contrib.staticfiles import finders

    with open(finders.find("mediaportal/admin.css")) as css:
        assert "#result_list .field-title" in css.read()


def test_publishing_without_a_time_means_now_for_articles_and_videos(editor):
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    article.status = Article.Status.PUBLISHED
    before = timezone.now()
    article_save(article=article, editor=editor)
    assert article.published_at >= before and article.is_live

    fresh, dated = (
        VideoFactory(is_published=False, published_at=None),
        VideoFactory(is_published=False, published_at=before),
    )
    assert video_publish(videos=Video.objects.filter(pk__in=[fresh.pk, dated.pk])) == 2
    fresh.refresh_from_db(), dated.refresh_from_db()
    assert fresh.is_published and fresh.published_at >= before
    assert dated.published_at == before, "a video with a date keeps it"
    video_unpublish(videos=Video.objects.filter(pk=fresh.pk))
    fresh.refresh_from_db()
    assert not fresh.is_published and fresh.published_at is not None


def test_the_video_admin_publishes_through_the_service(client, editor):
    video = VideoFactory(is_published=False, published_at=None)
    client.force_login(editor)
    client.post("/admin/downloads/video/", {"action": "publish", "_selected_action": [video.pk]})
    video.refresh_from_db()
    assert video.is_published and video.published_at is not None
