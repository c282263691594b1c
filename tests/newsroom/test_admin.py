import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from newsroom.models import Article, HeroRendition

from .factories import ArticleFactory, TopicFactory, jpeg_bytes

pytestmark = pytest.mark.django_db
ADD_URL = "/admin/newsroom/article/add/"
LIST_URL = "/admin/newsroom/article/"


def _form(**overrides):
    data = {
        "language": "en",
        "translation_of": "",
        "title": "Summit agrees",
        "slug": "summit-agrees",
        "standfirst": "Leaders agreed.",
        "body": '<p onmouseover="x()">Text<script>alert(1)</script></p>',
        "hero_alt": "Delegates",
        "hero_caption": "The hall",
        "hero_credit": "UN Photo",
        "event_place": "Geneva",
        "event_date": "2026-11-12",
        "topics": [],
        "related_videos": [],
        "status": "published",
        "published_at_0": "2026-11-12",
        "published_at_1": "17:00:00",
    }
    data.update(overrides)
    return data


def test_an_editor_publishes_an_article_with_a_hero_image(client, editor, django_capture_on_commit_callbacks):
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Inc."
    upload = SimpleUploadedFile("summit.jpg", jpeg_bytes(1000, 600, exif=exif.tobytes()), "image/jpeg")
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ADD_URL, _form(hero_image=upload))
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(slug="summit-agrees")
    assert article.body == "<p>Text</p>"
    assert (article.author, article.last_editor) == (editor, editor)
    assert (article.hero_width, article.hero_height) == (1000, 600)
    with article.hero_image.open("rb") as stored:
        assert not Image.open(io.BytesIO(stored.read())).getexif()
    assert HeroRendition.objects.filter(article=article).count() == 6
    assert client.get("/en/news/summit-agrees/").status_code == 200


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00 definitely an executable" * 20, "This file is not an image we can read."),
        (None, "This image has too many pixels to be processed safely."),
    ],
)
def test_a_bad_upload_is_refused_with_a_clear_message(client, editor, content, message):
    if content is None:  # a decompression bomb: tiny file, 225 megapixels
        out = io.BytesIO()
        Image.new("1", (15_000, 15_000)).save(out, "PNG")
        content = out.getvalue()
    client.force_login(editor)
    response = client.post(ADD_URL, _form(hero_image=SimpleUploadedFile("photo.png", content, "image/png")))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Article.objects.exists()


def test_a_translation_must_be_in_the_other_language(client, editor):
    original = ArticleFactory(language="en")
    client.force_login(editor)
    response = client.post(ADD_URL, _form(translation_of=original.pk))
    assert "A translation must be in another language than the original." in response.content.decode()
    response = client.post(ADD_URL, _form(language="fr", slug="accord", translation_of=original.pk))
    assert response.status_code == 302
    assert Article.objects.get(slug="accord").translation_of == original


def test_bulk_publish_and_unpublish(client, editor):
    drafts = ArticleFactory.create_batch(3, status=Article.Status.DRAFT, published_at=None)
    client.force_login(editor)
    ids = [str(a.pk) for a in drafts]
    response = client.post(LIST_URL, {"action": "publish", "_selected_action": ids}, follow=True)
    assert "3 articles published." in response.content.decode()
    assert Article.objects.published().count() == 3
    client.post(LIST_URL, {"action": "unpublish", "_selected_action": ids[:1]})
    assert Article.objects.published().count() == 2


def test_writers_who_may_not_publish_write_drafts_only(client, writer):
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    client.force_login(writer)
    changelist = client.get(LIST_URL).content.decode()
    assert 'value="publish"' not in changelist
    response = client.post(f"{LIST_URL}{article.pk}/change/", _form(slug="changed"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.slug, article.status, article.last_editor) == ("changed", Article.Status.DRAFT, writer)
    assert client.post(f"{LIST_URL}{article.pk}/delete/", {"post": "yes"}).status_code == 403


def test_the_staff_group_corrects_articles_but_neither_publishes_nor_adds_nor_deletes(client, staff):
    article = ArticleFactory(title="River data shaerd", status=Article.Status.DRAFT, published_at=None)
    client.force_login(staff)
    assert "River data shaerd" in client.get(LIST_URL).content.decode()
    response = client.post(f"{LIST_URL}{article.pk}/change/", _form(title="River data shared"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "River data shared"
    assert (article.status, article.published_at) == (Article.Status.DRAFT, None), "the status field is read-only"
    assert client.get(ADD_URL).status_code == 403
    assert client.post(f"{LIST_URL}{article.pk}/delete/", {"post": "yes"}).status_code == 403


def test_changelist_search_and_filters(client, editor):
    ArticleFactory(title="River data shared", language="en")
    ArticleFactory(title="Budget adopté", language="fr", status=Article.Status.DRAFT)
    client.force_login(editor)
    found = client.get(LIST_URL, {"q": "river"}).content.decode()
    assert "River data shared" in found and "Budget adopté" not in found
    drafts = client.get(LIST_URL, {"state": "draft"}).content.decode()
    assert "Budget adopté" in drafts and "River data shared" not in drafts
    assert "On the site" in client.get(LIST_URL).content.decode()


def test_topic_autocomplete(client, editor):
    TopicFactory(slug="water", name_en="Water")
    TopicFactory(slug="budget", name_en="Budget")
    client.force_login(editor)
    response = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "newsroom",
            "model_name": "article",
            "field_name": "topics",
            "term": "wat",
        },
    )
    assert [r["text"] for r in json.loads(response.content)["results"]] == ["Water"]


def test_view_on_site_leads_staff_to_a_preview_of_a_draft(client, editor, django_user_model):
    draft = ArticleFactory(slug="embargoed", title="Embargoed story", status=Article.Status.DRAFT)
    client.force_login(editor)
    change = client.get(f"{LIST_URL}{draft.pk}/change/").content.decode()
    assert f'href="/en/news/preview/{draft.pk}/" class="viewsitelink"' in change
    preview = client.get(f"/en/news/preview/{draft.pk}/")
    assert "Embargoed story" in preview.content.decode()
    assert "Only staff can see it." in preview.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in preview.content.decode()

    client.logout()
    assert client.get(f"/en/news/preview/{draft.pk}/").status_code == 302  # to the login page
    journalist = django_user_model.objects.create_user(email="j@example.org", password="x")
    client.force_login(journalist)
    assert client.get(f"/en/news/preview/{draft.pk}/").status_code == 302
    assert client.get("/en/news/embargoed/").status_code == 404


def test_related_videos_are_picked_with_autocomplete(client, editor):
    from .factories import VideoFactory

    VideoFactory(title="Signing ceremony")
    VideoFactory(title="Press conference")
    client.force_login(editor)
    assert 'data-model-name="article" data-field-name="related_videos"' in client.get(ADD_URL).content.decode()
    response = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "newsroom",
            "model_name": "article",
            "field_name": "related_videos",
            "term": "sign",
        },
    )
    assert [r["text"] for r in json.loads(response.content)["results"]] == ["Signing ceremony"]
