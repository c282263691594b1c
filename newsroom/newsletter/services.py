"""Subscribing, confirming and unsubscribing (double opt-in)."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mediaportal.mail import queue_mail, render_mail

from . import tokens
from .models import Delivery, NewsletterIssue, Subscriber


def subscriber_url(*, name: str, token: str, language: str) -> str:
    """Absolute link to a newsletter page, in ``language``."""
    with translation.override(language):
        return settings.SITE_URL + reverse(f"newsletter:{name}", kwargs={"token": token})


def _subscriber_lock_or_create(*, email: str, language: str) -> Subscriber:
    """The one row for ``email``, locked; created if missing (safe when two
    requests for the same address race)."""
    for _attempt in range(2):
        subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
        if subscriber is not None:
            return subscriber
        try:
            with transaction.atomic():
                return Subscriber.objects.create(email=email, language=language)
        except IntegrityError:
            continue  # created by the other request a moment ago: lock that one
    raise RuntimeError("subscriber row vanished while subscribing")  # pragma: no cover


def _confirmation_mail_queue(subscriber: Subscriber) -> None:
    context = {
        "confirm_url": subscriber_url(
            name="confirm", token=tokens.confirm_token_make(subscriber), language=subscriber.language
        )
    }
    mail = render_mail(template_prefix="newsletter/email/confirm", context=context, language=subscriber.language)
    queue_mail(to=[subscriber.email], **mail)


@transaction.atomic
def subscriber_subscribe(*, email: str, language: str, origin: str, user=None) -> None:
    """Ask ``email`` to confirm. Returns nothing on purpose: the caller must
    answer the same whether or not the address was already subscribed."""
    email = email.strip().lower()
    subscriber = _subscriber_lock_or_create(email=email, language=language)
    if user is not None and user.email.lower() == email:
        subscriber.user = user
    if subscriber.status == Subscriber.Status.CONFIRMED:
        subscriber.save(update_fields=["user"])
        return
    now = timezone.now()
    recently = now - timedelta(seconds=settings.NEWSLETTER_CONFIRM_RESEND_INTERVAL)
    if (
        subscriber.status == Subscriber.Status.PENDING
        and subscriber.requested_at
        and subscriber.requested_at > recently
    ):
        # Someone pressing "subscribe" in a loop must not flood a mailbox.
        return
    subscriber.status = Subscriber.Status.PENDING
    subscriber.language = language
    subscriber.requested_at = now
    subscriber.consent_origin = origin
    subscriber.save()
    _confirmation_mail_queue(subscriber)


@transaction.atomic
def subscriber_confirm(*, token: str) -> Subscriber:
    """Confirm the address behind ``token``; raises InvalidToken if the link
    is forged, expired, or replaced by a newer request."""
    pk, requested_at = tokens.confirm_token_read(token)
    subscriber = Subscriber.objects.select_for_update().filter(pk=pk).first()
    if subscriber is None or subscriber.requested_at is None or subscriber.requested_at.isoformat() != requested_at:
        raise tokens.InvalidToken
    if subscriber.status == Subscriber.Status.PENDING:
        subscriber.status = Subscriber.Status.CONFIRMED
        subscriber.consent_at = timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.save()
    elif subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        raise tokens.InvalidToken
    return subscriber


def subscriber_from_unsubscribe_token(*, token: str) -> Subscriber:
    subscriber = Subscriber.objects.filter(pk=tokens.unsubscribe_token_read(token)).first()
    if subscriber is None:
        raise tokens.InvalidToken
    return subscriber


@transaction.atomic
def subscriber_unsubscribe(*, subscriber: Subscriber) -> None:
    """Stop sending to ``subscriber`` now, including deliveries of an issue
    that is going out at this moment."""
    Subscriber.objects.filter(pk=subscriber.pk).exclude(status=Subscriber.Status.UNSUBSCRIBED).update(
        status=Subscriber.Status.UNSUBSCRIBED,
        unsubscribed_at=timezone.now(),
    )
    subscriber.refresh_from_db()


@transaction.atomic
def subscriber_resubscribe(*, subscriber: Subscriber, origin: str) -> None:
    """Undo an unsubscribe from the link we sent to this very mailbox: the
    link proves the address, so no second confirmation is needed."""
    subscriber_confirm_directly(subscriber=subscriber, origin=origin)


def subscriber_confirm_directly(*, subscriber: Subscriber, origin: str) -> None:
    now = timezone.now()
    subscriber.status = Subscriber.Status.CONFIRMED
    subscriber.requested_at = now
    subscriber.consent_at = now
    subscriber.consent_origin = origin
    subscriber.unsubscribed_at = None
    subscriber.save()


@transaction.atomic
def subscriber_toggle_for_user(*, user, subscribe: bool, origin: str) -> None:
    """The account page's switch. An address the account has verified is
    confirmed at once; any other gets the usual confirmation e-mail."""
    if not subscribe:
        for subscriber in Subscriber.objects.filter(email__iexact=user.email):
            subscriber_unsubscribe(subscriber=subscriber)
        return
    verified = EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
    if not verified:
        subscriber_subscribe(email=user.email, language=user.preferred_language, origin=origin, user=user)
        return
    subscriber = _subscriber_lock_or_create(email=user.email.lower(), language=user.preferred_language)
    subscriber.user = user
    if subscriber.status != Subscriber.Status.CONFIRMED:
        subscriber.language = user.preferred_language
        subscriber_confirm_directly(subscriber=subscriber, origin=origin)
    else:
        subscriber.save(update_fields=["user"])


# --- Sending, as the admin and ``send_newsletter`` do it -------------------
# The fan-out itself is in ``sending.py``; these functions decide when an
# issue may go, and start, pause or resume it.


class IssueNotSendable(Exception):
    """The issue is not in a state that allows this (a message for staff)."""


def issue_send_now(*, issue_id: int) -> NewsletterIssue:
    """Start sending a draft or scheduled issue to every confirmed subscriber,
    after commit. Raises IssueNotSendable when it is sending, paused or sent."""
    from .tasks import issue_send_task

    with transaction.atomic():
        issue = NewsletterIssue.objects.select_for_update().get(pk=issue_id)
        if issue.status not in (NewsletterIssue.Status.DRAFT, NewsletterIssue.Status.SCHEDULED):
            raise IssueNotSendable(_issue_state_message(issue))
        transaction.on_commit(lambda: issue_send_task.delay(issue_id))
    return issue


def issue_schedule(*, issue_id: int) -> NewsletterIssue:
    """Confirm the send time of a draft: it goes out at ``send_at`` (Celery
    beat starts it). Raises IssueNotSendable without a future send time."""
    with transaction.atomic():
        issue = NewsletterIssue.objects.select_for_update().get(pk=issue_id)
        if issue.status not in (NewsletterIssue.Status.DRAFT, NewsletterIssue.Status.SCHEDULED):
            raise IssueNotSendable(_issue_state_message(issue))
        if issue.send_at is None:
            raise IssueNotSendable(_("Set a sending time first."))
        issue.status = NewsletterIssue.Status.SCHEDULED
        issue.save(update_fields=["status"])
    return issue


def issue_unschedule(*, issue: NewsletterIssue) -> None:
    """An edited issue is a draft again until someone confirms it (the
    confirmation showed what it was before the edit). Not saved here."""
    if issue.status == NewsletterIssue.Status.SCHEDULED:
        issue.status = NewsletterIssue.Status.DRAFT


def issue_pause(*, issue_id: int) -> NewsletterIssue:
    """Stop handing out batches: each batch checks the status before it
    starts, so at most the batches already on the wire finish."""
    updated = NewsletterIssue.objects.filter(pk=issue_id, status=NewsletterIssue.Status.SENDING).update(
        status=NewsletterIssue.Status.PAUSED
    )
    issue = NewsletterIssue.objects.get(pk=issue_id)
    if not updated:
        raise IssueNotSendable(_issue_state_message(issue))
    return issue


def issue_resume(*, issue_id: int) -> NewsletterIssue:
    """Carry on sending a paused issue: its pending deliveries are queued
    again (the batches that ran while it was paused sent nothing)."""
    from .sending import issue_complete_if_done
    from .tasks import issue_send_task

    with transaction.atomic():
        updated = NewsletterIssue.objects.filter(pk=issue_id, status=NewsletterIssue.Status.PAUSED).update(
            status=NewsletterIssue.Status.SENDING
        )
        if not updated:
            raise IssueNotSendable(_issue_state_message(NewsletterIssue.objects.get(pk=issue_id)))
        pending = Delivery.objects.filter(issue_id=issue_id, status=Delivery.Status.PENDING)
        if pending.update(dispatched_at=None):
            transaction.on_commit(lambda: issue_send_task.delay(issue_id))
        else:
            issue_complete_if_done(issue_id=issue_id)  # the last batch finished during the pause
    return NewsletterIssue.objects.get(pk=issue_id)


def _issue_state_message(issue: NewsletterIssue) -> str:
    return {
        NewsletterIssue.Status.SENDING: _("This issue is being sent already."),
        NewsletterIssue.Status.PAUSED: _("This issue is paused: resume it instead."),
        NewsletterIssue.Status.SENT: _("This issue has already been sent."),
    }.get(issue.status, _("This issue is not being sent."))
