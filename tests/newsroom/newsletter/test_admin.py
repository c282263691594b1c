import pytest

from accounts.models import User
from newsroom.newsletter.models import NewsletterIssue, Subscriber

from .factories import IssueFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser(email="editor@example.org", password="x-long-password-1"))
    return client


def run_action(client, on_commit, action, issue):
    return on_commit(
        client.post,
        "/admin/newsletter/newsletterissue/",
        {"action": action, "_selected_action": [issue.pk]},
        follow=True,
    )


def test_send_a_test_to_me_in_every_language(staff_client, on_commit, mailoutbox):
    SubscriberFactory()
    issue = IssueFactory()
    response = run_action(staff_client, on_commit, "send_test_to_me", issue)
    assert "Test copies (one per language) are on their way to editor@example.org." in response.content.decode()
    assert sorted(mail.subject for mail in mailoutbox) == [
        "[TEST] Cette semaine à l'organisation",
        "[TEST] This week at the organisation",
    ]
    assert all(mail.to == ["editor@example.org"] for mail in mailoutbox)
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.DRAFT and not issue.deliveries.exists()


def test_send_now_and_watch_progress(staff_client, on_commit, mailoutbox):
    for _ in range(3):
        SubscriberFactory()
    issue = IssueFactory()
    response = run_action(staff_client, on_commit, "send_now", issue)
    assert "1 issue is being sent" in response.content.decode()
    assert len(mailoutbox) == 3
    changelist = staff_client.get("/admin/newsletter/newsletterissue/").content.decode()
    assert "3 / 3 sent" in changelist
    again = run_action(staff_client, on_commit, "send_now", issue)
    assert "Those issues have already been sent." in again.content.decode()
    assert len(mailoutbox) == 3


def test_saving_with_a_send_time_schedules_the_issue(staff_client):
    data = {
        "subject_en": "Weekly",
        "subject_fr": "Hebdo",
        "introduction_en": "",
        "introduction_fr": "",
        "latest_count": "3",
        "send_at_0": "2030-01-01",
        "send_at_1": "09:00:00",
    }
    response = staff_client.post("/admin/newsletter/newsletterissue/add/", data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    issue = NewsletterIssue.objects.get()
    assert issue.status == NewsletterIssue.Status.SCHEDULED and issue.send_at.year == 2030
    assert staff_client.get(f"/admin/newsletter/newsletterissue/{issue.pk}/change/").status_code == 200


# --- Odd and hostile input: a 4xx with a message, never a 500 ---


def test_a_duplicate_address_in_another_case_gets_a_human_message(staff_client):
    Subscriber.objects.create(email="bob@example.org", language="en")
    response = staff_client.post(
        "/admin/newsletter/subscriber/add/",
        {"email": "BOB@example.org", "language": "en", "status": "pending"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 200
    assert "Cette adresse e-mail figure déjà dans la liste des abonnés." in response.content.decode()
    assert Subscriber.objects.count() == 1
