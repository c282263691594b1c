"""Sending an issue: start it, fan it out in batches, deliver each batch over
one SMTP connection, retry failures, finish it.

Every step can run twice (a retried, re-run or redelivered task): a
delivery row is claimed with ``SELECT ... FOR UPDATE SKIP LOCKED`` and only
while it is pending. Its states are what the sender can know (``smtp.py``):
``sending`` is committed before the end of data, ``sent`` after the
server's 250. A worker that dies in between leaves the row ``sending``; the
minutely sweep (``deliveries_recover_interrupted``) sends it again with the
same Message-ID. Every confirmed subscriber gets the issue at least once,
and a second copy, rare, is the same message to their mail client.
"""

import logging
import smtplib
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone

from mediaportal.mail import queue_mail
from newsroom.models import Article

from . import addressing, bounces, rendering, smtp
from .claim import DeliveryClaimer
from .models import Delivery, NewsletterIssue, Subscriber

logger = logging.getLogger(__name__)


def issue_sync_schedule(*, issue: NewsletterIssue) -> None:
    """A draft with a send time is scheduled; without one it is a draft."""
    if issue.status in (NewsletterIssue.Status.DRAFT, NewsletterIssue.Status.SCHEDULED):
        issue.status = NewsletterIssue.Status.SCHEDULED if issue.send_at else NewsletterIssue.Status.DRAFT


@transaction.atomic
def issue_start_sending(*, issue_id: int) -> bool:
    """Mark the issue as sending and create one pending delivery per
    confirmed subscriber. False if the issue is already sent (or gone)."""
    issue = NewsletterIssue.objects.select_for_update().filter(pk=issue_id).first()
    if issue is None or issue.status == NewsletterIssue.Status.SENT:
        return False
    if issue.status != NewsletterIssue.Status.SENDING:
        if issue.latest_count:
            # Fixed now, so everyone gets the same articles however long sending takes.
            issue.articles.set(
                [
                    article
                    for language, _name in settings.LANGUAGES
                    for article in Article.objects.published().filter(language=language)[: issue.latest_count]
                ]
            )
        issue.status = NewsletterIssue.Status.SENDING
        issue.started_at = timezone.now()
        issue.save(update_fields=["status", "started_at"])
    # One statement for 10,000 rows; ON CONFLICT keeps the existing ones (a re-run).
    with db_connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Delivery._meta.db_table} "
            "(issue_id, subscriber_id, status, attempts, error, queue_id, uncertain_resends) "
            f"SELECT %s, id, %s, 0, '', '', 0 FROM {Subscriber._meta.db_table} WHERE status = %s "
            "ON CONFLICT DO NOTHING",
            [issue.pk, Delivery.Status.PENDING, Subscriber.Status.CONFIRMED],
        )
    if db_connection.vendor == "postgresql":
        # Thousands of new rows: without fresh statistics the planner may scan
        # them all for each message instead of looking one up by its key.
        with db_connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Delivery._meta.db_table}, {Subscriber._meta.db_table}")
    return True


def issue_batches_to_queue(*, issue_id: int, queued_before: datetime | None = None) -> list[list[int]]:
    """Pending, due deliveries of the issue that were never queued, in
    batches, marked as queued now. With ``queued_before``: also those queued
    before then, if the issue has sent nothing since (their task was lost)."""
    now = timezone.now()
    queued = "dispatched_at IS NULL"
    if queued_before is not None:
        if Delivery.objects.filter(issue_id=issue_id, sent_at__gte=queued_before).exists():
            return []  # still moving: its tasks are waiting in the queue
        queued = "(dispatched_at IS NULL OR dispatched_at < %(before)s)"
    with db_connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Delivery._meta.db_table} SET dispatched_at = %(now)s "
            "WHERE issue_id = %(issue)s AND status = %(pending)s "
            f"AND (next_attempt_at IS NULL OR next_attempt_at <= %(now)s) AND {queued} RETURNING id",
            {"now": now, "issue": issue_id, "pending": Delivery.Status.PENDING, "before": queued_before},
        )
        ids = sorted(row[0] for row in cursor.fetchall())
    size = settings.NEWSLETTER_BATCH_SIZE
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def issue_complete_if_done(*, issue_id: int) -> bool:
    unfinished = [Delivery.Status.PENDING, Delivery.Status.SENDING]
    if Delivery.objects.filter(issue_id=issue_id, status__in=unfinished).exists():
        return False
    return bool(
        NewsletterIssue.objects.filter(pk=issue_id, status=NewsletterIssue.Status.SENDING).update(
            status=NewsletterIssue.Status.SENT,
            finished_at=timezone.now(),
        )
    )


@dataclass
class BatchResult:
    sent: int = 0
    retry_ids: list[int] = field(default_factory=list)
    retry_at: datetime | None = None


