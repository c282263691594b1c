import re

import pytest


def link_in(message, path_part: str) -> str:
    """The first link containing ``path_part`` in a message's plain-text part
    (django.core.mail message or email.message.EmailMessage), site-relative."""
    body = message.body if hasattr(message, "body") else message.get_body(("plain",)).get_content()
    match = re.search(rf"https?://[^/\s]+(/\S*{path_part}\S*)", body)
    assert match, f"no {path_part} link in:\n{body}"
    return match.group(1)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (queued mail) inside a non-transactional test."""
    def run(callable_, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return callable_(*args, **kwargs)
    return run
