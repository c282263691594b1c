"""Deliveries whose outcome the sender cannot know (the server's reply was
lost, or the worker died while "sending") go again under the same
Message-ID; the rest is never sent twice."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from newsroom.newsletter import selectors, sending, tasks
from newsroom.newsletter.models import Delivery

from .factories import IssueFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def test_a_lost_reply_sends_again_under_the_same_message_id(sink_factory, settings):
    sink = sink_factory(hang_up={"lost@example.org"})
    SubscriberFactory(email="ok@example.org")
    SubscriberFactory(email="lost@example.org")
    issue = IssueFactory()
    tasks.issue_send_task.delay(issue.pk)
    lost = Delivery.objects.get(subscriber__email="lost@example.org")
    assert lost.status == Delivery.Status.PENDING and lost.uncertain_resends == 1
    assert "No reply after the end of data" in lost.error

    Delivery.objects.filter(pk=lost.pk).update(next_attempt_at=timezone.now())
    settings.NEWSLETTER_REQUEUE_AFTER = 0
    tasks.issue_send_due_task.delay()
    copies = [message for message in sink.messages if message["To"] == "lost@example.org"]
    assert len(copies) == 2 and copies[0]["Message-ID"] == copies[1]["Message-ID"]
    assert [message["To"] for message in sink.messages].count("ok@example.org") == 1
    lost.refresh_from_db()
    assert lost.status == Delivery.Status.SENT and lost.queue_id == sink.queue_ids[-1]
    assert selectors.issue_delivery_problems(issue=issue)["resent"] == 1


def test_the_sweep_takes_back_only_what_a_dead_worker_left_sending(settings):
    settings.NEWSLETTER_SENDING_TIMEOUT = 600
    alive, dead, stale = (SubscriberFactory() for _ in range(3))
    issue = IssueFactory()
    sending.issue_start_sending(issue_id=issue.pk)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), (SELECT max(pid) + 100000 FROM pg_stat_activity)")
        own_pid, gone_pid = cursor.fetchone()
    Delivery.objects.filter(subscriber=alive).update(status=Delivery.Status.SENDING, claimed_at=now, claimed_by=own_pid)
    Delivery.objects.filter(subscriber=dead).update(status=Delivery.Status.SENDING, claimed_at=now, claimed_by=gone_pid)
    Delivery.objects.filter(subscriber=stale).update(
        status=Delivery.Status.SENDING, claimed_at=now - timedelta(minutes=11), claimed_by=own_pid
    )
    assert sending.deliveries_recover_interrupted(issue_id=issue.pk) == 2
    states = dict(Delivery.objects.values_list("subscriber", "status"))
    assert states == {alive.pk: "sending", dead.pk: "pending", stale.pk: "pending"}
    assert not sending.issue_complete_if_done(issue_id=issue.pk)  # "sending" is not done
