"""Delivering an issue: once per confirmed subscriber, in their language,
with one-click unsubscribe headers; failures retried; nothing sent twice."""

import re
import threading
import time
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from newsroom.newsletter import sending, services, tasks
from newsroom.newsletter.models import Delivery, NewsletterIssue, Subscriber

from .conftest import link_in
from .factories import ArticleFactory, IssueFactory, SubscriberFactory


def parts(message) -> dict[str, str]:
    return {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}


@pytest.fixture
def audience():
    return {
        "en": SubscriberFactory(email="anna@example.org", language="en"),
        "fr": SubscriberFactory(email="marc@example.fr", language="fr"),
        "pending": SubscriberFactory(email="pending@example.org", status=Subscriber.Status.PENDING),
        "gone": SubscriberFactory(email="gone@example.org", status=Subscriber.Status.UNSUBSCRIBED),
    }


@pytest.mark.django_db
def test_each_confirmed_subscriber_gets_one_copy_in_their_language(audience, mailoutbox):
    english = ArticleFactory(title="Summit opens in Geneva", language="en")
    french = ArticleFactory(title="Ouverture du sommet à Genève", language="fr")
    ArticleFactory(title="Not featured", language="en")
    issue = IssueFactory()
    issue.articles.set([english, french])

    tasks.issue_send_task.delay(issue.pk)
    by_recipient = {mail.to[0]: mail for mail in mailoutbox}
    assert sorted(by_recipient) == ["anna@example.org", "marc@example.fr"]

    anna, marc = by_recipient["anna@example.org"], by_recipient["marc@example.fr"]
    assert anna.subject == "This week at the organisation"
    assert "Summit opens in Geneva" in anna.body and "Genève" not in anna.body and "Not featured" not in anna.body
    assert marc.subject == "Cette semaine à l'organisation"
    assert "Ouverture du sommet à Genève" in marc.body and "Bonjour, voici l'actualité." in marc.body
    assert "Se désabonner" in marc.alternatives[0].content and "/fr/news/" in marc.alternatives[0].content

    unsubscribe_path = link_in(anna, "/unsubscribe/")
    assert anna.extra_headers["List-Unsubscribe"] == f"<http://127.0.0.1:8000{unsubscribe_path}>"
    assert anna.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/fr/newsletter/unsubscribe/" in marc.extra_headers["List-Unsubscribe"]

    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENT and issue.finished_at is not None
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 2

    # Running it again (a re-run, or "send now" pressed twice) sends nothing more.
    tasks.issue_send_task.delay(issue.pk)
    tasks.delivery_send_batch_task.delay(issue.pk, list(Delivery.objects.values_list("pk", flat=True)))
    with pytest.raises(CommandError, match="already been sent"):
        call_command("send_newsletter", issue.pk)
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_latest_articles_are_fixed_when_sending_starts(audience, mailoutbox):
    ArticleFactory(title="Old news", published_at=timezone.now() - timedelta(days=3))
    ArticleFactory(title="Fresh news")
    ArticleFactory(title="Draft", status="draft")
    issue = IssueFactory(latest_count=1)
    tasks.issue_send_task.delay(issue.pk)
    anna = next(mail for mail in mailoutbox if mail.to == ["anna@example.org"])
    assert "Fresh news" in anna.body and "Old news" not in anna.body
    assert [article.title for article in issue.articles.all()] == ["Fresh news"]


@pytest.mark.django_db
def test_unsubscribing_during_sending_stops_the_copy(audience, mailoutbox):
    issue = IssueFactory()
    sending.issue_start_sending(issue_id=issue.pk)
    services.subscriber_unsubscribe(subscriber=audience["fr"])
    [batch] = sending.issue_batches_to_queue(issue_id=issue.pk)
    tasks.delivery_send_batch_task.delay(issue.pk, batch)
    assert [mail.to for mail in mailoutbox] == [["anna@example.org"]]
    assert Delivery.objects.get(subscriber=audience["fr"]).status == Delivery.Status.SKIPPED
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENT


@pytest.mark.django_db
def test_refused_recipients_are_recorded_and_retried_with_backoff(sink_factory, settings):
    settings.NEWSLETTER_RETRY_BACKOFF = 60
    sink = sink_factory(
        refuse={
            "busy@example.org": ["451 4.2.1 Mailbox busy, try later", "250 OK"],
            "ghost@example.org": ["550 5.1.1 No such user"],
        }
    )
    for email in ["ok@example.org", "busy@example.org", "ghost@example.org"]:
        SubscriberFactory(email=email)
    issue = IssueFactory()
    tasks.issue_send_task.delay(issue.pk)

    assert sink.recipients() == {"ok@example.org": 1}
    busy = Delivery.objects.get(subscriber__email="busy@example.org")
    assert (busy.status, busy.attempts) == (Delivery.Status.PENDING, 1) and "Mailbox busy" in busy.error
    assert timedelta(seconds=55) < busy.next_attempt_at - timezone.now() < timedelta(seconds=61)
    ghost = Delivery.objects.get(subscriber__email="ghost@example.org")
    assert ghost.status == Delivery.Status.BOUNCED and "No such user" in ghost.error
    from newsroom.newsletter.admin import NewsletterIssueAdmin

    assert NewsletterIssueAdmin.progress(None, issue) == "1 / 3 sent, 1 failed, 1 to retry"

    # Not due yet: the minutely sweep leaves it alone; once due, it goes.
    settings.NEWSLETTER_REQUEUE_AFTER = 0
    tasks.issue_send_due_task.delay()
    assert sink.recipients() == {"ok@example.org": 1}
    Delivery.objects.filter(pk=busy.pk).update(next_attempt_at=timezone.now())
    tasks.issue_send_due_task.delay()
    assert sink.recipients() == {"ok@example.org": 1, "busy@example.org": 1}
    busy.refresh_from_db()
    assert (busy.status, busy.attempts) == (Delivery.Status.SENT, 2)
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENT


