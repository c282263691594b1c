from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

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


def subscriber_counts_by_language() -> dict[str, int]:
    """Confirmed subscribers per newsletter language (every language listed,
    0 when nobody reads it): who would get an issue sent now."""
    counts = dict(
        Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED)
        .order_by()
        .values("language")
        .annotate(n=Count("pk"))
        .values_list("language", "n")
    )
    return {code: counts.get(code, 0) for code, _name in settings.LANGUAGES}


RATE_WINDOW = 30  # seconds of recent sending that the rate is measured over


def issue_progress_live(*, issue: NewsletterIssue, now: datetime | None = None) -> dict:
    """What the live progress bar shows: the counts of ``issue_progress``
    plus ``remaining``, ``rate`` (messages per second over the last
    RATE_WINDOW seconds) and ``eta`` (seconds left at that rate, or None)."""
    now = now or timezone.now()
    counts = issue_progress(issue=issue)
    window_start = now - timedelta(seconds=RATE_WINDOW)
    if issue.started_at and issue.started_at > window_start:
        window_start = issue.started_at
    seconds = max((now - window_start).total_seconds(), 1.0)
    recent = Delivery.objects.filter(
        issue=issue, status=Delivery.Status.SENT, sent_at__gt=window_start, sent_at__lte=now
    ).count()
    rate = recent / seconds if issue.status == NewsletterIssue.Status.SENDING else 0.0
    remaining = counts["pending"]
    return {
        **counts,
        "status": issue.status,
        "status_display": str(issue.get_status_display()),
        "remaining": remaining,
        "rate": round(rate, 1),
        "eta": round(remaining / rate) if rate and remaining else None,
    }
