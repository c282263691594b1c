"""Thin Celery tasks on the ``bulk`` queue. Each is
safe to run twice; see ``sending.py``."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import selectors, sending


@shared_task(queue="bulk")
def issue_send_task(issue_id: int) -> None:
    """Start (or resume) sending an issue: fan out its pending deliveries."""
    if sending.issue_start_sending(issue_id=issue_id):
        _queue_batches(issue_id)


@shared_task(queue="bulk")
def delivery_send_batch_task(issue_id: int, delivery_ids: list[int]) -> int:
    result = sending.delivery_send_batch(issue_id=issue_id, delivery_ids=delivery_ids)
    if result.retry_ids:
        countdown = max(0, (result.retry_at - timezone.now()).total_seconds()) + 1
        delivery_send_batch_task.apply_async((issue_id, result.retry_ids), countdown=countdown)
    return result.sent


@shared_task(queue="bulk")
def issue_send_due_task() -> None:
    """Every minute (Celery beat): start scheduled issues that are due; send
    again what a dead worker left "sending" (same Message-ID); queue again
    the deliveries of an issue that has stalled (its tasks were lost; Redis
    would give them back only after the visibility timeout)."""
    now = timezone.now()
    for issue_id in selectors.issues_due(now=now).values_list("pk", flat=True):
        issue_send_task.delay(issue_id)
    queued_before = now - timedelta(seconds=settings.NEWSLETTER_REQUEUE_AFTER)
    for issue_id in selectors.issues_sending().values_list("pk", flat=True):
        if sending.deliveries_recover_interrupted(issue_id=issue_id):
            _queue_batches(issue_id)
        _queue_batches(issue_id, queued_before=queued_before)
        sending.issue_complete_if_done(issue_id=issue_id)


def _queue_batches(issue_id: int, queued_before=None) -> None:
    for batch in sending.issue_batches_to_queue(issue_id=issue_id, queued_before=queued_before):
        delivery_send_batch_task.delay(issue_id, batch)
