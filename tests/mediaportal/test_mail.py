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
