"""A worker machine dies (SIGKILL) in the middle of an issue; another worker
finishes it. Every confirmed subscriber ends up with exactly one copy."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from mediaportal.celery import app as celery_app
from newsroom.newsletter import tasks
from newsroom.newsletter.models import Delivery, NewsletterIssue, Subscriber

from .factories import IssueFactory, SubscriberFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[3]
CONFIRMED = 120


def worker_env(sink_port: int) -> dict:
    db = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mediaportal.settings_test",
        # The database pytest-django created for this run, not the one it was named after.
        "TEST_DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "TEST_REDIS_URL": celery_app.conf.broker_url,
        "TEST_EMAIL_URL": f"smtp://127.0.0.1:{sink_port}",
        "TEST_VISIBILITY_TIMEOUT": "3",
        "NEWSLETTER_BATCH_SIZE": "20",
        "NEWSLETTER_RATE_LIMIT": "0",
    }


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "mediaportal",
            "worker",
            "-Q",
            "bulk",
            "-c",
            "2",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "info",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the pool children die with it
    )


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_sigkilled_worker_neither_skips_nor_doubles(sink_factory, tmp_path):
    sink = sink_factory(delay=0.02)  # a busy server: 20 ms to acknowledge each message
    confirmed = {SubscriberFactory().email for _ in range(CONFIRMED)}
    SubscriberFactory(email="pending@example.org", status=Subscriber.Status.PENDING)
    SubscriberFactory(email="left@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    issue = IssueFactory()
    with celery_app.connection_for_write() as conn:
        conn.default_channel.client.delete("bulk", "unacked", "unacked_index", "unacked_mutex")
    celery_app.conf.CELERY_TASK_ALWAYS_EAGER = False

    env, log = worker_env(sink.port), tmp_path / "workers.log"
    first = start_worker(env, log)
    second = None
    try:
        tasks.issue_send_task.delay(issue.pk)
        wait_until(lambda: len(sink.messages) >= 30, 60, "the first worker to start sending")
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
        time.sleep(0.5)  # let the server finish what it had
        received_before_restart = len(sink.messages)
        assert received_before_restart < CONFIRMED, "the kill came too late to test anything"
        # At the moment of the kill the database and the server agree: what
        # is marked sent was received, and the rest was not.
        marked_sent = Delivery.objects.filter(issue=issue, status=Delivery.Status.SENT).count()
        assert marked_sent == received_before_restart

        second = start_worker(env, log)
        wait_until(
            lambda: NewsletterIssue.objects.get(pk=issue.pk).status == NewsletterIssue.Status.SENT,
            60,
            "the second worker to finish the issue",
        )
        time.sleep(1)  # room for a stray second copy to arrive
    finally:
        for worker in (first, second):
            if worker and worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(30)

    copies = sink.recipients()
    assert set(copies) == confirmed, log.read_text()[-3000:]
    assert [email for email, count in copies.items() if count != 1] == []
    assert Delivery.objects.filter(issue=issue, status=Delivery.Status.SENT).count() == CONFIRMED
    assert len({message["Message-ID"] for message in sink.messages}) == CONFIRMED
