"""Finding 2 of the security review: behind the README's nginx every visitor
had the proxy's address, so one client's failed logins, resets, codes and
sign-ups locked out everyone. With ``TRUSTED_PROXY_COUNT`` the limits are
keyed on the address the proxy saw, and forged headers change nothing."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import RequestFactory

from accounts.models import User
from mediaportal.client_address import client_address
from tests.accounts.conftest import CommittingClient
from tests.accounts.factories import PASSWORD, UserFactory

LOGIN = "/en/accounts/login/"
RESET = "/en/accounts/password/reset/"
SIGNUP = "/en/accounts/signup/"
LOCKED = "Too many failed login attempts"
PROXY = "127.0.0.1"  # nginx on the same machine: every request's REMOTE_ADDR


def _behind_proxy(client_ip: str) -> CommittingClient:
    # What nginx's ``proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for``
    # sends: whatever the client claimed, then the address nginx saw.
    return CommittingClient(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"10.9.9.9, {client_ip}")


@pytest.fixture
def one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


@pytest.mark.django_db
def test_one_clients_failed_logins_do_not_lock_out_another(one_proxy):
    owner = UserFactory()
    attacker = _behind_proxy("203.0.113.9")
    for n in range(11):
        last = attacker.post(LOGIN, {"login": f"guess{n}@example.org", "password": "Wrong-Pass-2026!"})
    assert LOCKED in last.content.decode()  # the attacker is limited...
    someone_else = _behind_proxy("198.51.100.7")
    response = someone_else.post(LOGIN, {"login": owner.email, "password": PASSWORD})
    assert response.status_code == 302  # ...the owner, from elsewhere, is not
    assert int(someone_else.session[SESSION_KEY]) == owner.pk


@pytest.mark.django_db
def test_one_clients_reset_requests_and_signups_do_not_block_another(one_proxy):
    attacker = _behind_proxy("203.0.113.9")
    for n in range(25):
        attacker.post(RESET, {"email": f"victim{n}@example.org"})
    assert attacker.post(RESET, {"email": "late@example.org"}).status_code == 429
    assert _behind_proxy("198.51.100.7").post(RESET, {"email": "mine@example.org"}).status_code == 302
    for n in range(12):
        attacker.post(SIGNUP, {"email": f"bot{n}@example.org"})
    assert attacker.post(SIGNUP, {"email": "bot@example.org"}).status_code == 429
    answer = _behind_proxy("198.51.100.7").post(
        SIGNUP,
        {
            "email": "amina@example.org",
            "password1": "Fjord-Lantern-93!",
            "password2": "Fjord-Lantern-93!",
            "full_name": "Amina Diallo",
            "organisation": "Radio Sahel",
            "preferred_language": "en",
        },
    )
    assert answer.status_code == 302
    assert User.objects.filter(email="amina@example.org").exists()


@pytest.mark.django_db
def test_without_trusted_proxies_a_forged_header_does_not_escape_the_limit():
    # TRUSTED_PROXY_COUNT=0 (the default): X-Forwarded-For is never read, so a
    # client cannot reset its limit by inventing a new address each time.
    for n in range(12):
        forged = CommittingClient(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        last = forged.post(LOGIN, {"login": f"guess{n}@example.org", "password": "Wrong-Pass-2026!"})
    assert LOCKED in last.content.decode()


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        (0, "127.0.0.1", "203.0.113.9", "127.0.0.1"),
        (1, "127.0.0.1", "203.0.113.9", "203.0.113.9"),
        (1, "127.0.0.1", "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # a forged first entry is ignored
        (2, "127.0.0.1", "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "127.0.0.1", "203.0.113.9", "127.0.0.1"),  # fewer hops than proxies: not through them
        (1, "127.0.0.1", "not-an-address", "127.0.0.1"),
        (1, "127.0.0.1", "[2001:db8::1]:443", "2001:db8::1"),
        (1, "127.0.0.1", "203.0.113.9:5100", "203.0.113.9"),
        (1, "127.0.0.1", "", "127.0.0.1"),
    ],
)
def test_client_address_reads_only_the_trusted_hops(settings, trusted, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
