"""The one way mail leaves the portal: render in the request, queue plain
strings on the ``mail`` queue after commit, send from a worker.

Accounts (through the allauth adapter) and the newsroom use this, so no
request ever waits on SMTP and a reset code never waits behind a newsletter.
"""

import logging
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


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
) -> None:
    """Queue one message for delivery once the current transaction commits."""
    message = {
        "to": list(to),
        "subject": subject,
        "text": text,
        "html": html,
        "headers": headers or {},
        "from_email": from_email or settings.DEFAULT_FROM_EMAIL,
    }
    transaction.on_commit(lambda: mail_send_task.delay(message))


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


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=8,
    queue="mail",
)
def mail_send_task(message: dict) -> None:
    build_message(message).send()
    logger.info("mail sent to %s: %s", message["to"], message["subject"])
