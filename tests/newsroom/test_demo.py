import pytest
from django.core.files.storage import default_storage

from newsroom import demo
from newsroom.models import Article, HeroRendition

from .factories import VideoFactory

pytestmark = pytest.mark.django_db


def test_demo_article_is_bilingual_illustrated_and_linked_to_the_demo_video(client):
    video = VideoFactory(slug="demo-signing-ceremony", title="Signing ceremony")
    demo.seed()
    demo.seed()  # idempotent
    en, fr = Article.objects.get(language="en"), Article.objects.get(language="fr")
    assert Article.objects.count() == 2 and HeroRendition.objects.count() == 12
    assert fr.translation_of == en
    assert (en.event_place, fr.event_place, str(en.event_date)) == ("Geneva", "Genève", "2026-11-12")
    assert default_storage.exists(en.hero_image.name) and en.hero_width == 1800
    assert list(en.related_videos.all()) == [video] == list(fr.related_videos.all())
    html = client.get(fr.get_absolute_url()).content.decode()
    assert "Vingt-quatre pays" in html and 'href="/fr/videos/demo-signing-ceremony/"' in html
    assert 'type="image/webp"' in html and en.get_absolute_url() in html


def test_demo_article_without_videos():
    demo.seed()
    assert Article.objects.count() == 2
    assert not Article.objects.filter(related_videos__isnull=False).exists()
