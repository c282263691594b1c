import pytest

from .factories import staff_user


@pytest.fixture
def editor(db):
    """A member of the Editors group: not a superuser."""
    return staff_user("editor@example.org", "Editors")


@pytest.fixture
def writer(db):
    """A member of the Staff group: writes drafts, may not publish."""
    return staff_user("writer@example.org", "Staff")


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run inline unless a test starts a real worker. Overrides the
    suite-wide fixture: with ``config_from_object(namespace="CELERY")`` Celery
    reads the namespaced key first, so ``conf.task_always_eager = True`` there
    has no effect while the settings say False (Redis is configured)."""
    from mediaportal.celery import app

    app.conf.CELERY_TASK_ALWAYS_EAGER = True
    yield
    app.conf.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def celery_worker(celery_worker):
    from mediaportal.celery import app

    app.conf.CELERY_TASK_ALWAYS_EAGER = False
    yield celery_worker
