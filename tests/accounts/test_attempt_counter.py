"""The database counter behind the reset-code tries (and other limits)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AttemptCounter
from accounts.services import attempt_count, attempt_counters_expire

pytestmark = pytest.mark.django_db


def test_counts_up_within_the_window_then_starts_again():
    assert [attempt_count(key="k", window=60) for _ in range(3)] == [1, 2, 3]
    assert attempt_count(key="other", window=60) == 1
    AttemptCounter.objects.filter(key="k").update(window_ends=timezone.now() - timedelta(seconds=1))
    assert attempt_count(key="k", window=60) == 1


def test_expired_counters_are_deleted():
    attempt_count(key="old", window=60)
    attempt_count(key="live", window=60)
    AttemptCounter.objects.filter(key="old").update(window_ends=timezone.now() - timedelta(seconds=1))
    assert attempt_counters_expire() == 1
    assert list(AttemptCounter.objects.values_list("key", flat=True)) == ["live"]
