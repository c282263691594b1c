import pytest
from django.db import transaction

from mediaportal.mail import queue_mail


@pytest.mark.worker
def test_mail_goes_through_a_real_worker_and_smtp_server(celery_worker, smtp_server):
    with transaction.atomic():
        queue_mail(to=["reader@example.org"], subject="Hello", text="Plain body", html="<p>HTML body</p>")
    message = smtp_server.wait_for(1)[0]
    assert message["To"] == "reader@example.org"
    assert message["Subject"] == "Hello"
    parts = {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}
    assert parts["text/plain"].strip() == "Plain body"
    assert parts["text/html"].strip() == "<p>HTML body</p>"


@pytest.mark.django_db
def test_mail_is_not_queued_when_the_transaction_rolls_back(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                queue_mail(to=["reader@example.org"], subject="Never", text="x")
                raise RuntimeError
        except RuntimeError:
            pass
    assert mailoutbox == []


def _write_templates(tmp_path, **files):
    for name, body in files.items():
        (tmp_path / name).write_text(body)


def test_render_mail_without_an_html_template_sends_text_only(settings, tmp_path):
    from mediaportal.mail import render_mail

    _write_templates(tmp_path, **{"note_subject.txt": "Hi", "note_message.txt": "Text {{ n }}"})
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    rendered = render_mail(template_prefix="note", context={"n": 1})
    assert rendered == {"subject": "Hi", "text": "Text 1", "html": None}


def test_a_broken_html_template_fails_loudly_instead_of_sending_text_only(settings, tmp_path):
    from django.template import TemplateSyntaxError

    from mediaportal.mail import render_mail

    _write_templates(
        tmp_path,
        **{"note_subject.txt": "Hi", "note_message.txt": "Text", "note_message.html": "{% if %}broken"},
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    with pytest.raises(TemplateSyntaxError):
        render_mail(template_prefix="note", context={})


@pytest.mark.django_db
def test_sweep_sends_what_was_left_and_forgets_old_sent_mail(mailoutbox, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from mediaportal.mail import mail_outbox_sweep_task
    from mediaportal.outbox.models import OutgoingMail

    # Written, but its task never reached a broker: no on-commit callback ran.
    left = queue_mail(to=["reader@example.org"], subject="Left behind", text="x")
    old = queue_mail(to=["reader@example.org"], subject="Old", text="code 1234-5678")
    OutgoingMail.objects.filter(pk=left.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    OutgoingMail.objects.filter(pk=old.pk).update(sent_at=timezone.now() - timedelta(days=2))
    assert mail_outbox_sweep_task.delay().get() == 1
    assert [message.subject for message in mailoutbox] == ["Left behind"]
    assert list(OutgoingMail.objects.values_list("subject", flat=True)) == ["Left behind"]
