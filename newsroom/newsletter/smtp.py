"""Send one message over an open SMTP connection in two steps, so that the
caller can record what it knows between them.

SMTP commits a message when the server reads the final ``CRLF.CRLF`` and
says so with a 250 reply. No client can make that exactly-once: whatever
the database records before the end of data, a worker can die after it
and before the server has the message; whatever it records after the
reply, a worker can die in between. So the caller records ``sending``
before the end of data and ``sent`` after the 250 (with the server's
queue id), and treats a row left ``sending`` as uncertain: it is sent
again, with the same Message-ID, which mail clients show as one message.
"""

import re
import smtplib
import socket
from collections.abc import Callable
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address


def message_begin(connection, message: EmailMessage, *, sender: str | None = None) -> Callable[[], str]:
    """Send ``message`` up to (not including) the end of data; returns the
    function that finishes it and returns the server's queue id. Raises
    smtplib errors the server answers with. ``sender``: the envelope sender
    (MAIL FROM) when it is not the From address."""
    if not isinstance(connection, SMTPBackend):
        # Console, file, locmem backends: nothing to split.
        def send_whole() -> str:
            connection.send_messages([message])
            return ""

        return send_whole
    encoding = message.encoding or settings.DEFAULT_CHARSET
    return data_begin(
        connection,
        sender=sender or parseaddr(sanitize_address(message.from_email, encoding))[1],
        recipients=[parseaddr(sanitize_address(address, encoding))[1] for address in message.recipients()],
        data=message.message().as_bytes(linesep="\r\n"),
    )


def data_begin(connection: SMTPBackend, *, sender: str, recipients: list[str], data: bytes) -> Callable[[], str]:
    """``message_begin`` for a message already in SMTP form, from and to
    bare addresses."""
    if connection.connection is None:
        connection.open()
    smtp: smtplib.SMTP = connection.connection
    # The end of data goes in a packet of its own: without this, Nagle's
    # algorithm holds it until the server acknowledges the body (~40 ms).
    smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    smtp.ehlo_or_helo_if_needed()
    code, reply = smtp.docmd("mail", f"FROM:<{sender}>")
    if code != 250:
        smtp.rset()
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    for recipient in recipients:
        code, reply = smtp.docmd("rcpt", f"TO:<{recipient}>")
        if code not in (250, 251):
            smtp.rset()
            raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    smtp.putcmd("data")
    code, reply = smtp.getreply()
    if code != 354:
        smtp.rset()
        raise smtplib.SMTPDataError(code, reply)
    body = re.sub(rb"(?m)^\.", b"..", data)  # dot-stuffing, RFC 5321 4.5.2
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    smtp.send(body)

    def finish() -> str:
        smtp.send(b".\r\n")
        code, reply = smtp.getreply()
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)
        return queue_id(reply.decode("utf-8", "replace"))

    return finish


# Postfix "Ok: queued as 4Xyz", Exim "OK id=1abc-00", Sendmail "<id> Message
# accepted for delivery", Exchange "<id> Queued mail for delivery".
QUEUE_ID = re.compile(r"queued as (\S+)|\bid=(\S+)|^(?:2\.\d+\.\d+ )?(\S+) (?:Message accepted|Queued mail)", re.I)


def queue_id(reply: str) -> str:
    """The server's name for the message in a 250 reply; the whole reply
    when it names none we know."""
    match = QUEUE_ID.search(reply)
    found = match and next(group for group in match.groups() if group)
    return (found or reply.strip())[:200]


def is_permanent(error: Exception) -> bool:
    """A 5xx answer (no such mailbox...) will not change on retry."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _reply in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


ENHANCED_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")


def status_is_hard_bounce(status: str) -> bool:
    """An RFC 3463 status that says the address itself is gone: 5.1.x (no
    such user or domain), 5.2.x (mailbox disabled; not full or too small),
    5.4.4 (no route to the domain), 5.0.0 (what some servers say for an
    unknown user). Policy refusals (5.7.x: our reputation, the content)
    are not about the address and never mark it."""
    match = ENHANCED_STATUS.search(status)
    if not match or match[1] != "5":
        return False
    subject, detail = match[2], match[3]
    return (
        subject == "1" or (subject == "2" and detail not in ("2", "3")) or (subject, detail) in {("4", "4"), ("0", "0")}
    )


def hard_bounce_reason(error: Exception) -> str | None:
    """The server's answer if ``error`` means the recipient's address is
    gone (a hard bounce at send time), else None. Without an enhanced status
    code only 550/551/553 to RCPT TO count."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = list(error.recipients.values())
        at_rcpt = True
    elif isinstance(error, smtplib.SMTPDataError):
        answers, at_rcpt = [(error.smtp_code, error.smtp_error)], False
    else:
        return None
    for code, reply in answers:
        text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
        if ENHANCED_STATUS.search(text):
            if code >= 500 and status_is_hard_bounce(text):
                return f"{code} {text}"
        elif at_rcpt and code in (550, 551, 553):
            return f"{code} {text}"
    return None
