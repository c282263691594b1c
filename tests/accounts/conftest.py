import re

import pytest

from .factories import UserFactory

CODE = re.compile(r"\b(\d{4}-\d{4})\b")


def code_in(message) -> str:
    """The code in a sent message (Django's outbox or a parsed SMTP message)."""
    body = message.body if hasattr(message, "body") else message.get_body(("plain",)).get_content()
    return CODE.search(body).group(1)


@pytest.fixture
def user(db):
    return UserFactory()
