import pytest

from .factories import staff_user


@pytest.fixture
def editor(db):
    """A member of the Editors group: not a superuser."""
    return staff_user("editor@example.org", "Editors")


@pytest.fixture
def writer(db):
    """A member of a group that may write articles but not publish them."""
    return staff_user("writer@example.org", "Writers", grants=[
        "newsroom.add_article", "newsroom.change_article", "newsroom.view_article", "newsroom.view_topic",
    ])


@pytest.fixture
def staff(db):
    """A member of the Staff group: reads the newsroom in the admin."""
    return staff_user("staff@example.org", "Staff")


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
