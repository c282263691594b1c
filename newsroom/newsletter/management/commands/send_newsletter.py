from django.core.management.base import BaseCommand, CommandError

from newsroom.newsletter import services
from newsroom.newsletter.models import NewsletterIssue


class Command(BaseCommand):
    help = "Send a newsletter issue now (the same service as “Send now” in the admin)."

    def add_arguments(self, parser):
        parser.add_argument("issue_id", type=int)

    def handle(self, *args, issue_id, **options):
        try:
            issue = services.issue_send_now(issue_id=issue_id)
        except NewsletterIssue.DoesNotExist:
            raise CommandError(f"No newsletter issue with id {issue_id}.") from None
        except services.IssueNotSendable as exc:
            raise CommandError(f"Issue {issue_id}: {exc}") from None
        self.stdout.write(f"Issue {issue_id} “{issue}” is being sent; follow its progress in the admin.")
