"""Bounces and complaints: an address that bounces (a 5xx for the address at
send time, or a delivery status notification) or whose owner reports the
issue as spam is marked and never sent to again; the issue's admin page
counts them. Real SMTP servers on both sides: the sink answers 550 for some
recipients, and reports reach the feedback server over SMTP."""

import smtplib
import socket

import pytest
from aiosmtpd.controller import Controller

from accounts.models import User
from newsroom.newsletter import addressing, services, tasks
from newsroom.newsletter.feedback_server import FeedbackHandler
from newsroom.newsletter.models import Delivery, Subscriber

from .factories import IssueFactory, SubscriberFactory

pytestmark = pytest.mark.django_db(transaction=True)  # the feedback server writes from its own thread

BOUNCES = "bounces@news.example.org"


@pytest.fixture
def feedback_server(settings):
    settings.NEWSLETTER_BOUNCE_ADDRESS = BOUNCES
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(FeedbackHandler(), hostname="127.0.0.1", port=port)
    controller.start()

    def deliver(report: bytes, to: str) -> None:
        """What the MTA does with mail for the bounce address."""
        with smtplib.SMTP("127.0.0.1", port) as client:
            client.sendmail("", [to], report)  # reports come from the null sender

    deliver.port = port
    yield deliver
    controller.stop()


def headers_of(message) -> str:
    return bytes(message).decode().split("\n\n", 1)[0].replace("\r", "")


def dsn(*, to: str, recipient: str, original_headers: str, action="failed", status="5.1.1") -> bytes:
    """A delivery status notification as Postfix writes one (RFC 3464)."""
    return f"""From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
To: {to}
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.net.
I'm sorry to have to inform you that your message could not be delivered.

--BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
Arrival-Date: Tue,  1 Dec 2026 21:00:00 +0000 (UTC)

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Remote-MTA: dns; mailbox.example.net
Diagnostic-Code: smtp; 550 {status} <{recipient}>: Recipient address rejected: User unknown

--BOUNDARY
Content-Type: text/rfc822-headers

{original_headers}
--BOUNDARY--
""".replace("\n", "\r\n").encode()


def arf(*, original: bytes, feedback_type="abuse") -> bytes:
    """A feedback-loop complaint (RFC 5965) with the whole reported message;
    the recipient redacted, as large providers do."""
    redacted = original.replace(b"\r\n", b"\n").decode()
    return f"""From: feedback@fbl.example.net
To: {BOUNCES}
Subject: Complaint about a message
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="ARF"

--ARF
Content-Type: text/plain

This is an email abuse report for a message received from your IP address.

--ARF
Content-Type: message/feedback-report

Feedback-Type: {feedback_type}
User-Agent: ExampleFBL/1.0
Version: 1
Arrival-Date: Tue, 1 Dec 2026 21:00:00 +0000

--ARF
Content-Type: message/rfc822
Content-Disposition: inline

{redacted}
--ARF--
""".replace("\n", "\r\n").encode()


def test_a_5xx_for_the_address_marks_it_bounced_and_skips_it_from_then_on(sink_factory, client):
    sink = sink_factory(
        refuse={
            "ghost@example.org": ["550 5.1.1 No such user"],
            "olddomain@example.org": ["553 Sorry, that domain isn't in my list of allowed rcpthosts"],
            "strict@example.org": ["550 5.7.1 Message refused by local policy"],
        }
    )
    for email in ["ok@example.org", "ghost@example.org", "olddomain@example.org", "strict@example.org"]:
        SubscriberFactory(email=email)
    first = IssueFactory()
    tasks.issue_send_task.delay(first.pk)

    assert sink.recipients() == {"ok@example.org": 1}
    status = dict(Subscriber.objects.values_list("email", "status"))
    assert status["ghost@example.org"] == status["olddomain@example.org"] == Subscriber.Status.BOUNCED
    # A refusal about us or the content (5.7.x) is not about the address: it stays.
    assert status["strict@example.org"] == Subscriber.Status.CONFIRMED
    assert Delivery.objects.get(subscriber__email="strict@example.org").status == Delivery.Status.FAILED
    ghost = Subscriber.objects.get(email="ghost@example.org")
    assert "5.1.1 No such user" in ghost.stop_reason and ghost.stopped_at is not None

    client.force_login(User.objects.create_superuser(email="editor@example.org", password="x-long-password-1"))
    page = client.get(f"/admin/newsletter/newsletterissue/{first.pk}/change/").content.decode()
    assert "0 re-sent after a crash (same Message-ID), 2 bounced, 0 complained" in page
    assert "Bounced" in client.get("/admin/newsletter/subscriber/?status=bounced").content.decode()

    sink.refuse.clear()  # even a server that would take them now gets nothing for them
    second = IssueFactory(subject_en="Next week")
    tasks.issue_send_task.delay(second.pk)
    assert sorted(m["To"] for m in sink.messages if m["Subject"] == "Next week") == [
        "ok@example.org",
        "strict@example.org",
    ]


