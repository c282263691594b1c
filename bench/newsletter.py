"""Newsletter throughput: one issue to 10,000 subscribers through the Celery
workers (bulk queue, batches, one SMTP connection per batch, a database claim
per message) against a plain smtplib loop sending the same messages to the
same local SMTP sink, in the same run. Target: at least 70% of the loop.
Then the database's share alone: the two-state claim ("sending" before the
end of data, "sent" after the 250) against the one-state claim it replaced.

Needs PostgreSQL and Redis (the test ones: TEST_DATABASE_URL, TEST_REDIS_URL).
It works in a database of its own (<test database>_bench), dropped at the end.

    .venv/bin/python bench/newsletter.py [--subscribers 10000] [--workers CORES+1]
"""

import argparse
import os
import secrets
import signal
import smtplib
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

SINK = """
import asyncio, sys
from aiosmtpd.controller import Controller

class Count:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"

controller = Controller(Count(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bench_database_url() -> str:
    url = urlsplit(os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mediaportal"))
    return urlunsplit(url._replace(path=url.path + "_bench"))


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path[1:]}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{parts.path[1:]}"')


def drop_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path[1:]}" WITH (FORCE)')


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its waited-for children."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def group_cpu_seconds(pgid: int) -> float:
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    total += cpu_seconds(int(entry.name))
            except (OSError, ProcessLookupError):
                continue
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=10_000)
    # One process more than cores: each spends much of its time waiting for
    # the database or the SMTP server, so one more keeps the cores busy.
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) + 1)
    args = parser.parse_args()

    db_url, sink_port = bench_database_url(), free_port()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "mediaportal.settings_test",
            "TEST_DATABASE_URL": db_url,
            "TEST_EMAIL_URL": f"smtp://127.0.0.1:{sink_port}",
            "NEWSLETTER_RATE_LIMIT": "0",
            # Production mode: DEBUG would record every query of every worker.
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "SECURE_SSL_REDIRECT": "0",
        }
    )
    recreate_database(db_url)
    sink = subprocess.Popen(
        [sys.executable, "-c", SINK, str(sink_port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    worker = None
    try:
        assert sink.stdout.readline().strip() == "ready"
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        worker = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("celery")),
                "-A",
                "mediaportal",
                "worker",
                "-Q",
                "bulk",
                "-c",
                str(args.workers),
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                os.environ.get("BENCH_WORKER_LOG", "warning"),
            ],
            cwd=BASE_DIR,
            env=os.environ.copy(),
            start_new_session=True,
        )
        run(args, sink_pid=sink.pid, worker_pgid=worker.pid)
    finally:
        if worker is not None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(60)
        sink.stdin.close()
        sink.terminate()
        sink.wait(10)
        from django.db import connections

        connections.close_all()
        drop_database(db_url)


def run(args, *, sink_pid: int, worker_pgid: int) -> None:
    from django.conf import settings

    from mediaportal.celery import app as celery_app
    from newsroom.newsletter import rendering, tasks
    from newsroom.newsletter.models import Delivery, NewsletterIssue, Subscriber

    with celery_app.connection_for_write() as conn:
        conn.default_channel.client.delete("bulk", "unacked", "unacked_index")
    Subscriber.objects.bulk_create(
        [
            Subscriber(email=f"reader{n}@example.org", language=("en", "fr")[n % 2], status=Subscriber.Status.CONFIRMED)
            for n in range(args.subscribers)
        ],
        batch_size=2000,
    )
    issue = NewsletterIssue.objects.create(
        subject_en="Weekly news",
        subject_fr="L’actualité de la semaine",
        introduction_en="Hello " * 40,
        introduction_fr="Bonjour " * 40,
    )

    # The plain loop: the same messages, built beforehand, over one connection.
    rendered = {language: rendering.issue_render(issue=issue, language=language) for language in ("en", "fr")}
    messages = [
        (
            settings.DEFAULT_FROM_EMAIL,
            subscriber.email,
            rendering.subscriber_message(rendered=rendered[subscriber.language], subscriber=subscriber)
            .message()
            .as_bytes(linesep="\r\n"),
        )
        for subscriber in Subscriber.objects.all()
    ]
    started, sink_cpu = time.perf_counter(), cpu_seconds(sink_pid)
    with smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT) as smtp:
        for sender, recipient, data in messages:
            smtp.sendmail(sender, [recipient], data)
    plain = len(messages) / (time.perf_counter() - started)
    print(
        f"plain smtplib loop:  {len(messages):6d} messages, {plain:7.0f} messages/s "
        f"(sink CPU {1000 * (cpu_seconds(sink_pid) - sink_cpu) / len(messages):.2f} ms/message)"
    )

    celery_app.conf.CELERY_TASK_ALWAYS_EAGER = False
    ping_deadline = time.monotonic() + 60
    while not celery_app.control.ping(timeout=0.5) and time.monotonic() < ping_deadline:
        pass
    started, sink_cpu, worker_cpu = time.perf_counter(), cpu_seconds(sink_pid), group_cpu_seconds(worker_pgid)
    tasks.issue_send_task.delay(issue.pk)
    while NewsletterIssue.objects.filter(pk=issue.pk, status=NewsletterIssue.Status.SENT).count() == 0:
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    sent = Delivery.objects.filter(issue=issue, status=Delivery.Status.SENT).count()
    celery = sent / elapsed
    print(
        f"celery workers ({args.workers}): {sent:6d} messages, {celery:7.0f} messages/s "
        f"(sink CPU {1000 * (cpu_seconds(sink_pid) - sink_cpu) / sent:.2f} ms/message, "
        f"workers {1000 * (group_cpu_seconds(worker_pgid) - worker_cpu) / sent:.2f} ms/message)"
    )
    print(f"ratio: {celery / plain:.0%} of the plain loop (target >= 70%)")
    assert sent == args.subscribers, f"only {sent} of {args.subscribers} sent"
    database_cost(count=min(args.subscribers, 3000))


# The claim before sending "sent" records (the previous design): one state,
# marked in a transaction held open over the message and committed before
# the end of data. Kept here only as the baseline for the two-state claim.
ONE_STATE_CLAIM = """
UPDATE {delivery} AS d SET status = 'sent', sent_at = $2, attempts = d.attempts + 1, error = ''
FROM {subscriber} AS s
WHERE d.id = (SELECT id FROM {delivery} WHERE id = $1 AND status = 'pending' FOR UPDATE SKIP LOCKED)
AND s.id = d.subscriber_id AND s.status = 'confirmed'
RETURNING s.id, s.email, s.language
"""


def database_cost(*, count: int) -> None:
    """The database's share per message, without SMTP: the one-state claim
    (BEGIN with the claim, COMMIT before the end of data: two round trips)
    against the two-state one ("sending" committed with the claim, "sent"
    with the next claim: one round trip, two statements), same run."""
    from django.db import connection
    from django.utils import timezone

    from newsroom.newsletter import sending
    from newsroom.newsletter.claim import DeliveryClaimer
    from newsroom.newsletter.models import Delivery, NewsletterIssue, Subscriber

    def fresh_ids() -> tuple[int, list[int]]:
        issue = NewsletterIssue.objects.create(subject_en="Cost", subject_fr="Coût")
        sending.issue_start_sending(issue_id=issue.pk)
        return issue.pk, list(Delivery.objects.filter(issue=issue).order_by("pk").values_list("pk", flat=True)[:count])

    _issue, ids = fresh_ids()
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    cursor.execute("SET synchronous_commit = off")
    sql = ONE_STATE_CLAIM.format(delivery=Delivery._meta.db_table, subscriber=Subscriber._meta.db_table)
    cursor.execute(f"PREPARE one_state (bigint, timestamptz) AS {sql}")
    started = time.perf_counter()
    for pk in ids:
        cursor.execute("BEGIN; EXECUTE one_state (%s, %s)", [pk, timezone.now()])
        cursor.nextset()
        assert cursor.fetchone()
        cursor.execute("COMMIT")
    one_state = (time.perf_counter() - started) / len(ids)
    cursor.execute("DEALLOCATE one_state; SET synchronous_commit = DEFAULT")

    issue_id, ids = fresh_ids()
    started = time.perf_counter()
    with DeliveryClaimer(issue_id=issue_id) as claimer:
        for pk in ids:
            assert claimer.claim(pk)
            claimer.sent(pk, "Q0")
    two_states = (time.perf_counter() - started) / len(ids)
    assert Delivery.objects.filter(issue_id=issue_id, status=Delivery.Status.SENT).count() == len(ids)
    print(
        f"database per message ({len(ids)}): one state {1e6 * one_state:.0f} us, "
        f"two states (sending, then sent) {1e6 * two_states:.0f} us ({two_states / one_state:.0%})"
    )


if __name__ == "__main__":
    main()
