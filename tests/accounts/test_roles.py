"""Role permissions come from one place, accounts/roles.py, whichever step
applied them (the migration, the sync after migrate, seed_demo)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from accounts.models import User
from accounts.roles import ROLES
from accounts.services import roles_sync
from tests.newsroom.factories import staff_user

pytestmark = pytest.mark.django_db


def _codes(group: Group) -> set[str]:
    return {f"{app}.{code}" for app, code in group.permissions.values_list("content_type__app_label", "codename")}


def test_the_migrated_groups_have_exactly_the_listed_permissions():
    for name, codes in ROLES.items():
        assert _codes(Group.objects.get(name=name)) == set(codes), name
        assert all(Permission.objects.filter(codename=code.split(".")[1]).exists() for code in codes), name


def test_a_sync_takes_back_a_permission_granted_by_hand():
    staff = Group.objects.get(name="Staff")
    staff.permissions.add(Permission.objects.get(codename="change_group"))
    roles_sync()
    assert _codes(staff) == set(ROLES["Staff"])


def test_seed_demo_puts_the_demo_staff_in_their_roles():
    Group.objects.get(name="Editors").permissions.clear()  # an old database, out of date
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    editor = User.objects.get(email="staff@mediaportal.example")
    support = User.objects.get(email="support@mediaportal.example")
    assert [g.name for g in editor.groups.all()] == ["Editors"] and editor.is_staff
    assert [g.name for g in support.groups.all()] == ["Staff"] and support.is_staff
    assert editor.has_perm("newsletter.send_newsletterissue") and editor.has_perm("newsroom.publish_article")
    assert not support.has_perm("newsletter.send_newsletterissue")


@pytest.mark.parametrize(
    ("role", "url", "status"),
    [
        ("Editors", "/admin/newsletter/newsletterissue/", 200),
        ("Editors", "/admin/newsletter/newsletterissue/add/", 200),
        ("Editors", "/admin/newsroom/article/add/", 200),
        ("Editors", "/admin/downloads/video/add/", 200),
        ("Editors", "/admin/accounts/user/", 403),
        ("Editors", "/admin/auth/group/", 403),
        ("Staff", "/admin/newsletter/newsletterissue/", 200),
        ("Staff", "/admin/newsletter/newsletterissue/add/", 403),
        ("Staff", "/admin/newsroom/article/add/", 403),
        ("Staff", "/admin/accounts/user/", 200),
        ("Staff", "/admin/auth/group/", 403),
        ("Staff", "/admin/auth/permission/", 404),
    ],
)
def test_what_each_role_opens_in_the_admin(client, role, url, status):
    client.force_login(staff_user(f"{role.lower()}@example.org", role))
    assert client.get(url).status_code == status


def test_no_role_touches_permissions_or_groups():
    for codes in ROLES.values():
        assert not [code for code in codes if code.startswith("auth.")]
