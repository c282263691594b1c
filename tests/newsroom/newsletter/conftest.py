import asyncio
import re
import socket
import threading
from collections import Counter
from email import message_from_bytes
from email.policy import default

import pytest


def link_in(message, path_part: str) -> str:
    """The first link containing ``path_part`` in a message's plain-text part
    (django.core.mail message or email.message.EmailMessage), site-relative."""
    body = message.body if hasattr(message, "body") else message.get_body(("plain",)).get_content()
    match = re.search(rf"https?://[^/\s]+(/\S*{path_part}\S*)", body)
    assert match, f"no {path_part} link in:\n{body}"
    return match.group(1)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (queued mail) inside a non-transactional test."""

    def run(callable_, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return callable_(*args, **kwargs)

    return run


class Sink:
    """An SMTP server on loopback that can refuse some recipients and answer
    slowly, like a busy real one. Messages count as received when the server
    reads the end of data, before it answers (as a real MTA queues them)."""

    def __init__(self, refuse: dict[str, list[str]] | None = None, delay: float = 0, hang_up: set | None = None):
        self.refuse = {address: list(replies) for address, replies in (refuse or {}).items()}
        self.delay = delay
        self.hang_up = set(hang_up or ())  # take these recipients' next message, then drop the line unanswered
        self.messages = []
        self.envelope_senders = []  # MAIL FROM of each message, in order
        self.queue_ids = []  # what the server answered for each message, as Postfix does
        self.arrived = threading.Condition()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        replies = self.refuse.get(address) or ["250 OK"]
        reply = replies.pop(0) if len(replies) > 1 else replies[0]
        if reply.startswith("250"):
            envelope.rcpt_tos.append(address)
        return reply

    async def handle_DATA(self, server, session, envelope):
        with self.arrived:
            self.messages.append(message_from_bytes(envelope.content, policy=default))
            self.envelope_senders.append(envelope.mail_from)
            self.queue_ids.append(f"Q{len(self.messages):05d}{id(envelope) % 997:03d}")
            queue_id = self.queue_ids[-1]
            self.arrived.notify_all()
        if self.hang_up & set(envelope.rcpt_tos):
            self.hang_up -= set(envelope.rcpt_tos)
            server.transport.close()
            return "421 closing"  # never reaches the client: the line is already down
        if self.delay:
            await asyncio.sleep(self.delay)
        return f"250 2.0.0 Ok: queued as {queue_id}"

    def wait_for(self, count: int, timeout: float = 30) -> list:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
        return self.messages

    def recipients(self) -> Counter:
        return Counter(message["To"] for message in self.messages)


@pytest.fixture
def sink_factory(settings):
    """Start a Sink; Django in this process sends to it over SMTP."""
    from aiosmtpd.controller import Controller

    controllers = []

    def start(**options) -> Sink:
        sink = Sink(**options)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            sink.port = probe.getsockname()[1]
        controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
        controller.start()
        controllers.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", sink.port, False
        return sink

    yield start
    for controller in controllers:
        controller.stop()
