import factory
from django.utils import timezone

from newsroom.models import Article
from newsroom.newsletter.models import NewsletterIssue, Subscriber


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    language = "en"
    status = Subscriber.Status.CONFIRMED
    requested_at = factory.LazyFunction(timezone.now)
    consent_at = factory.LazyFunction(timezone.now)
    consent_origin = "test"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    language = "en"
    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    standfirst = "What happened, in one line."
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsletterIssue

    subject_en = "This week at the organisation"
    subject_fr = "Cette semaine à l'organisation"
    introduction_en = "Hello, here is the news."
    introduction_fr = "Bonjour, voici l'actualité."
