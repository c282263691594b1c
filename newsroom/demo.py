"""Demo content for `seed_demo`: one article written in English and in
French, linked as translations, with a place, a date, a generated hero
image and the first demo video. Idempotent."""

import io
from datetime import date, datetime, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from downloads.models import Video

from . import images
from .models import Article, Topic
from .services import article_renditions_make

TOPICS = [("water", "Water", "Eau"), ("climate", "Climate", "Climat")]

ARTICLES = {
    "en": {
        "slug": "river-basin-summit-geneva",
        "title": "Twenty-four countries agree to share river data in real time",
        "standfirst": "Meeting in Geneva, delegations adopted a common plan to warn each other of floods "
        "and droughts hours earlier than today.",
        "body": "<p>Delegations from twenty-four countries adopted on Thursday a joint plan to exchange "
        "river level and rainfall readings as they are measured, instead of in monthly reports.</p>"
        "<p>“A flood does not stop at a border, and neither should the warning,” the chair of the "
        "meeting told journalists at the close of two days of talks.</p>"
        "<h2>What changes</h2><ul><li>Gauging stations on shared rivers will publish readings every "
        "fifteen minutes.</li><li>A joint duty desk will alert downstream authorities within the "
        "hour.</li><li>Countries will review the arrangement together after one year.</li></ul>"
        "<p>Broadcast-quality footage of the signing and interviews is available below.</p>",
        "hero_alt": "Delegates around a round table under a blue sky motif",
        "hero_caption": "The closing session of the river basin summit.",
        "event_place": "Geneva",
    },
    "fr": {
        "slug": "sommet-bassins-fluviaux-geneve",
        "title": "Vingt-quatre pays s’accordent pour partager en temps réel leurs données fluviales",
        "standfirst": "Réunies à Genève, les délégations ont adopté un plan commun pour s’alerter "
        "mutuellement des crues et des sécheresses plusieurs heures plus tôt qu’aujourd’hui.",
        "body": "<p>Les délégations de vingt-quatre pays ont adopté jeudi un plan commun pour échanger les "
        "relevés de hauteur des cours d’eau et de pluviométrie au fil des mesures, et non plus "
        "dans des rapports mensuels.</p>"
        "<p>« Une crue ne s’arrête pas à la frontière, l’alerte non plus », a déclaré aux "
        "journalistes la présidente de la réunion, à l’issue de deux jours de discussions.</p>"
        "<h2>Ce qui change</h2><ul><li>Les stations de mesure des fleuves partagés publieront "
        "leurs relevés toutes les quinze minutes.</li><li>Une permanence commune préviendra les "
        "autorités en aval dans l’heure.</li><li>Les pays feront le bilan du dispositif ensemble "
        "au bout d’un an.</li></ul>"
        "<p>Les images de la signature et les interviews, en qualité broadcast, sont disponibles "
        "ci-dessous.</p>",
        "hero_alt": "Des délégués autour d’une table ronde sous un motif de ciel bleu",
        "hero_caption": "La séance de clôture du sommet sur les bassins fluviaux.",
        "event_place": "Genève",
    },
}
EVENT_DATE = date(2026, 11, 12)
CREDIT = "Media Portal / Demo"
RELATED_VIDEO_SLUGS = ["demo-summit-arrivals", "demo-press-conference"]


def _hero_image() -> bytes:
    """A 1800 × 1000 illustration: sky gradient, river, and a round table."""
    width, height = 1800, 1000
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        shade = y / height
        draw.line([(0, y), (width, y)], fill=(int(20 + 60 * shade), int(70 + 90 * shade), int(140 + 80 * shade)))
    draw.polygon([(0, 780), (width, 640), (width, 760), (0, 900)], fill=(40, 120, 190))
    draw.ellipse([600, 420, 1200, 640], fill=(235, 230, 215), outline=(90, 70, 50), width=8)
    for index in range(8):
        x = 640 + index * 72
        draw.ellipse([x, 360, x + 44, 404], fill=(30, 40, 60))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def seed(stdout=None) -> None:
    topics = []
    for slug, name_en, name_fr in TOPICS:
        topic, _ = Topic.objects.get_or_create(slug=slug, defaults={"name_en": name_en, "name_fr": name_fr})
        topics.append(topic)
    # The downloads seeder's summit footage fits the story; any demo video otherwise.
    videos = list(Video.objects.filter(slug__in=RELATED_VIDEO_SLUGS)) or list(
        Video.objects.filter(slug__startswith="demo-")[:1]
    )
    published_at = timezone.make_aware(datetime.combine(EVENT_DATE, datetime.min.time())) + timedelta(hours=17)
    original = None
    for language in ("en", "fr"):
        spec = dict(ARTICLES[language])
        article, created = Article.objects.get_or_create(
            language=language,
            slug=spec.pop("slug"),
            defaults={
                **spec,
                "hero_credit": CREDIT,
                "event_date": EVENT_DATE,
                "translation_of": original,
                "status": Article.Status.PUBLISHED,
                "published_at": published_at,
            },
        )
        if not article.hero_image:
            checked = images.image_check(_hero_image())
            article.hero_image.save(f"river-basin-summit.{checked.extension}", ContentFile(checked.content))
        article_renditions_make(article=article)
        article.topics.add(*topics)
        article.related_videos.add(*videos)
        if stdout and created:
            stdout.write(f"created demo article ({language}) {article.title}")
        original = original or article