@pytest.mark.django_db
def test_scheduled_issues_go_out_when_due(audience, mailoutbox):
    due = IssueFactory(subject_en="Due", send_at=timezone.now() - timedelta(minutes=1))
    later = IssueFactory(subject_en="Later", send_at=timezone.now() + timedelta(hours=1))
    for issue in (due, later):
        sending.issue_sync_schedule(issue=issue)
        issue.save()
    IssueFactory(subject_en="Draft")
    tasks.issue_send_due_task.delay()
    assert sorted(mail.subject for mail in mailoutbox) == ["Cette semaine à l'organisation", "Due"]
    later.refresh_from_db()
    assert later.status == NewsletterIssue.Status.SCHEDULED


@pytest.mark.django_db
def test_rate_limit_spreads_sending(mailoutbox, settings):
    settings.NEWSLETTER_RATE_LIMIT = 3
    for _ in range(7):
        SubscriberFactory()
    started = time.monotonic()
    tasks.issue_send_task.delay(IssueFactory().pk)
    assert len(mailoutbox) == 7
    assert time.monotonic() - started > 1.0  # 7 messages at 3 per second span three seconds


@pytest.mark.django_db(transaction=True)
def test_a_row_held_by_another_worker_is_skipped_not_sent_twice(mailoutbox):
    first, second = SubscriberFactory(), SubscriberFactory()
    issue = IssueFactory()
    sending.issue_start_sending(issue_id=issue.pk)
    held = Delivery.objects.get(subscriber=first)
    locked, release = threading.Event(), threading.Event()

    def other_worker():  # holds the row as a worker in the middle of sending it would
        with transaction.atomic():
            Delivery.objects.select_for_update().get(pk=held.pk)
            locked.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    locked.wait(10)
    ids = list(Delivery.objects.order_by("pk").values_list("pk", flat=True))
    tasks.delivery_send_batch_task.delay(issue.pk, ids)  # a redelivered copy of the same batch
    assert [mail.to for mail in mailoutbox] == [[second.email]]
    release.set()
    thread.join()
    # The other worker died without sending: its row is still pending, and the next pass sends it.
    tasks.delivery_send_batch_task.delay(issue.pk, ids)
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([first.email, second.email])


@pytest.mark.worker
def test_delivery_through_a_real_worker_and_smtp_server(celery_worker, smtp_server):
    anna = SubscriberFactory(email="anna@example.org", language="en")
    SubscriberFactory(email="marc@example.fr", language="fr")
    SubscriberFactory(email="pending@example.org", status=Subscriber.Status.PENDING)
    issue = IssueFactory()
    call_command("send_newsletter", issue.pk)

    messages = smtp_server.wait_for(2)
    time.sleep(0.3)
    assert sorted(message["To"] for message in messages) == ["anna@example.org", "marc@example.fr"]
    marc = next(message for message in messages if message["To"] == "marc@example.fr")
    assert marc["Subject"] == "Cette semaine à l'organisation"
    assert "Bonjour, voici l'actualité." in parts(marc)["text/plain"]
    assert "Bonjour, voici l'actualité." in parts(marc)["text/html"].replace("&#x27;", "'")
    assert marc["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert len({message["Message-ID"] for message in messages}) == 2  # each copy is a message of its own

    # A mail client's one-click unsubscribe: a bare POST to the header's URL.
    anna_mail = next(message for message in messages if message["To"] == "anna@example.org")
    path = re.fullmatch(r"<http://127\.0\.0\.1:8000(/\S+)>", str(anna_mail["List-Unsubscribe"]).strip()).group(1)
    response = Client(enforce_csrf_checks=True).post(
        path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    anna.refresh_from_db()
    assert anna.status == Subscriber.Status.UNSUBSCRIBED
    deadline = time.monotonic() + 10
    while (
        NewsletterIssue.objects.get(pk=issue.pk).status != NewsletterIssue.Status.SENT and time.monotonic() < deadline
    ):
        time.sleep(0.1)
    assert NewsletterIssue.objects.get(pk=issue.pk).status == NewsletterIssue.Status.SENT


@pytest.mark.django_db
def test_lost_batches_are_queued_again_only_when_the_issue_stalls():
    for _ in range(3):
        SubscriberFactory()
    issue = IssueFactory()
    sending.issue_start_sending(issue_id=issue.pk)
    [batch] = sending.issue_batches_to_queue(issue_id=issue.pk)
    assert len(batch) == 3
    assert sending.issue_batches_to_queue(issue_id=issue.pk) == []  # "send now" twice queues nothing more

    an_hour_ago = timezone.now() - timedelta(hours=1)
    Delivery.objects.update(dispatched_at=an_hour_ago)
    Delivery.objects.filter(pk=batch[0]).update(status=Delivery.Status.SENT, sent_at=timezone.now())
    quarter_ago = timezone.now() - timedelta(minutes=15)
    # Still sending (a copy went out a moment ago): its tasks are just waiting in the queue.
    assert sending.issue_batches_to_queue(issue_id=issue.pk, queued_before=quarter_ago) == []
    # Nothing sent for a quarter of an hour: the tasks were lost; queue the rest again.
    Delivery.objects.filter(pk=batch[0]).update(sent_at=an_hour_ago)
    assert sending.issue_batches_to_queue(issue_id=issue.pk, queued_before=quarter_ago) == [batch[1:]]
