"""How one delivery is named on the wire: its Message-ID and its VERP
return path. Both carry the same signed reference (issue, subscriber), so
a re-send is recognisably the same message, and a bounce or complaint that
quotes either names the subscriber without trusting the report's text.

The reference is ``<issue>.<subscriber>.<signature>``: lower-case hex and
digits only, because some servers change the case of local parts. The
signature covers the issue's creation time, so a database rebuilt from
scratch never reuses an old issue's Message-IDs (mailbox providers would
hide the new message as a copy of the old one).
"""

import re
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import NewsletterIssue

SALT = "newsroom.newsletter.delivery-reference"
REFERENCE = re.compile(r"(?<![\w.])(\d{1,18})\.(\d{1,18})\.([0-9a-f]{20})(?![\w])")


class DeliveryReference(NamedTuple):
    issue_id: int
    subscriber_id: int


def _signature(issue_id: int, issue_created_at, subscriber_id: int) -> str:
    value = f"{issue_id}.{issue_created_at.isoformat()}.{subscriber_id}"
    return salted_hmac(SALT, value, algorithm="sha256").hexdigest()[:20]


def delivery_reference(*, issue: NewsletterIssue, subscriber_id: int) -> str:
    return f"{issue.pk}.{subscriber_id}.{_signature(issue.pk, issue.created_at, subscriber_id)}"


def delivery_message_id(reference: str) -> str:
    """The same on every attempt, from every worker machine (the site's
    host names it, not the worker's)."""
    return f"<{reference}@{urlsplit(settings.SITE_URL).hostname}>"


def delivery_return_path(reference: str) -> str | None:
    """``bounces+<reference>@domain`` for NEWSLETTER_BOUNCE_ADDRESS
    ``bounces@domain``; None when no bounce address is configured."""
    address = settings.NEWSLETTER_BOUNCE_ADDRESS
    if not address:
        return None
    local, _at, domain = address.rpartition("@")
    return f"{local}+{reference}@{domain}"


def delivery_reference_find(text: str) -> DeliveryReference | None:
    """The first genuine reference in ``text`` (an address, a Message-ID,
    a whole header block); forged or stale ones are ignored."""
    for match in REFERENCE.finditer(text.lower()):
        issue_id, subscriber_id, signature = int(match[1]), int(match[2]), match[3]
        created_at = NewsletterIssue.objects.filter(pk=issue_id).values_list("created_at", flat=True).first()
        if created_at and constant_time_compare(signature, _signature(issue_id, created_at, subscriber_id)):
            return DeliveryReference(issue_id, subscriber_id)
    return None
