import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group


def _staff(email: str, group: str):
    user = get_user_model().objects.create_user(email=email, password="Long-Enough-Pass-42", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db):
    """A member of the Editors group (created by newsroom's data migration): not a superuser."""
    return _staff("editor@example.org", "Editors")


@pytest.fixture
def writer(db):
    """A member of the Staff group: writes drafts, may not publish."""
    return _staff("writer@example.org", "Staff")


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
