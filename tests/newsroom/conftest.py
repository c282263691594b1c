import pytest

from .factories import staff_user


@pytest.fixture
def editor(db):
    """A member of the Editors group: not a superuser."""
    return staff_user("editor@example.org", "Editors")


@pytest.fixture
def writer(db):
    """A member of a group that may write articles but not publish them."""
    return staff_user(
        "writer@example.org",
        "Writers",
        grants=[
            "newsroom.add_article",
            "newsroom.change_article",
            "newsroom.view_article",
            "newsroom.view_topic",
        ],
    )


@pytest.fixture
def staff(db):
    """A member of the Staff group: reads the newsroom in the admin."""
    return staff_user("staff@example.org", "Staff")
