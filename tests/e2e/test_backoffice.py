"""An Editor (not a superuser) writes, previews and publishes a French
article in the admin, then confirms and sends a newsletter and follows it
on the live progress bar, pausing and resuming another one."""

import pytest
from django.db import connections

from newsroom.models import Article
from newsroom.newsletter import sending
from newsroom.newsletter.models import NewsletterIssue
from tests.newsroom.factories import TopicFactory, staff_user
from tests.newsroom.newsletter.factories import IssueFactory, SubscriberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Editor-Pass-2026!"


@pytest.fixture
def newsroom(transactional_db):
    # Everything the database needs is made before Playwright starts (see tests/e2e/conftest.py).
    editor = staff_user("editor@example.org", "Editors", password=PASSWORD)
    TopicFactory(slug="water", name_en="Water", name_fr="Eau")
    SubscriberFactory.create_batch(2, language="en")
    SubscriberFactory(language="fr")
    paused = IssueFactory(subject_en="Midweek extra", subject_fr="Supplément")
    sending.issue_start_sending(issue_id=paused.pk)  # sending, nothing sent yet
    return {"editor": editor, "paused": paused}


def test_an_editor_publishes_and_sends_from_the_admin(newsroom, live_server, page, mailoutbox):
    try:
        editor_round_trip(newsroom, live_server.url, page, mailoutbox)
    finally:
        connections.close_all()


def editor_round_trip(newsroom, base, page, mailoutbox):
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", newsroom["editor"].email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    assert page.title().endswith("| Media Portal")

    # Write: the body in the rich-text editor, a topic offered in French.
    page.goto(f"{base}/admin/newsroom/article/add/")
    page.select_option("#id_language", "fr")
    page.fill("#id_title", "Les rivières partagent leurs données")
    page.fill("#id_standfirst", "Vingt-quatre pays publient leurs relevés.")
    editor = page.get_by_role("textbox", name="Body")
    editor.click()
    page.get_by_role("button", name="Paragraph").click()
    page.keyboard.type("Les relevés sont ")
    page.get_by_role("button", name="Bold").click()
    page.keyboard.type("publics")
    page.get_by_role("button", name="Bold").click()
    page.keyboard.type(" dès lundi.")
    page.click("#id_topics + .select2 .select2-selection")
    page.keyboard.type("Eau")
    page.locator(".select2-results__option", has_text="Eau").click()
    assert page.locator(".select2-results__option", has_text="Water").count() == 0

    # Preview: the body as the site will show it, cleaned by the server.
    page.get_by_role("button", name="Preview").click()
    preview = page.locator(".rte-preview-body")
    preview.locator("b", has_text="publics").wait_for()
    assert preview.inner_text() == "Les relevés sont publics dès lundi."

    # Publish.
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    article = Article.objects.get()
    assert article.is_live and "<b>publics</b>" in article.body and [t.slug for t in article.topics.all()] == ["water"]
    page.goto(f"{base}/fr/news/{article.slug}/")
    assert page.locator("h1").inner_text() == "Les rivières partagent leurs données"

    # The article list at 1280 px: the title column stays readable.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{base}/admin/newsroom/article/")
    title_width = page.locator("#result_list td.field-title, #result_list th.field-title").first.bounding_box()["width"]
    assert title_width >= 250, title_width

    # Newsletter: write it, confirm (counts per language, both renderings, a test), send, watch.
    page.goto(f"{base}/admin/newsletter/newsletterissue/add/")
    page.fill("#id_subject_en", "River data week")
    page.fill("#id_subject_fr", "La semaine des rivières")
    page.fill("#id_latest_count", "1")
    page.click("input[name=_continue]")
    page.get_by_role("link", name="Send now…").click()
    assert page.locator("tr[data-language=en] .recipient-count").inner_text() == "2"
    assert page.locator("tr[data-language=fr] .recipient-count").inner_text() == "1"
    french = page.frame_locator("iframe[title='La semaine des rivières']")
    french.get_by_role("link", name="Les rivières partagent leurs données").first.wait_for()
    page.get_by_role("button", name="Send a test to editor@example.org").click()
    page.wait_for_selector(".messagelist .info, .messagelist li")
    assert sorted(mail.subject for mail in mailoutbox) == ["[TEST] La semaine des rivières", "[TEST] River data week"]
    page.get_by_role("button", name="Confirm: send to 3 subscribers").click()
    page.wait_for_selector(".messagelist .success")
    bar = page.locator("#issue-progress-bar")
    page.wait_for_function("() => document.querySelector('[data-field=sent]')?.textContent === '3'")
    assert (bar.get_attribute("value"), bar.get_attribute("max")) == ("3", "3")
    assert page.locator("[data-field=remaining]").inner_text() == "0"
    assert len(mailoutbox) == 2 + 3

    # Pause and resume an issue that is going out.
    paused = newsroom["paused"]
    page.goto(f"{base}/admin/newsletter/newsletterissue/{paused.pk}/change/")
    page.wait_for_function("() => document.querySelector('[data-field=remaining]')?.textContent === '3'")
    assert not page.get_by_role("button", name="Resume").is_visible()
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Resume").wait_for()
    assert not page.get_by_role("button", name="Pause").is_visible()
    assert NewsletterIssue.objects.get(pk=paused.pk).status == NewsletterIssue.Status.PAUSED
    page.get_by_role("button", name="Resume").click()
    page.wait_for_function("() => document.querySelector('[data-field=sent]')?.textContent === '3'")
    assert NewsletterIssue.objects.get(pk=paused.pk).status == NewsletterIssue.Status.SENT
    assert len(mailoutbox) == 2 + 3 + 3
