"""Asking for a code answers in the same time whether the address has an
account or not: both paths render one mail and queue it after commit, and
neither touches SMTP in the request. (The unknown path runs one more small
query inside allauth, well under a millisecond; with at most five requests
an hour per address, that cannot be measured from outside.)"""

import statistics
import time

import pytest
from django.core.cache import cache

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def timed_ms(client, email) -> float:
    cache.clear()  # rate limits would otherwise answer 429
    client.cookies.clear()
    start = time.perf_counter()
    response = client.post("/en/accounts/password/reset/", {"email": email})
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 302
    return elapsed


def test_known_and_unknown_addresses_take_the_same_time(client, mailoutbox):
    user = UserFactory()
    known, unknown = [], []
    for round_ in range(23):
        # Interleaved, so that load on the machine weighs on both alike.
        k, u = timed_ms(client, user.email), timed_ms(client, "nobody@example.org")
        if round_ >= 3:  # the first rounds compile templates
            known.append(k)
            unknown.append(u)
    known_ms, unknown_ms = statistics.median(known), statistics.median(unknown)
    print(f"reset request median: known {known_ms:.1f} ms, unknown {unknown_ms:.1f} ms")
    assert abs(known_ms - unknown_ms) < max(5.0, 0.5 * max(known_ms, unknown_ms))
    assert len(mailoutbox) == 46
