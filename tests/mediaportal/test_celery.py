"""Every task says where it runs; one that does not is refused, not sent to
the transactional mail queue."""

import pytest

from mediaportal.celery import QUEUES, UnroutedTask
from mediaportal.celery import app as celery_app

PROJECT_APPS = ("accounts.", "downloads.", "newsroom.", "mediaportal.")


def _project_tasks():
    celery_app.loader.import_default_modules()
    return {name: task for name, task in celery_app.tasks.items() if name.startswith(PROJECT_APPS)}


def test_every_project_task_declares_its_queue_and_follows_the_naming_rule():
    tasks = _project_tasks()
    assert len(tasks) >= 8
    for name, task in tasks.items():
        assert task.queue in QUEUES, name
        assert name.rsplit(".", 1)[1].endswith("_task"), name


def test_a_task_without_a_declared_queue_is_refused_when_queued():
    with pytest.raises(UnroutedTask, match="declares no queue"):
        celery_app.amqp.router.route({}, "newsroom.tasks.something_new_task")


def test_declared_queues_and_celery_builtins_are_routed():
    route = celery_app.amqp.router.route({"queue": "media"}, "downloads.tasks.clip_render_task")
    assert route["queue"].name == "media"
    # Celery's own housekeeping tasks go to the non-urgent default, never to mail.
    assert celery_app.amqp.router.route({}, "celery.backend_cleanup")["queue"].name == "bulk"
