"""Finding 11 of the security review: five wrong passwords from anywhere
locked the account for five minutes, its owner included. The lock is now
keyed on the account and the client together; a ceiling per account over
all clients stays."""

import pytest
from django.contrib.auth import SESSION_KEY

from .conftest import CommittingClient
from .factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/en/accounts/login/"
LOCKED = "Too many failed login attempts"


def _try(client, user, password):
    return client.post(LOGIN, {"login": user.email, "password": password})


def test_wrong_passwords_from_one_client_do_not_lock_out_the_owner(user):
    attacker = CommittingClient(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        assert "not correct" in _try(attacker, user, "Wrong-Pass-2026!").content.decode()
    assert LOCKED in _try(attacker, user, PASSWORD).content.decode()  # the attacker's client is locked
    assert SESSION_KEY not in attacker.session
    owner = CommittingClient(REMOTE_ADDR="198.51.100.7")
    response = _try(owner, user, PASSWORD)
    assert response.status_code == 302
    assert int(owner.session[SESSION_KEY]) == user.pk


def test_many_clients_together_hit_a_ceiling_per_account(user, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed_account": "8/h/key"}
    for n in range(8):
        client = CommittingClient(REMOTE_ADDR=f"203.0.113.{n + 1}")
        assert "not correct" in _try(client, user, "Wrong-Pass-2026!").content.decode()
    late = CommittingClient(REMOTE_ADDR="203.0.113.200")
    assert LOCKED in _try(late, user, PASSWORD).content.decode()


def test_a_successful_login_does_not_count_towards_the_ceiling(user, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed_account": "3/h/key"}
    for n in range(5):
        client = CommittingClient(REMOTE_ADDR=f"198.51.100.{n + 1}")
        assert _try(client, user, PASSWORD).status_code == 302
