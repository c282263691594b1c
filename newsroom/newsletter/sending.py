"""Sending an issue: start it, fan it out in batches, deliver each batch over
one SMTP connection, retry failures, finish it.

Every step can run twice (a retried, re-run or redelivered task) without
sending anything twice: a delivery row is claimed with ``SELECT ... FOR
UPDATE SKIP LOCKED`` and only while it is pending, and see ``smtp.py`` for
the moment it becomes "sent".
"""

import logging
import smtplib
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone

from mediaportal.mail import queue_mail
from newsroom.models import Article

from . import rendering, smtp
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
            f"INSERT INTO {Delivery._meta.db_table} (issue_id, subscriber_id, status, attempts, error) "
            f"SELECT %s, id, %s, 0, '' FROM {Subscriber._meta.db_table} WHERE status = %s "
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
    if Delivery.objects.filter(issue_id=issue_id, status=Delivery.Status.PENDING).exists():
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


def delivery_send_batch(*, issue_id: int, delivery_ids: list[int]) -> BatchResult:
    """Send the pending deliveries among ``delivery_ids`` over one SMTP
    connection. Failures are recorded per recipient; the result lists those
    to try again, and when."""
    result = BatchResult()
    issue = NewsletterIssue.objects.filter(pk=issue_id, status=NewsletterIssue.Status.SENDING).first()
    if issue is None:
        return result
    rendered: dict[str, tuple] = {}  # language -> (RenderedIssue, WireTemplate or None)
    connection = get_connection()
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as exc:
        for pk in delivery_ids:
            _delivery_failed(pk=pk, error=exc, result=result, sent_marked=False)
        return result
    try:
        with DeliveryClaimer(issue_id=issue_id) as claimer:
            for position, pk in enumerate(delivery_ids):
                if not _delivery_send(
                    pk=pk, issue=issue, connection=connection, claimer=claimer, rendered=rendered, result=result
                ):
                    # The connection broke: the rest of the batch waits for the retry.
                    for rest in delivery_ids[position + 1 :]:
                        _delivery_failed(
                            pk=rest,
                            error="SMTP connection lost before sending",
                            result=result,
                            sent_marked=False,
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


def _delivery_send(
    *, pk: int, issue, connection, claimer: DeliveryClaimer, rendered: dict, result: BatchResult
) -> bool:
    """Send one delivery if it is still pending and nobody else holds it.
    Returns False when the SMTP connection is no longer usable."""
    finish = None
    _rate_limit_wait()  # before the claim: no row stays locked while we wait
    try:
        with claimer.transaction():
            recipient = claimer.claim(pk)
            if recipient is None:
                # Sent already, not due, held by another worker, or unsubscribed meanwhile.
                _delivery_skip_if_unsubscribed(pk=pk)
                return True
            if recipient.language not in rendered:
                issue_rendered = rendering.issue_render(issue=issue, language=recipient.language)
                template = (
                    rendering.wire_template(rendered=issue_rendered) if isinstance(connection, SMTPBackend) else None
                )
                rendered[recipient.language] = (issue_rendered, template)
            issue_rendered, template = rendered[recipient.language]
            data = template and rendering.wire_message(template=template, recipient=recipient)
            if data:
                finish = smtp.data_begin(connection, sender=template.sender, recipients=[recipient.email], data=data)
            else:
                message = rendering.subscriber_message(rendered=issue_rendered, subscriber=recipient)
                finish = smtp.message_begin(connection, message)
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
        _delivery_failed(pk=pk, error=exc, result=result, sent_marked=False)
        return True
    except (OSError, smtplib.SMTPException) as exc:
        _delivery_failed(pk=pk, error=exc, result=result, sent_marked=False)
        return False
    except BaseException:
        if finish is not None:  # the commit failed mid-DATA: drop the half-sent message
            connection.close()
        raise
    try:
        finish()
    except smtplib.SMTPResponseException as exc:
        _delivery_failed(pk=pk, error=exc, result=result, sent_marked=True)
        return True
    except (OSError, smtplib.SMTPException) as exc:
        # The server may have taken the message before the line dropped:
        # keep "sent" rather than risk a second copy.
        Delivery.objects.filter(pk=pk).update(error=f"No reply after sending: {exc}"[:1000])
        logger.warning("newsletter delivery %s: no reply after end of data (%s)", pk, exc)
        return False
    result.sent += 1
    return True


def _delivery_failed(*, pk: int, error, result: BatchResult, sent_marked: bool, counts: bool = True) -> None:
    """Record a failed attempt: retry later with back-off, or give up."""
    now = timezone.now()
    with transaction.atomic():
        status = Delivery.Status.SENT if sent_marked else Delivery.Status.PENDING
        delivery = Delivery.objects.select_for_update(skip_locked=True).filter(pk=pk, status=status).first()
        if delivery is None:
            return
        if counts and not sent_marked:
            delivery.attempts += 1
        delivery.error = str(error)[:1000]
        delivery.sent_at = None
        if (
            isinstance(error, Exception) and smtp.is_permanent(error)
        ) or delivery.attempts >= settings.NEWSLETTER_MAX_ATTEMPTS:
            delivery.status = Delivery.Status.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.status = Delivery.Status.PENDING
            delay = settings.NEWSLETTER_RETRY_BACKOFF * 2 ** max(delivery.attempts - 1, 0)
            delivery.next_attempt_at = now + timedelta(seconds=delay)
            result.retry_ids.append(pk)
            result.retry_at = max(filter(None, [result.retry_at, delivery.next_attempt_at]))
        delivery.save(update_fields=["attempts", "error", "sent_at", "status", "next_attempt_at"])
    logger.warning("newsletter delivery %s failed: %s", pk, error)


def _rate_limit_wait() -> None:
    """At most NEWSLETTER_RATE_LIMIT messages per second over all workers
    (a counter per second in the shared cache)."""
    limit = settings.NEWSLETTER_RATE_LIMIT
    while limit:
        second = int(time.time())
        key = f"newsletter:rate:{second}"
        cache.add(key, 0, timeout=5)
        if cache.incr(key) <= limit:
            return
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
