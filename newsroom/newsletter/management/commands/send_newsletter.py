from django.core.management.base import BaseCommand, CommandError

from newsroom.newsletter.models import NewsletterIssue
from newsroom.newsletter.tasks import issue_send_task


class Command(BaseCommand):
    help = "Send a newsletter issue now (the same as “Send now” in the admin)."

    def add_arguments(self, parser):
        parser.add_argument("issue_id", type=int)

    def handle(self, *args, issue_id, **options):
        issue = NewsletterIssue.objects.filter(pk=issue_id).first()
        if issue is None:
            raise CommandError(f"No newsletter issue with id {issue_id}.")
        if issue.status == NewsletterIssue.Status.SENT:
            raise CommandError(f"Issue {issue_id} has already been sent.")
        issue_send_task.delay(issue_id)
        self.stdout.write(f"Issue {issue_id} “{issue}” is being sent; follow its progress in the admin.")
