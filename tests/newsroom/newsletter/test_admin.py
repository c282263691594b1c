"""The newsletter in the admin as an Editor uses it: confirm before sending,
follow the progress, pause and resume. Editors are members of the Editors
group (accounts.roles), never superusers."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from newsroom.newsletter import services
from newsroom.newsletter.models import Delivery, NewsletterIssue, Subscriber
from tests.newsroom.factories import staff_user

from .factories import ArticleFactory, IssueFactory, SubscriberFactory

pytestmark = pytest.mark.django_db
ISSUES = "/admin/newsletter/newsletterissue/"


@pytest.fixture
def editor_client(client):
    client.force_login(staff_user("editor@example.org", "Editors"))
    return client


@pytest.fixture
def staff_client(client):
    client.force_login(staff_user("support@example.org", "Staff"))
    return client


def run_action(client, on_commit, action, issue):
    return on_commit(client.post, ISSUES, {"action": action, "_selected_action": [issue.pk]}, follow=True)


def test_send_a_test_to_me_in_every_language(editor_client, on_commit, mailoutbox):
    SubscriberFactory()
    issue = IssueFactory()
    response = run_action(editor_client, on_commit, "send_test_to_me", issue)
    assert "Test copies (one per language) are on their way to editor@example.org." in response.content.decode()
    assert sorted(mail.subject for mail in mailoutbox) == [
        "[TEST] Cette semaine à l'organisation",
        "[TEST] This week at the organisation",
    ]
    assert all(mail.to == ["editor@example.org"] for mail in mailoutbox)
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.DRAFT and not issue.deliveries.exists()


def test_send_now_shows_recipients_per_language_before_anything_goes(editor_client, on_commit, mailoutbox):
    SubscriberFactory.create_batch(3, language="en")
    SubscriberFactory.create_batch(2, language="fr")
    SubscriberFactory(language="fr", status="unsubscribed")
    issue = IssueFactory()
    page = run_action(editor_client, on_commit, "send_now", issue)
    html = page.content.decode()
    assert page.redirect_chain[-1][0] == f"{ISSUES}{issue.pk}/send/"
    assert mailoutbox == [] and not issue.deliveries.exists(), "nothing leaves before the confirmation"
    assert (
        '<tr data-language="en"><td>English</td><td>This week at the organisation</td><td class="recipient-count">3'
        in html
    )
    assert (
        '<tr data-language="fr"><td>French</td><td>Cette semaine à l&#x27;organisation</td><td class="recipient-count">2'
        in html
    )
    assert "Confirm: send to 5 subscribers" in html
    for language in ("en", "fr"):
        assert f'src="{ISSUES}{issue.pk}/preview/{language}/"' in html

    test = on_commit(editor_client.post, f"{ISSUES}{issue.pk}/send/", {"test": "1"}, follow=True)
    assert "on their way to editor@example.org" in test.content.decode()
    assert sorted(mail.to[0] for mail in mailoutbox) == ["editor@example.org"] * 2
    assert not issue.deliveries.exists()

    done = on_commit(editor_client.post, f"{ISSUES}{issue.pk}/send/", {"confirm": "1"}, follow=True)
    assert "Sending has started." in done.content.decode()
    assert len(mailoutbox) == 2 + 5
    progress = json.loads(editor_client.get(f"{ISSUES}{issue.pk}/progress.json").content)
    assert progress | {"rate": None} == progress | {
        "total": 5,
        "sent": 5,
        "failed": 0,
        "remaining": 0,
        "status": "sent",
        "eta": None,
        "rate": None,
    }
    again = on_commit(editor_client.post, f"{ISSUES}{issue.pk}/send/", {"confirm": "1"}, follow=True)
    assert "This issue has already been sent." in again.content.decode()
    assert len(mailoutbox) == 7


def test_the_preview_is_the_email_under_a_policy_of_its_own(editor_client):
    issue = IssueFactory()
    response = editor_client.get(f"{ISSUES}{issue.pk}/preview/fr/")
    assert response.status_code == 200
    assert "Bonjour, voici l&#x27;actualité." in response.content.decode()
    assert "script-src" not in response["Content-Security-Policy"]  # default-src 'none': nothing runs
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert editor_client.get(f"{ISSUES}{issue.pk}/preview/de/").status_code == 404


def test_saving_with_a_send_time_asks_for_confirmation_then_schedules(editor_client):
    data = {
        "subject_en": "Weekly",
        "subject_fr": "Hebdo",
        "introduction_en": "",
        "introduction_fr": "",
        "latest_count": "3",
        "send_at_0": "2030-01-01",
        "send_at_1": "09:00:00",
    }
    response = editor_client.post(f"{ISSUES}add/", data)
    issue = NewsletterIssue.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{ISSUES}{issue.pk}/send/?when=at"
    assert issue.status == NewsletterIssue.Status.DRAFT, "a send time alone does not schedule"
    page = editor_client.get(response["Location"]).content.decode()
    assert "Confirm: schedule this issue" in page
    editor_client.post(response["Location"], {"confirm": "1"})
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SCHEDULED and issue.send_at.year == 2030
    # Editing a scheduled issue makes it a draft again until confirmed anew.
    editor_client.post(f"{ISSUES}{issue.pk}/change/", data | {"subject_en": "Weekly, revised"})
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.DRAFT
    assert editor_client.get(f"{ISSUES}{issue.pk}/change/").status_code == 200


# --- Odd and hostile input: a 4xx with a message, never a 500 ---


def test_a_duplicate_address_in_another_case_gets_a_human_message(admin_client):
    Subscriber.objects.create(email="bob@example.org", language="en")
    response = admin_client.post(
        "/admin/newsletter/subscriber/add/",
        {"email": "BOB@example.org", "language": "en", "status": "pending"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 200
    assert "Cette adresse e-mail figure déjà dans la liste des abonnés." in response.content.decode()
    assert Subscriber.objects.count() == 1


def test_pause_stops_new_batches_and_resume_sends_the_rest(editor_client, on_commit, mailoutbox, settings):
    settings.NEWSLETTER_BATCH_SIZE = 2
    SubscriberFactory.create_batch(5)
    issue = IssueFactory()
    # Start sending without running any batch: as if the worker had not got there yet.
    from newsroom.newsletter import sending

    sending.issue_start_sending(issue_id=issue.pk)
    batches = sending.issue_batches_to_queue(issue_id=issue.pk)
    sending.delivery_send_batch(issue_id=issue.pk, delivery_ids=batches[0])
    assert len(mailoutbox) == 2

    editor_client.post(f"{ISSUES}{issue.pk}/pause/")
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.PAUSED
    for batch in batches[1:]:  # the queued batches run during the pause and send nothing
        sending.delivery_send_batch(issue_id=issue.pk, delivery_ids=batch)
    assert len(mailoutbox) == 2
    progress = json.loads(editor_client.get(f"{ISSUES}{issue.pk}/progress.json").content)
    assert (progress["sent"], progress["remaining"], progress["status"], progress["rate"]) == (2, 3, "paused", 0)

    on_commit(editor_client.post, f"{ISSUES}{issue.pk}/resume/")
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENT
    assert len(mailoutbox) == 5 and len({mail.to[0] for mail in mailoutbox}) == 5
    assert editor_client.get(f"{ISSUES}{issue.pk}/pause/").status_code == 405


def test_the_change_page_has_the_live_progress_panel(editor_client):
    issue = IssueFactory(status=NewsletterIssue.Status.SENDING)
    html = editor_client.get(f"{ISSUES}{issue.pk}/change/").content.decode()
    assert f'data-progress-url="{ISSUES}{issue.pk}/progress.json"' in html
    assert "/static/newsletter/issue-progress.js" in html
    assert "<script>" not in html.replace('<script src="', ""), "no inline script (strict CSP)"


def test_staff_read_issues_but_cannot_send_or_steer_them(staff_client, mailoutbox):
    SubscriberFactory()
    issue = IssueFactory()
    assert staff_client.get(f"{ISSUES}{issue.pk}/change/").status_code == 200
    assert staff_client.get(f"{ISSUES}{issue.pk}/progress.json").status_code == 200
    assert staff_client.get(f"{ISSUES}{issue.pk}/send/").status_code == 403
    assert staff_client.post(f"{ISSUES}{issue.pk}/send/", {"confirm": "1"}).status_code == 403
    assert staff_client.post(f"{ISSUES}{issue.pk}/pause/").status_code == 403
    changelist = staff_client.get(ISSUES).content.decode()
    assert "send_now" not in changelist and "send_test_to_me" not in changelist
    assert mailoutbox == [] and not Delivery.objects.exists()


def test_send_newsletter_command_uses_the_same_service(mailoutbox, django_capture_on_commit_callbacks):
    SubscriberFactory.create_batch(2)
    ArticleFactory()
    issue = IssueFactory(latest_count=1)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_newsletter", issue.pk)
    assert len(mailoutbox) == 2
    with pytest.raises(CommandError, match="already been sent"):
        call_command("send_newsletter", issue.pk)
    paused = IssueFactory(status=NewsletterIssue.Status.PAUSED)
    with pytest.raises(CommandError, match="paused"):
        call_command("send_newsletter", paused.pk)
    with pytest.raises(services.IssueNotSendable):
        services.issue_send_now(issue_id=paused.pk)
