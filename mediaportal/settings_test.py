"""Settings for the test suite: the real local PostgreSQL and Redis, with
defaults that `TEST_DATABASE_URL` / `TEST_REDIS_URL` can override (so two
checkouts can run their suites side by side)."""

import os

os.environ.setdefault("DEBUG", "1")
os.environ["DATABASE_URL"] = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mediaportal")
os.environ["REDIS_URL"] = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/1")
os.environ.setdefault("EMAIL_URL", "consolemail://")

from .settings import *  # noqa: E402,F403

# Fast hashing: the suite creates many users; security of test hashes is moot.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run inline unless a test starts a real worker (the celery_worker fixture).
CELERY_TASK_ALWAYS_EAGER = True

# --- Newsletter: a worker process started by a test (or bench/newsletter.py)
# sends to that test's SMTP server, and takes back the tasks of a killed worker after seconds, not hours.
if "TEST_EMAIL_URL" in os.environ:
    vars().update(env.email_url("TEST_EMAIL_URL"))  # noqa: F405
    CELERY_TASK_ALWAYS_EAGER = False  # a real worker: the tasks it queues go to the broker
# --- A media worker started by a test (tests/downloads/test_worker_killed.py):
# the tasks it queues (the sweeper's) go to the broker too.
if "TEST_MEDIA_WORKER" in os.environ:
    CELERY_TASK_ALWAYS_EAGER = False
if "TEST_VISIBILITY_TIMEOUT" in os.environ:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(os.environ["TEST_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
# The crash test's hook (newsroom/newsletter/sending.py, _pause_for_tests):
# "before_end_of_data:5:/tmp/paused" stops each worker process at that point
# of the 6th delivery of a batch, so the test can kill it exactly there.
if "TEST_NEWSLETTER_PAUSE" in os.environ:
    _point, _position, _file = os.environ["TEST_NEWSLETTER_PAUSE"].split(":", 2)
    NEWSLETTER_TEST_PAUSE = (_point, int(_position), _file)
