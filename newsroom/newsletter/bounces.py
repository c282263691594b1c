"""Bounces and complaints, as mailing-list software handles them: an address
that bounces hard (a 5xx for the address at send time, or a delivery status
notification, RFC 3464) or whose owner marks the issue as spam (a feedback
report, RFC 5965 "ARF") is marked and never sent to again, unless it
confirms anew through the subscribe form.

Reports reach us at the VERP return path of each message
(``addressing.delivery_return_path``); the signed reference in it, or in
the reported message's Message-ID, names the delivery. Reports that name
none are ignored: anyone can send us a "bounce" for any address.
"""

import logging
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from email.parser import HeaderParser
from email.policy import compat32

from django.db import transaction
from django.utils import timezone

from . import addressing, smtp
from .models import Delivery, Subscriber

logger = logging.getLogger(__name__)

COMPLAINT_TYPES = {"abuse", "fraud"}  # RFC 5965; "not-spam", "virus", "other" change nothing


@dataclass(frozen=True)
class Report:
    kind: str  # "bounce", "failure" (not about the address) or "complaint"
    detail: str
    # Where the reported message may be named: the report's fields, then the original message.
    places: tuple[str, ...]


def subscriber_stop(*, subscriber_id: int, status: str, reason: str) -> None:
    """Mark the subscriber bounced or complained: no issue goes to them any more."""
    Subscriber.objects.filter(pk=subscriber_id).exclude(status=status).update(
        status=status, stopped_at=timezone.now(), stop_reason=reason[:1000]
    )


def _field_blocks(part: Message) -> list[Message]:
    """The field blocks of a message/delivery-status or message/feedback-report part."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    return [HeaderParser(policy=compat32).parsestr(block) for block in str(payload).split("\n\n") if block.strip()]


def _original_places(message: Message) -> list[str]:
    """The returned message's Message-ID first, then all of it."""
    places: list[str] = []
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822" and isinstance(part.get_payload(), list):
            original = part.get_payload()[0]
            places += [str(original.get("Message-ID", "")), original.as_string()]
        elif kind in ("text/rfc822-headers", "message/rfc822-headers"):
            headers = HeaderParser(policy=compat32).parsestr(str(part.get_payload()))
            places += [str(headers.get("Message-ID", "")), str(part.get_payload())]
    return places


def reports_parse(data: bytes) -> list[Report]:
    """What a DSN or feedback report says, one Report per failed recipient
    or complaint; [] for anything else (auto-replies, delays, spam)."""
    message = message_from_bytes(data, policy=compat32)
    if message.get_content_type() != "multipart/report":
        return []
    originals = _original_places(message)
    reports = []
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            for block in _field_blocks(part)[1:]:  # the first block is about the whole message
                if block.get("Action", "").strip().lower() != "failed":
                    continue
                status = block.get("Status", "").strip()
                detail = " ".join(" ".join(str(block.get(name, "")).split()) for name in ("Status", "Diagnostic-Code"))
                places = [str(block.get(name, "")) for name in ("Original-Recipient", "Final-Recipient")]
                hard = smtp.status_is_hard_bounce(status)
                reports.append(Report("bounce" if hard else "failure", detail.strip(), (*places, *originals)))
        elif kind == "message/feedback-report":
            for block in _field_blocks(part)[:1]:
                feedback_type = block.get("Feedback-Type", "").strip().lower()
                if feedback_type in COMPLAINT_TYPES:
                    places = [str(block.get(name, "")) for name in ("Original-Mail-From", "Original-Rcpt-To")]
                    detail = f"Feedback report: {feedback_type} ({block.get('User-Agent', '').strip()})"
                    reports.append(Report("complaint", detail, (*places, *originals)))
    return reports


def feedback_receive(*, data: bytes, recipients: list[str]) -> list[str]:
    """Act on one message that came to the bounce address (``recipients``:
    its envelope recipients). Returns what was done, one line each."""
    done = []
    for report in reports_parse(data):
        reference = None
        for place in (*recipients, *report.places):
            reference = place and addressing.delivery_reference_find(place)
            if reference:
                break
        if reference is None:
            logger.info("newsletter feedback names no delivery of ours: %s", report.detail)
            done.append(f"ignored ({report.kind}, no delivery of ours named): {report.detail}")
            continue
        done.append(_report_apply(report=report, reference=reference))
    return done


@transaction.atomic
def _report_apply(*, report: Report, reference: addressing.DeliveryReference) -> str:
    delivery = (
        Delivery.objects.select_for_update()
        .select_related("subscriber")
        .filter(issue_id=reference.issue_id, subscriber_id=reference.subscriber_id)
        .first()
    )
    if delivery is None:
        return f"ignored ({report.kind}): the delivery is gone"
    subscriber = delivery.subscriber
    if subscriber.consent_at and delivery.sent_at and subscriber.consent_at > delivery.sent_at:
        return f"ignored ({report.kind}) for {subscriber.email}: they subscribed again since"
    if report.kind == "complaint":
        delivery.complained_at = timezone.now()
        delivery.save(update_fields=["complained_at"])
        subscriber_stop(subscriber_id=subscriber.pk, status=Subscriber.Status.COMPLAINED, reason=report.detail)
        return f"complaint from {subscriber.email}"
    delivery.status = Delivery.Status.BOUNCED if report.kind == "bounce" else Delivery.Status.FAILED
    delivery.error = f"Reported after delivery: {report.detail}"[:1000]
    delivery.save(update_fields=["status", "error"])
    if report.kind == "bounce":
        subscriber_stop(subscriber_id=subscriber.pk, status=Subscriber.Status.BOUNCED, reason=report.detail)
        return f"bounce of {subscriber.email}: {report.detail}"
    return f"failure for {subscriber.email} (address kept): {report.detail}"
