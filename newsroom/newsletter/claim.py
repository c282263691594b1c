"""The database side of the sending hot path: claim a delivery (mark it
``sending``, committed before its message goes out) and record it ``sent``
once the server has answered 250 (see ``smtp.py`` for why those two).

Both statements are prepared once per batch, and the "sent" of one message
travels in the same round trip as the claim of the next: one round trip to
PostgreSQL per message, like the single claim it replaces.
"""

import logging
import uuid

import psycopg
from django.db import connection as db_connection
from django.db.models import F, Q
from django.utils import timezone

from .models import Delivery, Subscriber
from .rendering import Recipient

logger = logging.getLogger(__name__)

# Lock the row if nobody holds it (SKIP LOCKED), check it is still due and
# its subscriber still confirmed, and mark it sending by this session.
# Parsing and planning it for every message would cost the database more
# than running it.
CLAIM_SQL = f"""
UPDATE {Delivery._meta.db_table} AS d
SET status = $4, claimed_at = $3, claimed_by = pg_backend_pid(), attempts = d.attempts + 1, error = ''
FROM {Subscriber._meta.db_table} AS s
WHERE d.id = (
    SELECT id FROM {Delivery._meta.db_table}
    WHERE id = $1 AND issue_id = $2 AND status = $5 AND (next_attempt_at IS NULL OR next_attempt_at <= $3)
    FOR UPDATE SKIP LOCKED
) AND s.id = d.subscriber_id AND s.status = $6
RETURNING s.id, s.email, s.language
"""
# Also from "pending": the sweeper may have taken a slow worker for a dead
# one; the server has the message all the same.
SENT_SQL = f"""
UPDATE {Delivery._meta.db_table} SET status = $3, sent_at = $2, queue_id = $4, error = ''
WHERE id = $1 AND status IN ($5, $6)
"""


class DeliveryClaimer:
    """Claims and marks the deliveries of one issue for the length of a
    batch (a context manager). Outside a transaction each round trip commits
    on its own."""

    def __init__(self, *, issue_id: int):
        self.issue_id = issue_id
        self.postgres = db_connection.vendor == "postgresql"
        self.cursor = None
        name = uuid.uuid4().hex[:12]
        self.claim_statement, self.sent_statement = f"newsletter_claim_{name}", f"newsletter_sent_{name}"
        self.unmarked: tuple | None = None  # (pk, queue id) of a 250 not yet recorded

    def __enter__(self) -> "DeliveryClaimer":
        if self.postgres:
            db_connection.ensure_connection()
            self.cursor = db_connection.connection.cursor()
            self.cursor.execute(
                f"PREPARE {self.claim_statement} (bigint, bigint, timestamptz, varchar, varchar, varchar) AS {CLAIM_SQL};"
                f"PREPARE {self.sent_statement} (bigint, timestamptz, varchar, varchar, varchar, varchar) AS {SENT_SQL}"
            )
            # One commit per message would wait for the disk each time. With
            # asynchronous commit every worker still sees each mark at once;
            # a crash of the PostgreSQL server itself can only lose the last
            # moment's marks, moving rows back (sent → sending → pending):
            # those go again with the same Message-ID, nobody is skipped.
            self.cursor.execute("SET synchronous_commit = off")
        return self

    def __exit__(self, *exc_info) -> None:
        if not self.postgres:
            return
        try:
            self.flush()
            self.cursor.execute(f"DEALLOCATE {self.claim_statement}; DEALLOCATE {self.sent_statement}")
            self.cursor.execute("SET synchronous_commit = DEFAULT")
        except psycopg.Error as exc:
            # The connection is broken or its transaction aborted (an error
            # that did it propagates). A 250 left unrecorded leaves its row
            # "sending": the sweep sends it again, same Message-ID.
            logger.warning("newsletter: could not close a batch cleanly: %s", exc)

    def _sent_sql(self) -> tuple[str, list]:
        pk, queue_id = self.unmarked
        params = [pk, timezone.now(), Delivery.Status.SENT, queue_id, Delivery.Status.SENDING, Delivery.Status.PENDING]
        return f"EXECUTE {self.sent_statement} (%s, %s, %s, %s, %s, %s);", params

    def claim(self, pk: int) -> Recipient | None:
        """The recipient of delivery ``pk``, now marked sending (and
        committed, outside a transaction); None if it is sent, not due, held
        by another worker, or its subscriber left."""
        if not self.postgres:
            return self._claim_portable(pk)
        sql, params = self._sent_sql() if self.unmarked else ("", [])
        self.cursor.execute(
            sql + f"EXECUTE {self.claim_statement} (%s, %s, %s, %s, %s, %s)",
            [
                *params,
                pk,
                self.issue_id,
                timezone.now(),
                Delivery.Status.SENDING,
                Delivery.Status.PENDING,
                Subscriber.Status.CONFIRMED,
            ],
        )
        if self.unmarked:
            self.cursor.nextset()
            self.unmarked = None
        row = self.cursor.fetchone()
        return Recipient(*row) if row else None

    def sent(self, pk: int, queue_id: str) -> None:
        """Record the server's 250 for ``pk``: with the next claim, or at
        ``flush()``."""
        self.flush()
        self.unmarked = (pk, queue_id)
        if not self.postgres:
            self.flush()

    def flush(self) -> None:
        """Record a 250 still waiting for the next claim (before a pause,
        and at the end of the batch)."""
        if self.unmarked is None:
            return
        if self.postgres:
            self.cursor.execute(*self._sent_sql())
        else:
            pk, queue_id = self.unmarked
            Delivery.objects.filter(pk=pk, status__in=[Delivery.Status.SENDING, Delivery.Status.PENDING]).update(
                status=Delivery.Status.SENT, sent_at=timezone.now(), queue_id=queue_id, error=""
            )
        self.unmarked = None

    def _claim_portable(self, pk: int) -> Recipient | None:
        """The same claim for SQLite (development), where writers take turns."""
        now = timezone.now()
        delivery = (
            Delivery.objects.select_related("subscriber")
            .filter(pk=pk, issue_id=self.issue_id, status=Delivery.Status.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .first()
        )
        if delivery is None or delivery.subscriber.status != Subscriber.Status.CONFIRMED:
            return None
        claimed = Delivery.objects.filter(pk=pk, status=Delivery.Status.PENDING).update(
            status=Delivery.Status.SENDING,
            claimed_at=now,
            attempts=F("attempts") + 1,
            error="",
        )
        subscriber = delivery.subscriber
        return Recipient(subscriber.pk, subscriber.email, subscriber.language) if claimed else None