def test_a_bounce_report_to_the_verp_address_marks_the_subscriber(sink_factory, feedback_server):
    sink = sink_factory()
    anna, marc, zoe = (SubscriberFactory(email=f"{name}@example.org") for name in ("anna", "marc", "zoe"))
    issue = IssueFactory()
    tasks.issue_send_task.delay(issue.pk)
    assert len(sink.messages) == 3
    by_recipient = {
        message["To"]: (message, sender) for message, sender in zip(sink.messages, sink.envelope_senders, strict=True)
    }
    for subscriber in (anna, marc, zoe):
        message, envelope_sender = by_recipient[subscriber.email]
        reference = addressing.delivery_reference(issue=issue, subscriber_id=subscriber.pk)
        assert envelope_sender == f"bounces+{reference}@news.example.org"  # VERP
        assert message["Message-ID"] == f"<{reference}@127.0.0.1>"

    anna_message, anna_return_path = by_recipient["anna@example.org"]
    feedback_server(
        dsn(to=anna_return_path, recipient=anna.email, original_headers=headers_of(anna_message)), to=anna_return_path
    )
    # A delay notice changes nothing; neither does a forged report for marc
    # to the bare bounce address, naming him only in its text.
    _marc_message, marc_return_path = by_recipient["marc@example.org"]
    feedback_server(
        dsn(to=marc_return_path, recipient=marc.email, original_headers="Subject: x", action="delayed", status="4.4.1"),
        to=marc_return_path,
    )
    forged_headers = f"To: {zoe.email}\r\nMessage-ID: <{issue.pk}.{zoe.pk}.{'0' * 20}@127.0.0.1>"
    feedback_server(dsn(to=BOUNCES, recipient=zoe.email, original_headers=forged_headers), to=BOUNCES)
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        feedback_server(b"Subject: hello\r\n\r\nhi\r\n", to="someone@news.example.org")

    status = dict(Subscriber.objects.values_list("email", "status"))
    assert status == {
        "anna@example.org": Subscriber.Status.BOUNCED,
        "marc@example.org": Subscriber.Status.CONFIRMED,
        "zoe@example.org": Subscriber.Status.CONFIRMED,
    }
    delivery = Delivery.objects.get(subscriber=anna)
    assert delivery.status == Delivery.Status.BOUNCED and "5.1.1" in delivery.error

    # Subscribing again (and confirming) brings the address back; a late
    # report about the old issue does not undo that.
    services.subscriber_subscribe(email=anna.email, language="en", origin="test")
    anna.refresh_from_db()
    services.subscriber_confirm_directly(subscriber=anna, origin="test")
    feedback_server(
        dsn(to=anna_return_path, recipient=anna.email, original_headers=headers_of(anna_message)), to=anna_return_path
    )
    anna.refresh_from_db()
    assert anna.status == Subscriber.Status.CONFIRMED


def test_a_spam_complaint_marks_the_subscriber_and_is_counted(sink_factory, feedback_server, client):
    sink = sink_factory()
    anna, marc = SubscriberFactory(email="anna@example.org"), SubscriberFactory(email="marc@example.org")
    issue = IssueFactory()
    tasks.issue_send_task.delay(issue.pk)
    anna_message = next(m for m in sink.messages if m["To"] == anna.email)
    # Feedback loops write to the address registered with them, not the
    # return path: the reported message's Message-ID names the delivery.
    feedback_server(arf(original=bytes(anna_message).replace(anna.email.encode(), b"redacted@example.org")), to=BOUNCES)
    feedback_server(arf(original=bytes(anna_message), feedback_type="not-spam"), to=BOUNCES)

    anna.refresh_from_db()
    assert anna.status == Subscriber.Status.COMPLAINED and "abuse" in anna.stop_reason
    assert Delivery.objects.get(subscriber=anna).complained_at is not None
    assert Subscriber.objects.get(pk=marc.pk).status == Subscriber.Status.CONFIRMED
    client.force_login(User.objects.create_superuser(email="editor@example.org", password="x-long-password-1"))
    page = client.get(f"/admin/newsletter/newsletterissue/{issue.pk}/change/").content.decode()
    assert "0 bounced, 1 complained" in page

    second = IssueFactory(subject_en="Next week")
    tasks.issue_send_task.delay(second.pk)
    assert [m["To"] for m in sink.messages if m["Subject"] == "Next week"] == ["marc@example.org"]
