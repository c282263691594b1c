"""Send one message over an open SMTP connection in two steps, so that the
database can record "sent" at the one moment that keeps both sides true.

SMTP commits a message when the server reads the final ``CRLF.CRLF``. We
send everything before it, commit the delivery row, then send the end of
data. A worker killed before the commit leaves the row pending and the
server drops the unfinished message (another worker sends it later); killed
after, the row says sent and the server has, or will have, the message.
Django's ``send_messages()`` sends the whole message and only then returns,
which leaves a window where the server has the message and the database
does not know: a retry would send a second copy.
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


def message_begin(connection, message: EmailMessage) -> Callable[[], None]:
    """Send ``message`` up to (not including) the end of data; returns the
    function that finishes it. Raises smtplib errors the server answers with."""
    if not isinstance(connection, SMTPBackend):
        # Console, file, locmem backends: nothing to split.
        return lambda: connection.send_messages([message])
    encoding = message.encoding or settings.DEFAULT_CHARSET
    return data_begin(
        connection,
        sender=parseaddr(sanitize_address(message.from_email, encoding))[1],
        recipients=[parseaddr(sanitize_address(address, encoding))[1] for address in message.recipients()],
        data=message.message().as_bytes(linesep="\r\n"),
    )


def data_begin(connection: SMTPBackend, *, sender: str, recipients: list[str], data: bytes) -> Callable[[], None]:
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

    def finish() -> None:
        smtp.send(b".\r\n")
        code, reply = smtp.getreply()
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)

    return finish


def is_permanent(error: Exception) -> bool:
    """A 5xx answer (no such mailbox...) will not change on retry."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _reply in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500
