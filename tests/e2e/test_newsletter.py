import pytest
from django.db import connections

from newsroom.newsletter import tasks
from newsroom.newsletter.models import Subscriber
from tests.newsroom.newsletter.conftest import link_in
from tests.newsroom.newsletter.factories import IssueFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_visitor_subscribes_confirms_and_unsubscribes(live_server, page, mailoutbox):
    try:
        visitor_round_trip(live_server, page, mailoutbox)
    finally:
        # ORM queries made while Playwright runs get a connection of their own
        # (asgiref sees another context); close it or the test database cannot be dropped.
        connections.close_all()


def visitor_round_trip(live_server, page, mailoutbox):
    page.goto(f"{live_server.url}/en/news/")
    footer = page.locator("#newsletter")
    footer.get_by_label("E-mail address").fill("visitor@example.org")
    footer.get_by_label("Newsletter language").select_option("fr")
    footer.get_by_role("button", name="Subscribe").click()
    page.get_by_role("heading", name="Check your inbox").wait_for()

    [confirmation] = mailoutbox
    assert confirmation.subject == "Confirmez votre abonnement à la lettre d’information"
    page.goto(live_server.url + link_in(confirmation, "/confirm/"))
    page.get_by_role("button", name="Confirmer mon abonnement").click()
    page.get_by_role("heading", name="Vous êtes abonné").wait_for()
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED

    tasks.issue_send_task.delay(IssueFactory().pk)
    newsletter = mailoutbox[-1]
    assert newsletter.subject == "Cette semaine à l'organisation"
    page.goto(live_server.url + link_in(newsletter, "/unsubscribe/"))
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED  # opening the link is not enough
    page.get_by_role("button", name="Se désabonner").click()
    page.get_by_role("heading", name="Vous êtes désabonné").wait_for()
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED
