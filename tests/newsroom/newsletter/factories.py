import factory
from django.utils import timezone

from newsroom.newsletter.models import NewsletterIssue, Subscriber
from tests.newsroom.factories import ArticleFactory  # noqa: F401 - the one article factory, re-exported for these tests


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    language = "en"
    status = Subscriber.Status.CONFIRMED
    requested_at = factory.LazyFunction(timezone.now)
    consent_at = factory.LazyFunction(timezone.now)
    consent_origin = "test"


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsletterIssue

    subject_en = "This week at the organisation"
    subject_fr = "Cette semaine à l'organisation"
    introduction_en = "Hello, here is the news."
    introduction_fr = "Bonjour, voici l'actualité."
