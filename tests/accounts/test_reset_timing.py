"""Asking for a code answers in the same time whether the address has an
account or not: both paths queue one mail after commit and never touch SMTP
in the request."""

import statistics
import time

import pytest
from django.core.cache import cache

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def median_ms(client, email, rounds=15) -> float:
    timings = []
    for _ in range(rounds):
        cache.clear()  # rate limits would otherwise answer 429
        client.cookies.clear()
        start = time.perf_counter()
        response = client.post("/en/accounts/password/reset/", {"email": email})
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 302
    return statistics.median(timings)


def test_known_and_unknown_addresses_take_the_same_time(client, mailoutbox):
    user = UserFactory()
    median_ms(client, user.email, rounds=3)  # warm template and URL caches
    known = median_ms(client, user.email)
    unknown = median_ms(client, "nobody@example.org")
    print(f"reset request median: known {known:.1f} ms, unknown {unknown:.1f} ms")
    assert abs(known - unknown) < max(5.0, 0.3 * max(known, unknown))
