import io
from datetime import timedelta

import factory
from django.utils import timezone
from PIL import Image

from downloads.models import Video
from newsroom.models import Article, Topic


def jpeg_bytes(width=1200, height=800, color=(30, 90, 160), exif=None) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "JPEG", quality=85, **({"exif": exif} if exif else {}))
    return out.getvalue()


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name_en = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())
    name_fr = factory.LazyAttribute(lambda o: f"Sujet {o.slug}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    language = "en"
    title = factory.Sequence(lambda n: f"Article number {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    standfirst = "A short lead."
    body = "<p>Body text.</p>"
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))


class VideoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Video

    title = factory.Sequence(lambda n: f"Video {n}")
    slug = factory.Sequence(lambda n: f"video-{n}")
    is_published = True
    status = Video.Status.READY
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))


def staff_user(email: str, group_name: str, password: str = "Long-Enough-Pass-42", grants=None):
    """A staff member in one of the groups of ``accounts.roles`` (or in
    ``group_name`` with the given ``grants``). Transactional tests empty
    every table afterwards, groups included, so the group is set up again here
    from the same list the migration applies."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    from accounts.services import roles_sync

    if grants is None:
        roles_sync()
        group = Group.objects.get(name=group_name)
    else:
        group, _ = Group.objects.get_or_create(name=group_name)
        for code in grants:
            app_label, codename = code.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    user = get_user_model().objects.create_user(email=email, password=password, is_staff=True)
    user.groups.add(group)
    return user
