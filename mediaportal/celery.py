"""The one Celery app for web and workers.

Three queues keep work classes apart, so a password-reset code never waits
behind a newsletter or a video render:
- ``mail``: transactional e-mail (high priority, short tasks);
- ``bulk``: newsletter fan-out and delivery;
- ``media``: probing, thumbnails, proxies and clip renders (CPU-heavy; run
  these workers with ``--prefetch-multiplier 1``, which settings set anyway).
"""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediaportal.settings")

app = Celery("mediaportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue("mail"), Queue("bulk"), Queue("media")]
app.conf.task_routes = {
    "mediaportal.mail.*": {"queue": "mail"},
    "accounts.*": {"queue": "mail"},
    "newsroom.newsletter.*": {"queue": "bulk"},
    "newsroom.*": {"queue": "media"},
    "downloads.*": {"queue": "media"},
}
app.conf.imports = ["mediaportal.mail"]
app.autodiscover_tasks()