@dataclass
class _Batch:
    """What sending one batch shares between its messages."""

    issue: NewsletterIssue
    connection: object
    claimer: DeliveryClaimer
    result: BatchResult
    rendered: dict[str, tuple] = field(default_factory=dict)  # language -> (RenderedIssue, WireTemplate | None)
    # (point, position, file): the crash tests' hook, set only by settings_test.
    pause: tuple | None = field(default_factory=lambda: getattr(settings, "NEWSLETTER_TEST_PAUSE", None))


def delivery_send_batch(*, issue_id: int, delivery_ids: list[int]) -> BatchResult:
    """Send the pending deliveries among ``delivery_ids`` over one SMTP
    connection. Failures are recorded per recipient; the result lists those
    to try again, and when."""
    result = BatchResult()
    issue = NewsletterIssue.objects.filter(pk=issue_id, status=NewsletterIssue.Status.SENDING).first()
    if issue is None:
        return result
    connection = get_connection()
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as exc:
        for pk in delivery_ids:
            _delivery_failed(pk=pk, error=exc, result=result, claimed=False)
        return result
    try:
        with DeliveryClaimer(issue_id=issue_id) as claimer:
            batch = _Batch(issue=issue, connection=connection, claimer=claimer, result=result)
            for position, pk in enumerate(delivery_ids):
                if not _delivery_send(batch=batch, pk=pk, position=position):
                    # The connection broke: the rest of the batch waits for the retry.
                    claimer.flush()
                    for rest in delivery_ids[position + 1 :]:
                        _delivery_failed(
                            pk=rest,
                            error="SMTP connection lost before sending",
                            result=result,
                            claimed=False,
                            counts=False,
                        )
                    break
    finally:
        try:
            connection.close()
        except (OSError, smtplib.SMTPException):
            pass
    issue_complete_if_done(issue_id=issue_id)
    return result


def _delivery_skip_if_unsubscribed(*, pk: int) -> None:
    Delivery.objects.filter(pk=pk, status=Delivery.Status.PENDING).exclude(
        subscriber__status=Subscriber.Status.CONFIRMED
    ).update(status=Delivery.Status.SKIPPED)


def _message_begin(*, batch: _Batch, recipient: rendering.Recipient):
    """Everything of ``recipient``'s copy up to the end of data; returns
    the function that sends that."""
    reference = addressing.delivery_reference(issue=batch.issue, subscriber_id=recipient.pk)
    message_id, return_path = addressing.delivery_message_id(reference), addressing.delivery_return_path(reference)
    if recipient.language not in batch.rendered:
        issue_rendered = rendering.issue_render(issue=batch.issue, language=recipient.language)
        template = (
            rendering.wire_template(rendered=issue_rendered) if isinstance(batch.connection, SMTPBackend) else None
        )
        batch.rendered[recipient.language] = (issue_rendered, template)
    issue_rendered, template = batch.rendered[recipient.language]
    data = template and rendering.wire_message(template=template, recipient=recipient, message_id=message_id)
    if data:
        return smtp.data_begin(
            batch.connection, sender=return_path or template.sender, recipients=[recipient.email], data=data
        )
    message = rendering.subscriber_message(rendered=issue_rendered, subscriber=recipient)
    message.extra_headers["Message-ID"] = message_id
    return smtp.message_begin(batch.connection, message, sender=return_path)


def _delivery_send(*, batch: _Batch, pk: int, position: int) -> bool:
    """Send one delivery if it is still pending and nobody else holds it.
    Returns False when the SMTP connection is no longer usable."""
    finish = None
    _rate_limit_wait(before_sleep=batch.claimer.flush)
    try:
        recipient = batch.claimer.claim(pk)  # committed "sending" from here on
        if recipient is None:
            # Sent already, not due, held by another worker, or unsubscribed meanwhile.
            _delivery_skip_if_unsubscribed(pk=pk)
            return True
        finish = _message_begin(batch=batch, recipient=recipient)
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
        _delivery_failed(pk=pk, error=exc, result=batch.result)
        return True
    except (OSError, smtplib.SMTPException) as exc:
        _delivery_failed(pk=pk, error=exc, result=batch.result)
        return False
    except BaseException:
        if finish is not None:  # drop the half-sent message; the row stays "sending" for the sweeper
            _connection_abort(batch.connection)
        raise
    _pause_for_tests(batch, "before_end_of_data", position)
    try:
        queue_id = finish()
    except smtplib.SMTPResponseException as exc:
        _delivery_failed(pk=pk, error=exc, result=batch.result)
        return True
    except (OSError, smtplib.SMTPException) as exc:
        # The server may have taken the message before the line dropped:
        # send it again, under the same Message-ID.
        logger.warning("newsletter delivery %s: no reply after end of data (%s)", pk, exc)
        _delivery_failed(pk=pk, error=f"No reply after the end of data: {exc}", result=batch.result, uncertain=True)
        return False
    _pause_for_tests(batch, "before_sent_commit", position)
    batch.claimer.sent(pk, queue_id)
    batch.result.sent += 1
    return True


def _connection_abort(connection) -> None:
    """Close the socket without QUIT: mid-DATA, QUIT would be read as body."""
    if isinstance(connection, SMTPBackend) and connection.connection is not None:
        connection.connection.close()
        connection.connection = None


