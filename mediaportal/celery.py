"""The one Celery app for web and workers.

Three queues keep work classes apart, so a password-reset code never waits
behind a newsletter or a video render:
- ``mail``: transactional e-mail (high priority, short tasks);
- ``bulk``: newsletter fan-out and delivery;
- ``media``: probing, thumbnails, proxies and clip renders (CPU-heavy; run
  these workers with ``--prefetch-multiplier 1``, which settings set anyway).
"""

import os

from celery import Celery, signals
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediaportal.settings")

app = Celery("mediaportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
QUEUES = ("mail", "bulk", "media")
app.conf.task_queues = [Queue(name) for name in QUEUES]


class UnroutedTask(LookupError):
    """A project task was queued without a queue declared on its decorator."""


def _require_declared_queue(name, args, kwargs, options, task=None, **kw):
    # Each task names its queue where it is defined (``@shared_task(queue=...)``).
    # One that does not would land on the default queue, beside work of another
    # class; refuse it at the first ``delay()`` instead (Celery's own tasks,
    # ``celery.*``, keep the non-urgent default).
    if "queue" not in options and not name.startswith("celery."):
        raise UnroutedTask(f"task {name} declares no queue: add queue=... to its @shared_task")
    return None


app.conf.task_routes = (_require_declared_queue,)
app.conf.imports = ["mediaportal.mail"]
app.autodiscover_tasks()


@signals.celeryd_init.connect
def _workers_keep_no_web_statement_timeout(**kwargs) -> None:
    """DATABASE_STATEMENT_TIMEOUT protects web workers from slow requests; a
    worker's jobs (a newsletter claim over thousands of rows, a sweep) are
    bounded by their task time limits instead. ``celery worker`` drops the
    option before it opens any connection (its pool children inherit that)."""
    from django.conf import settings

    options = settings.DATABASES["default"].get("OPTIONS", {})
    if "statement_timeout" in options.get("options", ""):
        del options["options"]
