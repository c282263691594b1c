"""Finding 7 of the security review: one client mailed confirmation
requests to 40 addresses in 3 seconds. Sign-ups are now limited per client."""

import pytest
from django.test import Client

from newsroom.newsletter.models import Subscriber

pytestmark = pytest.mark.django_db


def _subscribe(client, on_commit, email):
    return on_commit(client.post, "/en/newsletter/", {"email": email, "language": "en", "next": "/en/"})


def test_one_client_cannot_mail_many_addresses(on_commit, mailoutbox):
    flooder = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [_subscribe(flooder, on_commit, f"victim{n}@example.org").status_code for n in range(8)]
    assert statuses[:5] == [302] * 5
    assert statuses[5:] == [429] * 3
    assert len(mailoutbox) == 5
    assert Subscriber.objects.count() == 5
    page = _subscribe(flooder, on_commit, "late@example.org")
    assert "Too many attempts" in page.content.decode()
    # Another reader is not held back by it.
    reader = Client(REMOTE_ADDR="198.51.100.7")
    assert _subscribe(reader, on_commit, "reader@example.org").status_code == 302
    assert len(mailoutbox) == 6
