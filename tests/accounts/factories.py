import factory
from allauth.account.models import EmailAddress

from accounts.models import User

PASSWORD = "Initial-Pass-2026!"


class UserFactory(factory.django.DjangoModelFactory):
    """A media professional whose e-mail address is verified."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"reporter{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Reporter {n}")
    organisation = "Northern Broadcast News"
    preferred_language = "en"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)
