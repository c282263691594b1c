"""The one way mail leaves the portal: render in the request, write the
message to the outbox table in the request's transaction, send from a worker.

Accounts (through the allauth adapter) and the newsroom use this, so no
request ever waits on SMTP and a reset code never waits behind a newsletter.

The outbox (``mediaportal.outbox.OutgoingMail``) is why a broker outage
delays mail but loses none: the row is committed with the request whatever
Redis does; after commit the request asks the ``mail`` queue to send it, and
if the broker cannot be reached the request still answers and the row waits
for the beat sweep (``mail_outbox_sweep_task``), which queues what is left.
"""

import logging
from datetime import timedelta
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from mediaportal.outbox.models import OutgoingMail

logger = logging.getLogger(__name__)

# Unsent rows older than this are queued again by the sweep (their task was
# never queued, or was lost); tries per message before it is left for a human.
OUTBOX_RETRY_AFTER = timedelta(minutes=1)
OUTBOX_MAX_ATTEMPTS = 10
# Sent messages are kept this long (they hold reset codes: not for ever).
OUTBOX_KEEP_SENT = timedelta(days=1)


def render_mail(*, template_prefix: str, context: dict, language: str | None = None) -> dict:
    """Render ``<prefix>_subject.txt``, ``<prefix>_message.txt`` and (if it
    exists) ``<prefix>_message.html`` in ``language``; returns plain strings."""
    with translation.override(language or translation.get_language()):
        subject = render_to_string(f"{template_prefix}_subject.txt", context).strip()
        text = render_to_string(f"{template_prefix}_message.txt", context)
        # The HTML part is optional: only its absence is tolerated. A template
        # that exists but fails to render raises, rather than silently
        # sending the text part alone.
        try:
            html_template = get_template(f"{template_prefix}_message.html")
        except TemplateDoesNotExist:
            html = None
        else:
            html = html_template.render(context)
    return {"subject": " ".join(subject.splitlines()), "text": text, "html": html}


def queue_mail(
    *,
    to: list[str],
    subject: str,
    text: str,
    html: str | None = None,
    headers: dict | None = None,
    from_email: str | None = None,
) -> OutgoingMail:
    """Write one message to the outbox in the current transaction, and ask a
    worker to send it once that transaction commits (a rollback drops both)."""
    mail = OutgoingMail.objects.create(
        to=list(to),
        subject=subject,
        text=text,
        html=html,
        headers=headers or {},
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
    )
    transaction.on_commit(lambda: _dispatch(mail.pk))
    return mail


def _dispatch(mail_id: int) -> None:
    try:
        mail_send_task.delay(mail_id)
    except Exception:  # noqa: BLE001 (any broker failure: the sweep sends it later)
        logger.warning("mail %s stays in the outbox: the broker is unreachable", mail_id, exc_info=True)


def build_message(message: dict, connection=None) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["text"],
        from_email=message["from_email"],
        to=message["to"],
        headers=message.get("headers") or {},
        connection=connection,
    )
    if message.get("html"):
        email.attach_alternative(message["html"], "text/html")
    return email


def outgoing_mail_send(*, mail_id: int) -> bool:
    """Send one outbox message unless it was sent already; True if sent now.
    The row stays locked while it is sent, so a sweep and a task (or two
    deliveries of one task) never send it twice."""
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update(skip_locked=True).filter(pk=mail_id, sent_at=None).first()
        if mail is None:
            return False
        mail.attempts += 1
        try:
            build_message(
                {
                    "to": mail.to,
                    "subject": mail.subject,
                    "text": mail.text,
                    "html": mail.html,
                    "headers": mail.headers,
                    "from_email": mail.from_email,
                }
            ).send()
        except (SMTPException, OSError) as exc:
            mail.last_error = repr(exc)[:2000]
            mail.save(update_fields=["attempts", "last_error"])
            error = exc  # raised once the count is committed: the task retries

        else:
            mail.sent_at = timezone.now()
            mail.save(update_fields=["attempts", "sent_at"])
            logger.info("mail sent to %s: %s", mail.to, mail.subject)
            return True
    raise error


def outgoing_mail_due() -> list[int]:
    """Unsent messages old enough that their task should have run."""
    return list(
        OutgoingMail.objects.filter(
            sent_at=None,
            created_at__lte=timezone.now() - OUTBOX_RETRY_AFTER,
            attempts__lt=OUTBOX_MAX_ATTEMPTS,
        ).values_list("pk", flat=True)[:1000]
    )


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=8,
    ignore_result=True,
    queue="mail",
)
def mail_send_task(mail_id: int) -> None:
    outgoing_mail_send(mail_id=mail_id)


@shared_task(ignore_result=True, queue="mail")
def mail_outbox_sweep_task() -> int:
    """Queue every message left behind (broker down when it was written),
    and delete those sent more than ``OUTBOX_KEEP_SENT`` ago."""
    OutgoingMail.objects.filter(sent_at__lte=timezone.now() - OUTBOX_KEEP_SENT).delete()
    due = outgoing_mail_due()
    for mail_id in due:
        mail_send_task.delay(mail_id)
    return len(due)
