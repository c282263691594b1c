"""Finding 16 of the security review: sign-up did not compare the password
with the profile typed on the same form, ``createsuperuser --noinput`` took
any password, and ``Password123!`` (a common word dressed up to pass the
policy) was accepted."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from accounts.models import User

from .test_signup_login import signup

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password", ["Password123!", "P@ssw0rd-2026", "!Summer2024#", "Welcome-2026!", "Mediaportal-2026!"]
)
def test_common_words_with_digits_and_symbols_are_refused(client, password):
    response = signup(client, email="new@example.org", password1=password, password2=password)
    assert response.status_code == 200
    assert "This password is too common" in response.content.decode()
    assert not User.objects.filter(email="new@example.org").exists()


def test_common_password_message_in_french(client):
    response = client.post(
        "/fr/accounts/signup/",
        {
            "email": "new@example.org",
            "password1": "Password123!",
            "password2": "Password123!",
            "full_name": "Amina Diallo",
            "organisation": "Radio Sahel",
            "preferred_language": "fr",
        },
    )
    assert "Ce mot de passe est trop courant" in response.content.decode()


def test_uncommon_passwords_still_pass():
    for password in ("Fjord-Lantern-93!", "Root-Pass-2026!", "Initial-Pass-2026!"):
        validate_password(password)


@pytest.mark.parametrize(
    ("profile", "password"),
    [({"full_name": "Amina Diallo"}, "AminaDiallo-2026!"), ({"organisation": "Radio Sahel"}, "RadioSahel-2026!")],
)
def test_signup_refuses_a_password_like_the_profile(client, profile, password):
    response = signup(client, email="new@example.org", password1=password, password2=password, **profile)
    assert response.status_code == 200
    assert "too similar" in response.content.decode()
    assert not User.objects.filter(email="new@example.org").exists()


def test_createsuperuser_noinput_applies_the_policy(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "boss@example.org")
    for weak in ("Password123!", "short", "boss@example.org-1A!"):
        monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", weak)
        with pytest.raises(CommandError):
            call_command("createsuperuser", interactive=False, verbosity=0)
    assert not User.objects.filter(email="boss@example.org").exists()
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Fjord-Lantern-93!")
    call_command("createsuperuser", interactive=False, verbosity=0)
    assert User.objects.get(email="boss@example.org").is_superuser


def test_the_bundled_lists_need_no_network():
    from accounts.validators import PORTAL_PASSWORD_LIST, CommonPasswordValidator

    validator = CommonPasswordValidator()
    assert len(validator.passwords) > 19_000 and "mediaportal" in validator.passwords
    assert PORTAL_PASSWORD_LIST.is_file()
    with pytest.raises(ValidationError):
        validator.validate("Password123!")
