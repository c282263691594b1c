"""The allauth adapter: which redirect targets are safe, and how mail leaves."""

import base64
import json

import pytest
from allauth.core import context
from django.db import transaction
from django.test import RequestFactory

from accounts.adapters import AccountAdapter
from mediaportal.celery import app as celery_app
from mediaportal.outbox.models import OutgoingMail


@pytest.fixture
def adapter():
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1")
    with context.request_context(request):
        yield AccountAdapter(request)


@pytest.mark.parametrize(
    "url, safe",
    [
        ("/en/videos/summit-opening/", True),
        ("/fr/actualites/?page=2#top", True),
        ("https://evil.example/", False),
        ("http://127.0.0.1/en/", False),  # only paths, even to this host
        ("//evil.example/", False),
        ("/\\evil.example/", False),
        ("/\t/evil.example/", False),
        ("/ /evil.example", False),
        ("javascript:alert(1)", False),
        ("data:text/html,hi", False),
        ("en/videos/", False),
        ("", False),
    ],
)
def test_only_paths_on_this_site_are_safe(adapter, url, safe):
    assert adapter.is_safe_url(url) is safe


@pytest.mark.django_db(transaction=True)
def test_account_mail_is_queued_on_the_mail_queue_after_commit(adapter, django_user_model):
    django_user_model.objects.create_user(email="amina@example.org", preferred_language="fr")
    celery_app.conf["CELERY_TASK_ALWAYS_EAGER"] = False
    with celery_app.connection_for_write() as conn:
        redis = conn.default_channel.client
        for queue in ("mail", "bulk", "media"):
            redis.delete(queue)
        with transaction.atomic():
            adapter.send_mail("account/email/password_reset_code", "amina@example.org", {"code": "1234-5678"})
            assert redis.llen("mail") == 0, "nothing is queued before the commit"
        assert redis.llen("mail") == 1 and redis.llen("bulk") == redis.llen("media") == 0
        envelope = json.loads(redis.lpop("mail"))
    assert envelope["headers"]["task"] == "mediaportal.mail.mail_send_task"
    (mail_id,), _, _ = json.loads(base64.b64decode(envelope["body"]))
    # Rendered in the request, in the account's language, and kept in the
    # outbox with the request's commit: the worker only sends.
    message = OutgoingMail.objects.get(pk=mail_id)
    assert message.to == ["amina@example.org"]
    assert message.subject == "Votre code de réinitialisation du mot de passe"
    assert "1234-5678" in message.text and "1234-5678" in message.html
    assert message.sent_at is None
