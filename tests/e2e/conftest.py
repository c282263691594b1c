"""Browser-test fixtures. Database work happens in fixtures listed *before*
``page``: once Playwright's loop runs in the test thread, Django would open a
second connection there that outlives the test database."""

import pytest
from django.conf import settings
from django.test import Client


@pytest.fixture
def journalist_cookie(live_server, django_user_model):
    """A logged-in media professional's session cookie, for ``page.context.add_cookies``."""
    user = django_user_model.objects.create_user("sam@example.org", "x", full_name="Sam Okafor")
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return {"name": cookie.key, "value": cookie.value, "url": live_server.url}
