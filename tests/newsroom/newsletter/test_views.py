"""The subscriber's side: double opt-in, one-click unsubscribe, resubscribe."""

import pytest
from django.test import Client

from newsroom.newsletter.models import Subscriber
from tests.hostile import NUL

from .conftest import link_in
from .factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def subscribe(client, on_commit, email="Jane@Example.org", language="en", prefix="/en"):
    return on_commit(client.post, f"{prefix}/newsletter/", {"email": email, "language": language, "next": f"{prefix}/"})


def test_footer_form_on_every_page(client):
    for path in ["/en/", "/en/news/", "/fr/"]:
        html = client.get(path).content.decode()
        assert 'id="newsletter"' in html and 'action="/' in html and 'name="email"' in html
    assert ">S’abonner<" in client.get("/fr/").content.decode()


def test_subscribe_confirm_unsubscribe_resubscribe(client, on_commit, mailoutbox):
    response = subscribe(client, on_commit)
    assert response.status_code == 302 and response.url == "/en/newsletter/check-your-inbox/"
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.status) == ("jane@example.org", Subscriber.Status.PENDING)
    assert subscriber.consent_origin == "web form on /en/"
    [mail] = mailoutbox
    assert mail.to == ["jane@example.org"] and mail.subject == "Confirm your newsletter subscription"

    confirm_path = link_in(mail, "/confirm/")
    assert client.get(confirm_path).status_code == 200  # a link scanner opening it confirms nothing
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    response = client.post(confirm_path)
    assert "You are subscribed" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED and subscriber.consent_at is not None

    from newsroom.newsletter import services, tokens

    token = tokens.unsubscribe_token_make(subscriber)
    unsubscribe_path = f"/en/newsletter/unsubscribe/{token}/"
    assert "Stop sending the newsletter to jane@example.org?" in client.get(unsubscribe_path).content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED
    response = client.post(unsubscribe_path)
    assert "You are unsubscribed" in response.content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED

    # The old confirmation link cannot undo the unsubscribe...
    assert client.post(confirm_path).status_code == 400
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED
    # ...but the "subscribe again" button on the unsubscribe page can.
    client.post(f"/en/newsletter/resubscribe/{token}/")
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.consent_origin == "resubscribe link in unsubscribe page"
    services.subscriber_unsubscribe(subscriber=subscriber)

    # Or the footer form again, with a fresh confirmation.
    subscribe(client, on_commit, email="jane@example.org")
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    client.post(link_in(mailoutbox[-1], "/confirm/"))
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED
    assert Subscriber.objects.count() == 1


def test_subscribing_twice_creates_one_subscriber_and_reveals_nothing(client, on_commit, mailoutbox):
    first = subscribe(client, on_commit)
    second = subscribe(client, on_commit, email="JANE@example.org ")
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert Subscriber.objects.count() == 1
    assert len(mailoutbox) == 1  # no flood of confirmations to one mailbox

    SubscriberFactory(email="known@example.org")
    known = subscribe(client, on_commit, email="known@example.org")
    assert known.status_code == 302 and known.url == first.url
    assert len(mailoutbox) == 1 and Subscriber.objects.count() == 2


def test_forged_or_stale_confirmation_links_are_refused(client, on_commit, mailoutbox, settings):
    settings.NEWSLETTER_CONFIRM_RESEND_INTERVAL = 0
    subscribe(client, on_commit)
    old_link = link_in(mailoutbox[0], "/confirm/")
    subscribe(client, on_commit)
    new_link = link_in(mailoutbox[1], "/confirm/")
    response = client.post(old_link)
    assert response.status_code == 400 and "This link is invalid or has expired" in response.content.decode()
    assert client.post(new_link[:-3] + "xx/").status_code == 400
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    assert client.post(new_link).status_code == 200
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_one_click_unsubscribe_needs_no_login_or_csrf(on_commit):
    subscriber = SubscriberFactory()
    from newsroom.newsletter.tokens import unsubscribe_token_make

    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        f"/en/newsletter/unsubscribe/{unsubscribe_token_make(subscriber)}/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED and subscriber.unsubscribed_at is not None
    assert mail_client.post("/en/newsletter/unsubscribe/1:forged/").status_code == 400


def test_bad_address_gets_a_clear_message_in_the_visitor_language(client):
    response = client.post("/fr/newsletter/", {"email": "not an address", "language": "fr"})
    assert response.status_code == 400
    assert "Saisissez une adresse de courriel valide" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_french_visitor_gets_french_mail_and_pages(client, on_commit, mailoutbox):
    response = subscribe(client, on_commit, email="marie@example.fr", language="fr", prefix="/fr")
    assert response.url.startswith("/fr/")
    assert "Vérifiez votre boîte de réception" in client.get(response.url).content.decode()
    [mail] = mailoutbox
    assert mail.subject == "Confirmez votre abonnement à la lettre d’information"
    assert "/fr/newsletter/confirm/" in mail.body
    assert "Vous êtes abonné" in client.post(link_in(mail, "/confirm/")).content.decode()
    assert Subscriber.objects.get().language == "fr"


# --- Odd and hostile input: a 4xx with a message, never a 500 ---


def test_a_nul_byte_in_a_form_field_gets_the_fields_message_in_french(browser_client):
    response = browser_client.post("/fr/newsletter/", {"email": f"ana{NUL}@example.org", "language": "fr"})
    assert response.status_code == 400
    assert "Le caractère nul n’est pas autorisé." in response.content.decode()
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize("next_url", ["abc", "-1", "مرحبا", "//evil.example/", "https://evil.example/", "%", ""])
def test_newsletter_toggle_goes_back_to_the_account_page_for_a_bad_next(browser_client, django_user_model, next_url):
    user = django_user_model.objects.create_user("ana@example.org", "x")
    browser_client.force_login(user)
    response = browser_client.post("/en/newsletter/account/", {"subscribe": "0", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/en/account/"


def test_newsletter_toggle_still_follows_a_path_on_the_site(browser_client, django_user_model):
    browser_client.force_login(django_user_model.objects.create_user("ana@example.org", "x"))
    response = browser_client.post("/en/newsletter/account/", {"subscribe": "0", "next": "/en/news/"})
    assert response["Location"] == "/en/news/"
