"""Fixtures shared by the whole suite: isolated media files and cache, eager
Celery by default, and real services (Celery worker on Redis, SMTP server on
loopback) for the tests that ask for them."""

import os
import socket
import threading

import pytest
from django.core.cache import cache

from mediaportal.celery import QUEUES
from mediaportal.celery import app as celery_app

ALL_QUEUES = list(QUEUES)

# Fixtures of one app that other apps' tests (and browser tests) use too.
pytest_plugins = ["tests.downloads.fixtures", "tests.s3"]


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path_factory):
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _default_language():
    # A request through the test client leaves its language active in this
    # thread; the next test must not inherit a French admin or message.
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits and other cached state live in the (real) Redis cache.
    cache.clear()
    yield
    cache.clear()


def _set_eager(eager: bool) -> None:
    # The app reads Django settings under the CELERY_ namespace, and that
    # prefixed key wins over ``conf.task_always_eager = ...``, which was
    # silently ignored (tasks went to Redis with no worker to run them).
    celery_app.conf["CELERY_TASK_ALWAYS_EAGER"] = eager


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run inline unless a test starts a real worker."""
    _set_eager(True)
    yield
    _set_eager(True)


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker (thread in this process) consuming every queue from
    the real Redis broker. Needs committed data, hence ``transactional_db``."""
    from celery.contrib.testing.worker import start_worker

    _set_eager(False)
    with celery_app.connection_for_write() as conn:
        for queue in ALL_QUEUES:
            conn.default_channel.client.delete(queue)
    with start_worker(
        celery_app,
        pool="threads",
        concurrency=2,
        perform_ping_check=False,
        queues=ALL_QUEUES,
        shutdown_timeout=30,
    ) as worker:
        yield worker


class _Collector:
    def __init__(self):
        self.messages = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes
        from email.policy import default

        with self.arrived:
            self.messages.append(message_from_bytes(envelope.content, policy=default))
            self.arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 20) -> list:
        """Block until at least ``count`` messages have arrived."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
        assert len(self.messages) >= count, f"expected {count} messages, got {len(self.messages)}"
        return self.messages


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback; Django sends to it over SMTP."""
    from aiosmtpd.controller import Controller

    collector = _Collector()
    # aiosmtpd's start-up check connects to the port it was given, so it
    # cannot be 0: take a free one from the kernel first.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    collector.port = settings.EMAIL_PORT
    yield collector
    controller.stop()


@pytest.fixture
def browser():
    """Debian's Chromium driven by Playwright (no downloaded browser builds)."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def pytest_collection_modifyitems(config, items):
    # `make check` leaves out the slow kinds by marker; mark them from what
    # they use, so a new test cannot slip into the fast loop by forgetting one.
    for item in items:
        if "tests/e2e/" in item.nodeid or "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.e2e)
        if "celery_worker" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.worker)


# --- Hostile-input tests (see tests/hostile.py) ---


@pytest.fixture
def content():
    """One published topic, article and video for sweeps over public pages."""
    from tests.newsroom.factories import ArticleFactory, TopicFactory, VideoFactory

    TopicFactory(slug="climate")
    ArticleFactory(slug="summit-agrees")
    VideoFactory(slug="harbour")


@pytest.fixture
def browser_client():
    """A client that returns 500 pages instead of raising, like a real server."""
    from django.test import Client

    return Client(raise_request_exception=False)


@pytest.fixture
def staff_client(browser_client, admin_user):
    browser_client.force_login(admin_user)
    return browser_client
