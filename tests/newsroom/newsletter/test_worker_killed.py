"""A worker machine dies (SIGKILL) in the middle of an issue; another worker
finishes it. Every confirmed subscriber ends up with the issue, and any
second copy carries the first one's Message-ID (one message to their mail
client). Three trials, each killing at a different point."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from mediaportal.celery import app as celery_app
from newsroom.newsletter import selectors, tasks
from newsroom.newsletter.models import Delivery, NewsletterIssue, Subscriber

from .factories import IssueFactory, SubscriberFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[3]
CONFIRMED = 100


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


# Where the first worker dies. None: wherever it is once 30 copies have
# arrived. Otherwise each worker process stops at that point of the 8th
# delivery of a batch (sending.py, _pause_for_tests) and is killed there:
# - "before_end_of_data": "sending" is committed, the final CRLF.CRLF is not
#   written (the window that used to lose a copy);
# - "before_sent_commit": the server has answered 250, "sent" is not recorded.
KILL_POINTS = [None, "before_end_of_data", "before_sent_commit"]


@pytest.mark.parametrize("kill_point", KILL_POINTS, ids=["mid-stream", "before-end-of-data", "before-sent-commit"])
def test_sigkilled_worker_skips_nobody(kill_point, sink_factory, tmp_path):
    sink = sink_factory(delay=0.02)  # a busy server: 20 ms to acknowledge each message
    confirmed = {SubscriberFactory().email for _ in range(CONFIRMED)}
    SubscriberFactory(email="pending@example.org", status=Subscriber.Status.PENDING)
    SubscriberFactory(email="left@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    issue = IssueFactory()
    with celery_app.connection_for_write() as conn:
        conn.default_channel.client.delete("bulk", "unacked", "unacked_index", "unacked_mutex")
    celery_app.conf.CELERY_TASK_ALWAYS_EAGER = False

    env, log, paused = worker_env(sink.port), tmp_path / "workers.log", tmp_path / "paused"
    first_env = {**env, "TEST_NEWSLETTER_PAUSE": f"{kill_point}:7:{paused}"} if kill_point else env
    first = start_worker(first_env, log)
    second = None
    try:
        tasks.issue_send_task.delay(issue.pk)
        if kill_point:
            wait_until(paused.exists, 60, f"a worker to stop at {kill_point}")
        else:
            wait_until(lambda: len(sink.messages) >= 30, 60, "the first worker to start sending")
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
        time.sleep(0.5)  # let the server finish what it had
        received = set(sink.recipients())
        assert len(received) < CONFIRMED, "the kill came too late to test anything"
        # At the moment of the kill: what is marked sent was received; what
        # was received is marked sent or still "sending" (uncertain).
        states = dict(Delivery.objects.filter(issue=issue).values_list("subscriber__email", "status"))
        marked_sent = {email for email, status in states.items() if status == Delivery.Status.SENT}
        uncertain = {email for email, status in states.items() if status == Delivery.Status.SENDING}
        assert marked_sent <= received
        assert received <= marked_sent | uncertain
        if kill_point == "before_end_of_data":
            assert uncertain - received, "no delivery was caught between its commit and its end of data"
        if kill_point == "before_sent_commit":
            assert uncertain & received, "no delivery was caught between the 250 and its commit"

        second = start_worker(env, log)

        def finished() -> bool:
            tasks.issue_send_due_task.delay()  # what Celery beat does every minute
            time.sleep(0.5)
            return NewsletterIssue.objects.get(pk=issue.pk).status == NewsletterIssue.Status.SENT

        wait_until(finished, 60, "the second worker to finish the issue")
        time.sleep(1)  # room for a stray copy to arrive
    finally:
        for worker in (first, second):
            if worker and worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(30)

    copies = sink.recipients()
    assert set(copies) == confirmed, log.read_text()[-3000:]  # everyone, and nobody else
    message_ids: dict[str, set] = {}
    for message in sink.messages:
        message_ids.setdefault(message["To"], set()).add(message["Message-ID"])
    assert [email for email, ids in message_ids.items() if len(ids) != 1] == []  # a copy is the same message
    assert len({message["Message-ID"] for message in sink.messages}) == CONFIRMED
    # Only what was uncertain at the kill can have come twice, and all of it went again.
    assert {email for email, count in copies.items() if count > 1} <= uncertain
    assert selectors.issue_delivery_problems(issue=issue)["resent"] == len(uncertain)
    if kill_point == "before_sent_commit":
        assert any(copies[email] == 2 for email in uncertain)
    deliveries = Delivery.objects.filter(issue=issue)
    assert deliveries.filter(status=Delivery.Status.SENT).count() == CONFIRMED
    queue_ids = {}
    for message, queue_id in zip(sink.messages, sink.queue_ids, strict=True):
        queue_ids.setdefault(message["To"], set()).add(queue_id)
    for email, queue_id in deliveries.values_list("subscriber__email", "queue_id"):
        assert queue_id in queue_ids[email]  # the server's own name for the copy it took
