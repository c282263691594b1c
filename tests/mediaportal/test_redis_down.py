"""Finding 14 of the security review: with Redis down, login, reset and
sign-up answered 500 and the reset code was never made. Here a separate
process runs the portal with its production settings and Redis at a closed
port (really unreachable: broker and cache both): the pages answer, and the
mail waits in the outbox until the sweep sends it once Redis is back."""

import json
import os
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from mediaportal.mail import mail_outbox_sweep_task
from mediaportal.outbox.models import OutgoingMail
from tests.accounts.conftest import code_in
from tests.accounts.factories import PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parent.parent.parent
VISIT = """
import json, time
import django
django.setup()
from django.test import Client

answers = {}
def post(name, path, data):
    start = time.monotonic()
    response = Client().post(path, data)
    answers[name] = {"status": response.status_code, "location": response.get("Location", ""),
                     "seconds": round(time.monotonic() - start, 2)}

post("login", "/en/accounts/login/", {"login": "%(email)s", "password": "%(password)s"})
post("reset", "/en/accounts/password/reset/", {"email": "%(email)s"})
post("signup", "/en/accounts/signup/", {"email": "new.reporter@example.org", "password1": "Fjord-Lantern-93!",
     "password2": "Fjord-Lantern-93!", "full_name": "Amina Diallo", "organisation": "Radio Sahel",
     "preferred_language": "en"})
print(json.dumps(answers))
"""


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends: nothing listens


@pytest.fixture
def account(transactional_db, settings):
    # The other process checks passwords with the production hashers.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    return UserFactory()


def test_login_reset_and_signup_answer_with_redis_down_and_mail_waits(account, mailoutbox):
    database = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mediaportal.settings",
        "DEBUG": "1",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": f"redis://127.0.0.1:{_closed_port()}/0",
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "ERROR",
    }
    script = VISIT % {"email": account.email, "password": PASSWORD}
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    answers = json.loads(run.stdout.strip().splitlines()[-1])
    assert answers["login"]["status"] == 302 and answers["login"]["location"] == "/", answers
    assert answers["reset"]["status"] == 302 and answers["reset"]["location"].endswith("/reset/confirm/"), answers
    assert answers["signup"]["status"] == 302 and "confirm-email" in answers["signup"]["location"], answers
    assert all(answer["seconds"] < 15 for answer in answers.values()), answers

    # Nothing was sent (no broker), nothing was lost: the code is in the outbox.
    waiting = OutgoingMail.objects.filter(sent_at=None)
    assert sorted(mail.to[0] for mail in waiting) == sorted([account.email, "new.reporter@example.org"])
    reset_mail = waiting.get(to=[account.email])
    assert reset_mail.subject == "Your password reset code"

    # Redis is back: the beat sweep queues what was left (tasks inline here).
    waiting.update(created_at=timezone.now() - timedelta(minutes=2))
    assert mail_outbox_sweep_task.delay().get() == 2
    assert sorted(message.to[0] for message in mailoutbox) == sorted([account.email, "new.reporter@example.org"])
    sent_code = next(message for message in mailoutbox if message.to == [account.email])
    assert code_in(sent_code) and code_in(sent_code) in reset_mail.text
    assert not OutgoingMail.objects.filter(sent_at=None).exists()
    # A second sweep sends nothing twice.
    assert mail_outbox_sweep_task.delay().get() == 0
    assert len(mailoutbox) == 2
