"""Finding 6 of the security review: sign-up answered in 77 ms for a
registered address and 366 ms for a new one (only the new one hashed a
password), so timing told who has an account. Both paths must do the same
work: hash the typed password once and queue one mail. (Timings, which are
too noisy to assert, are in bench/signup_timing.py.)"""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher

from accounts.models import User

from .conftest import CommittingClient
from .test_signup_login import signup

pytestmark = pytest.mark.django_db


class CountingHasher(MD5PasswordHasher):
    """The suite's fast hasher, counting the passwords it hashes."""

    algorithm = "counting_md5"
    calls: list[str] = []

    def encode(self, password, salt):
        CountingHasher.calls.append(password)
        return super().encode(password, salt)


@pytest.fixture
def hasher(settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.test_signup_enumeration.CountingHasher"]
    CountingHasher.calls = []
    return CountingHasher


def test_new_and_registered_addresses_do_the_same_work(client, user, hasher, mailoutbox):
    new = signup(client, email="new.reporter@example.org", password1="Fjord-Lantern-93!", password2="Fjord-Lantern-93!")
    assert User.objects.filter(email="new.reporter@example.org").exists()
    new_hashes, new_mails = list(hasher.calls), len(mailoutbox)

    hasher.calls.clear()
    mailoutbox.clear()
    known = signup(CommittingClient(), email=user.email, password1="Other-Lantern-94!", password2="Other-Lantern-94!")
    assert User.objects.filter(email__iexact=user.email).count() == 1

    assert new_hashes == ["Fjord-Lantern-93!"]
    assert hasher.calls == ["Other-Lantern-94!"]  # the registered address hashes too
    assert new_mails == len(mailoutbox) == 1
    assert new.status_code == known.status_code == 302
    assert new["Location"] == known["Location"]
