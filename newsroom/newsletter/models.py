from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Subscriber(models.Model):
    """One e-mail address that asked for the newsletter. Addresses are stored
    lower-case and are unique, so subscribing twice updates one row."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        # Set by bounces.py; never sent to again unless the address confirms anew.
        BOUNCED = "bounced", _("Bounced")
        COMPLAINED = "complained", _("Complained (marked as spam)")

    email = models.EmailField(_("e-mail address"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="newsletter_subscriptions",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(_("last request"), null=True, blank=True)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    consent_origin = models.CharField(_("consent origin"), max_length=255, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("bounced or complained"), null=True, blank=True)
    stop_reason = models.TextField(_("bounce or complaint"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="newsletter_subscriber_email_ci_unique",
                violation_error_message=_("This e-mail address is already on the list."),
            )
        ]
        indexes = [models.Index(fields=["status"], name="newsletter_subscriber_status")]

    def __str__(self):
        return self.email


class NewsletterIssue(models.Model):
    """One edition of the newsletter, written once in every language."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        PAUSED = "paused", _("Paused")
        SENT = "sent", _("Sent")

    subject_en = models.CharField(_("subject (English)"), max_length=200)
    subject_fr = models.CharField(_("subject (French)"), max_length=200)
    introduction_en = models.TextField(_("introduction (English)"), blank=True)
    introduction_fr = models.TextField(_("introduction (French)"), blank=True)
    articles = models.ManyToManyField(
        "newsroom.Article",
        verbose_name=_("featured articles"),
        blank=True,
        related_name="newsletter_issues",
        help_text=_("Pick articles in each language; subscribers see those in their own language."),
    )
    latest_count = models.PositiveSmallIntegerField(
        _("latest articles"),
        default=0,
        help_text=_(
            "Instead of picking articles: feature the latest N published articles in each language "
            "(fixed when sending starts). 0 to use the picked articles."
        ),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    send_at = models.DateTimeField(
        _("send at"),
        null=True,
        blank=True,
        help_text=_("Leave empty to send by hand with “Send now”."),
    )
    started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("sending finished"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")
        ordering = ["-created_at"]
        permissions = [("send_newsletterissue", _("Can test, send, pause and resume newsletter issues"))]

    def __str__(self):
        return self.subject_en

    def subject(self, language: str) -> str:
        return getattr(self, f"subject_{language}", "") or self.subject_en

    def introduction(self, language: str) -> str:
        return getattr(self, f"introduction_{language}", "") or self.introduction_en


class Delivery(models.Model):
    """One issue to one subscriber. The unique pair is what makes sending
    idempotent; the states are what the sender can actually know (see
    ``sending.py``): ``sending`` is committed before the end of data,
    ``sent`` only after the server's 250 reply."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        BOUNCED = "bounced", _("Bounced")
        SKIPPED = "skipped", _("Skipped (unsubscribed or bounced)")

    # No index of its own: the unique (issue, subscriber) constraint serves
    # lookups by issue, and every index here is work on each "sent" update.
    issue = models.ForeignKey(
        NewsletterIssue,
        verbose_name=_("issue"),
        on_delete=models.CASCADE,
        related_name="deliveries",
        db_index=False,
    )
    subscriber = models.ForeignKey(
        Subscriber, verbose_name=_("subscriber"), on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("queued"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    # The PostgreSQL backend of the worker sending it: once that session is
    # gone, a row still "sending" belongs to a dead worker.
    claimed_by = models.IntegerField(_("sending process"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    queue_id = models.CharField(_("server queue id"), max_length=200, blank=True)
    uncertain_resends = models.PositiveSmallIntegerField(
        _("re-sent after a crash"),
        default=0,
        help_text=_("Attempts whose outcome was unknown (the worker died or the reply was lost), sent again."),
    )
    complained_at = models.DateTimeField(_("complaint"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["issue", "pk"]
        constraints = [models.UniqueConstraint(fields=["issue", "subscriber"], name="newsletter_delivery_once")]

    def __str__(self):
        return f"{self.issue} → {self.subscriber}"
