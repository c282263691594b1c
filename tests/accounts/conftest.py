import re

import pytest
from django.test import Client, TestCase
from django.utils import translation

from .factories import UserFactory

CODE = re.compile(r"\b(\d{4}-\d{4})\b")


def code_in(message) -> str:
    """The code in a sent message (Django's outbox or a parsed SMTP message)."""
    body = message.body if hasattr(message, "body") else message.get_body(("plain",)).get_content()
    return CODE.search(body).group(1)


class CommittingClient(Client):
    """Runs the on-commit callbacks of each request when it ends, as a real
    commit would; inside a test's transaction they would wait for the end of
    the test. Mail is queued on commit, so this is what sends it."""

    def request(self, **request):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)


@pytest.fixture(autouse=True)
def _english():
    # A request in French leaves French active in this thread: start each
    # test in English.
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    return CommittingClient()


@pytest.fixture
def user(db):
    return UserFactory()
