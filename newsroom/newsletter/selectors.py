from datetime import datetime

from django.db.models import Count, Q, QuerySet

from newsroom.models import Article

from .models import Delivery, NewsletterIssue, Subscriber


def issue_articles(*, issue: NewsletterIssue, language: str) -> list[Article]:
    """The articles ``issue`` features for readers of ``language``."""
    if issue.latest_count and issue.status in (NewsletterIssue.Status.DRAFT, NewsletterIssue.Status.SCHEDULED):
        # Not fixed yet (that happens when sending starts): show what it would be now.
        return list(Article.objects.published().filter(language=language)[: issue.latest_count])
    return list(issue.articles.published().filter(language=language).order_by("-published_at"))


def issue_progress(*, issue: NewsletterIssue) -> dict[str, int]:
    """Counts of deliveries by outcome: total, sent, failed (bounced
    included), retrying, skipped, pending."""
    pending = Q(status=Delivery.Status.PENDING)
    return Delivery.objects.filter(issue=issue).aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=Q(status=Delivery.Status.SENT)),
        failed=Count("pk", filter=Q(status__in=[Delivery.Status.FAILED, Delivery.Status.BOUNCED])),
        skipped=Count("pk", filter=Q(status=Delivery.Status.SKIPPED)),
        retrying=Count("pk", filter=pending & Q(attempts__gt=0)),
        pending=Count("pk", filter=pending | Q(status=Delivery.Status.SENDING)),
    )


def issues_due(*, now: datetime) -> QuerySet[NewsletterIssue]:
    return NewsletterIssue.objects.filter(status=NewsletterIssue.Status.SCHEDULED, send_at__lte=now)


def issues_sending() -> QuerySet[NewsletterIssue]:
    return NewsletterIssue.objects.filter(status=NewsletterIssue.Status.SENDING)


def issue_delivery_problems(*, issue: NewsletterIssue) -> dict[str, int]:
    """Counts for the issue's admin page: deliveries sent again after a
    crash (or a lost reply), addresses that bounced, complaints."""
    return Delivery.objects.filter(issue=issue).aggregate(
        resent=Count("pk", filter=Q(uncertain_resends__gt=0)),
        bounced=Count("pk", filter=Q(status=Delivery.Status.BOUNCED)),
        complained=Count("pk", filter=Q(complained_at__isnull=False)),
    )


def subscriber_for_user(*, user) -> Subscriber | None:
    return Subscriber.objects.filter(email__iexact=user.email).first()
