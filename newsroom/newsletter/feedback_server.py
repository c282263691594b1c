"""A small SMTP server that takes bounces and complaints for the bounce
address (``NEWSLETTER_BOUNCE_ADDRESS`` and its VERP variants) and hands
them to ``bounces.feedback_receive``. The MTA routes that address here,
e.g. Postfix ``transport_maps``: ``bounces.example.org smtp:[127.0.0.1]:8025``.
Run it with ``manage.py newsletter_feedback_server``."""

import asyncio
import logging

from django.conf import settings
from django.db import close_old_connections, connection

from . import bounces

logger = logging.getLogger(__name__)


def _is_bounce_address(address: str) -> bool:
    local, _at, domain = settings.NEWSLETTER_BOUNCE_ADDRESS.lower().rpartition("@")
    their_local, _at, their_domain = address.lower().rpartition("@")
    return bool(local) and their_domain == domain and their_local.split("+", 1)[0] == local


def _receive(data: bytes, recipients: list[str]) -> list[str]:
    close_old_connections()
    try:
        return bounces.feedback_receive(data=data, recipients=recipients)
    finally:
        connection.close()  # this runs in a pool thread: leave no connection open


class FeedbackHandler:
    """aiosmtpd handler: accepts mail for the bounce address only."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not _is_bounce_address(address):
            return "550 5.1.1 Not a bounce address"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        loop = asyncio.get_running_loop()
        try:
            done = await loop.run_in_executor(None, _receive, envelope.original_content, list(envelope.rcpt_tos))
        except Exception:
            logger.exception("newsletter feedback: could not record a report")
            return "451 4.3.0 Could not record the report now, try again later"
        for line in done:
            logger.info("newsletter feedback: %s", line)
        # Accepted even when it named nothing of ours: bouncing a bounce helps nobody.
        return "250 OK"