def _pause_for_tests(batch: _Batch, point: str, position: int) -> None:
    """Where ``tests/newsroom/newsletter/test_worker_killed.py`` kills a
    worker: at ``point`` of the ``position``-th delivery of a batch, write
    the file and wait to be killed. Never set outside the test settings."""
    if batch.pause and batch.pause[:2] == (point, position):
        batch.claimer.flush()
        Path(batch.pause[2]).write_text(point)
        time.sleep(3600)


def _delivery_failed(
    *, pk: int, error, result: BatchResult, claimed: bool = True, counts: bool = True, uncertain: bool = False
) -> None:
    """Record a failed attempt: retry later with back-off, or give up.
    ``claimed``: the row is ours ("sending"); else still pending.
    ``uncertain``: the server may have it all the same."""
    now = timezone.now()
    with transaction.atomic():
        status = Delivery.Status.SENDING if claimed else Delivery.Status.PENDING
        delivery = Delivery.objects.select_for_update(skip_locked=True).filter(pk=pk, status=status).first()
        if delivery is None:
            return
        if counts and not claimed:
            delivery.attempts += 1
        delivery.error = str(error)[:1000]
        delivery.claimed_at = delivery.claimed_by = None
        bounce = claimed and isinstance(error, Exception) and smtp.hard_bounce_reason(error)
        if bounce:
            delivery.status = Delivery.Status.BOUNCED
            delivery.next_attempt_at = None
            bounces.subscriber_stop(
                subscriber_id=delivery.subscriber_id, status=Subscriber.Status.BOUNCED, reason=bounce
            )
        elif (
            isinstance(error, Exception) and smtp.is_permanent(error)
        ) or delivery.attempts >= settings.NEWSLETTER_MAX_ATTEMPTS:
            delivery.status = Delivery.Status.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.status = Delivery.Status.PENDING
            delivery.uncertain_resends += uncertain
            delay = settings.NEWSLETTER_RETRY_BACKOFF * 2 ** max(delivery.attempts - 1, 0)
            delivery.next_attempt_at = now + timedelta(seconds=delay)
            result.retry_ids.append(pk)
            result.retry_at = max(filter(None, [result.retry_at, delivery.next_attempt_at]))
        delivery.save(
            update_fields=[
                "attempts",
                "error",
                "claimed_at",
                "claimed_by",
                "status",
                "next_attempt_at",
                "uncertain_resends",
            ]
        )
    logger.warning("newsletter delivery %s failed: %s", pk, error)


def deliveries_recover_interrupted(*, issue_id: int) -> int:
    """Put back to pending, to be sent again with the same Message-ID, the
    deliveries left "sending" by a worker that died: its database session
    is gone, or it has held them past NEWSLETTER_SENDING_TIMEOUT. Returns
    how many."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.NEWSLETTER_SENDING_TIMEOUT)
    dead = "claimed_at < %(stale)s"
    if db_connection.vendor == "postgresql":
        dead += " OR NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = claimed_by)"
    with db_connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Delivery._meta.db_table} SET status = %(pending)s, uncertain_resends = uncertain_resends + 1, "
            "dispatched_at = NULL, next_attempt_at = NULL, claimed_at = NULL, claimed_by = NULL, error = %(error)s "
            f"WHERE issue_id = %(issue)s AND status = %(sending)s AND ({dead})",
            {
                "pending": Delivery.Status.PENDING,
                "sending": Delivery.Status.SENDING,
                "issue": issue_id,
                "stale": stale,
                "error": "Interrupted between the claim and the server's reply; sent again with the same Message-ID",
            },
        )
        recovered = cursor.rowcount
    if recovered:
        logger.warning("newsletter issue %s: %s interrupted deliveries to send again", issue_id, recovered)
    return recovered


def _rate_limit_wait(*, before_sleep) -> None:
    """At most NEWSLETTER_RATE_LIMIT messages per second over all workers
    (a counter per second in the shared cache). ``before_sleep`` runs
    before waiting (records what is done, so no row waits in "sending")."""
    limit = settings.NEWSLETTER_RATE_LIMIT
    while limit:
        second = int(time.time())
        key = f"newsletter:rate:{second}"
        cache.add(key, 0, timeout=5)
        if cache.incr(key) <= limit:
            return
        before_sleep()
        time.sleep(max(0.0, second + 1 - time.time()))


def issue_send_test(*, issue: NewsletterIssue, to: str) -> None:
    """One copy in every language to ``to`` (a member of staff), on the mail queue."""
    for language, _name in settings.LANGUAGES:
        rendered = rendering.issue_render(issue=issue, language=language)
        message = rendering.issue_message(
            rendered=rendered,
            to=to,
            unsubscribe_url=settings.SITE_URL + "/",
            subject_prefix="[TEST] ",
        )
        queue_mail(
            to=[to],
            subject=message.subject,
            text=message.body,
            html=message.alternatives[0][0],
            headers=message.extra_headers,
        )
