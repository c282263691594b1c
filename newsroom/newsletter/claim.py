"""Claiming a delivery: the one database statement per message on the
sending hot path (see ``sending.py`` and ``smtp.py`` for why it commits
when it does)."""

import uuid
from contextlib import contextmanager

import psycopg
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Delivery, Subscriber
from .rendering import Recipient

# Lock the row if nobody holds it (SKIP LOCKED), check it is still due and
# its subscriber still confirmed, and mark it sent, uncommitted until the
# message body is on the wire. Prepared once per batch: parsing and planning
# it for every message would cost the database more than running it.
CLAIM_SQL = f"""
UPDATE {Delivery._meta.db_table} AS d SET status = $4, sent_at = $3, attempts = d.attempts + 1, error = ''
FROM {Subscriber._meta.db_table} AS s
WHERE d.id = (
    SELECT id FROM {Delivery._meta.db_table}
    WHERE id = $1 AND issue_id = $2 AND status = $5 AND (next_attempt_at IS NULL OR next_attempt_at <= $3)
    FOR UPDATE SKIP LOCKED
) AND s.id = d.subscriber_id AND s.status = $6
RETURNING s.id, s.email, s.language
"""


class DeliveryClaimer:
    """Claims the deliveries of one issue, one transaction per message, for
    the length of a batch (a context manager)."""

    def __init__(self, *, issue_id: int):
        self.issue_id = issue_id
        self.postgres = db_connection.vendor == "postgresql"
        # atomic() would spend a round trip of its own on BEGIN; outside any
        # atomic block (a worker, not a test) BEGIN travels with the claim.
        self.begin_with_claim = self.postgres and not db_connection.in_atomic_block
        self.cursor = None
        self.statement = f"newsletter_claim_{uuid.uuid4().hex[:12]}"

    def __enter__(self) -> "DeliveryClaimer":
        if self.postgres:
            db_connection.ensure_connection()
            self.cursor = db_connection.connection.cursor()
            self.cursor.execute(
                f"PREPARE {self.statement} (bigint, bigint, timestamptz, varchar, varchar, varchar) AS {CLAIM_SQL}"
            )
            # One commit per message would wait for the disk each time. With
            # asynchronous commit a row marked sent is still visible to every
            # worker at once; only a crash of the PostgreSQL server itself
            # could lose the last moment of marks (those few would go again).
            self.cursor.execute("SET synchronous_commit = off")
        return self

    def __exit__(self, *exc_info) -> None:
        if self.postgres:
            try:
                self.cursor.execute(f"DEALLOCATE {self.statement}")
                self.cursor.execute("SET synchronous_commit = DEFAULT")
            except psycopg.Error:
                pass  # the connection is broken or its transaction aborted: the error that did it propagates

    @contextmanager
    def transaction(self):
        if not self.begin_with_claim:
            with transaction.atomic():
                yield
            return
        try:
            yield
        except BaseException:
            self.cursor.execute("ROLLBACK")
            raise
        self.cursor.execute("COMMIT")

    def claim(self, pk: int) -> Recipient | None:
        """The recipient of delivery ``pk``, now marked sent in the open
        transaction; None if it is sent, not due, held by another worker, or
        its subscriber left."""
        if not self.postgres:
            return self._claim_portable(pk)
        self.cursor.execute(
            ("BEGIN;" if self.begin_with_claim else "") + f"EXECUTE {self.statement} (%s, %s, %s, %s, %s, %s)",
            [
                pk,
                self.issue_id,
                timezone.now(),
                Delivery.Status.SENT,
                Delivery.Status.PENDING,
                Subscriber.Status.CONFIRMED,
            ],
        )
        if self.begin_with_claim:
            self.cursor.nextset()
        row = self.cursor.fetchone()
        return Recipient(*row) if row else None

    def _claim_portable(self, pk: int) -> Recipient | None:
        """The same claim for SQLite (development), where writers take turns."""
        now = timezone.now()
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("subscriber")
            .filter(pk=pk, issue_id=self.issue_id, status=Delivery.Status.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .first()
        )
        if delivery is None or delivery.subscriber.status != Subscriber.Status.CONFIRMED:
            return None
        Delivery.objects.filter(pk=pk).update(
            status=Delivery.Status.SENT,
            sent_at=now,
            attempts=F("attempts") + 1,
            error="",
        )
        subscriber = delivery.subscriber
        return Recipient(subscriber.pk, subscriber.email, subscriber.language)
