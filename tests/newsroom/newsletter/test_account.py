import pytest
from allauth.account.models import EmailAddress

from accounts.models import User
from newsroom.newsletter.models import Subscriber

from .conftest import link_in

pytestmark = pytest.mark.django_db


def make_user(email, verified):
    user = User.objects.create_user(email=email, password="x-long-password-1", preferred_language="fr")
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def account_page(client):
    """The account page, where the toggle lives."""
    return client.get("/en/account/").content.decode()


def test_verified_account_toggles_in_one_click(client):
    user = make_user("pro@example.org", verified=True)
    client.force_login(user)
    assert "Receive the newsletter" in account_page(client)
    response = client.post("/en/newsletter/account/", {"subscribe": "1", "next": "/en/account/"})
    assert response.status_code == 302 and response.url == "/en/account/"
    subscriber = Subscriber.objects.get()
    assert (subscriber.status, subscriber.user, subscriber.language) == (Subscriber.Status.CONFIRMED, user, "fr")
    assert subscriber.consent_origin == "account page"
    assert "Stop the newsletter" in account_page(client)

    client.post("/en/newsletter/account/", {"subscribe": "0"})
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED
    client.post("/en/newsletter/account/", {"subscribe": "1"})
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_unverified_account_confirms_by_mail(client, on_commit, mailoutbox):
    user = make_user("new@example.org", verified=False)
    client.force_login(user)
    on_commit(client.post, "/en/newsletter/account/", {"subscribe": "1"})
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    assert "waiting for you to confirm" in account_page(client)
    client.post(link_in(mailoutbox[0], "/confirm/"))
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_toggle_needs_login(client):
    response = client.post("/en/newsletter/account/", {"subscribe": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not Subscriber.objects.exists()
