import pytest
from django.conf import settings
from django.test import Client


@pytest.fixture
def login_as(live_server):
    """Log ``user`` into the Playwright page by handing it a real session cookie."""

    def login(page, user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return login
