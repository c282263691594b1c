import threading

from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsroom.newsletter.feedback_server import FeedbackHandler


class Command(BaseCommand):
    help = "Receive bounces (RFC 3464) and complaints (RFC 5965) for NEWSLETTER_BOUNCE_ADDRESS over SMTP."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8025)

    def handle(self, *args, host, port, **options):
        if not settings.NEWSLETTER_BOUNCE_ADDRESS:
            raise CommandError("Set NEWSLETTER_BOUNCE_ADDRESS (e.g. bounces@example.org) first.")
        controller = Controller(FeedbackHandler(), hostname=host, port=port)
        controller.start()
        self.stdout.write(f"Taking bounces for {settings.NEWSLETTER_BOUNCE_ADDRESS} on {host}:{port}.")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
