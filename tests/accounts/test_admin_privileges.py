"""Finding 1 of the security review: a "Staff" member (is_staff, in the Staff
group, not superuser) may correct accounts in the admin but must not make
itself superuser, grant groups or permissions, edit other staff, or set
another user's password."""

import pytest
from django.contrib.auth.models import Group

from accounts.models import User

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Fjord-Lantern-93!"


@pytest.fixture
def staff_member():
    member = UserFactory(is_staff=True)
    member.groups.add(Group.objects.get(name="Staff"))
    return member


@pytest.fixture
def staff_client(client, staff_member):
    client.force_login(staff_member)
    return client


def _change_form_data(user: User, **overrides) -> dict:
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "organisation": user.organisation,
        "job_title": user.job_title,
        "country": user.country,
        "preferred_language": user.preferred_language,
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
    }
    data.update(overrides)
    return data


def test_staff_cannot_make_itself_superuser_or_join_groups(staff_client, staff_member):
    url = f"/admin/accounts/user/{staff_member.pk}/change/"
    page = staff_client.get(url)
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    editors = Group.objects.get(name="Editors")
    answer = staff_client.post(
        url,
        _change_form_data(staff_member, full_name="Renamed", is_staff="on", is_superuser="on", groups=[editors.pk]),
    )
    assert answer.status_code == 302
    staff_member.refresh_from_db()
    assert staff_member.full_name == "Renamed"  # the profile is still theirs to correct
    assert not staff_member.is_superuser
    assert list(staff_member.groups.values_list("name", flat=True)) == ["Staff"]
    assert not staff_member.user_permissions.exists()


def test_staff_can_correct_a_member_but_not_grant_staff(staff_client):
    member = UserFactory()
    answer = staff_client.post(
        f"/admin/accounts/user/{member.pk}/change/",
        _change_form_data(member, organisation="Southern Radio", is_staff="on", is_superuser="on"),
    )
    assert answer.status_code == 302
    member.refresh_from_db()
    assert member.organisation == "Southern Radio"
    assert not member.is_staff and not member.is_superuser


def test_staff_cannot_edit_another_staff_member_or_a_superuser(staff_client):
    colleague = UserFactory(is_staff=True)
    root = User.objects.create_superuser(email="root@example.org", password=PASSWORD)
    for target in (colleague, root):
        url = f"/admin/accounts/user/{target.pk}/change/"
        assert 'name="email"' not in staff_client.get(url).content.decode()  # view only
        answer = staff_client.post(url, _change_form_data(target, email="taken@evil.example"))
        assert answer.status_code == 403
        target.refresh_from_db()
        assert target.email != "taken@evil.example"


def test_staff_cannot_set_another_users_password(staff_client):
    root = User.objects.create_superuser(email="root@example.org", password=PASSWORD)
    member = UserFactory()
    for target in (root, member):
        url = f"/admin/accounts/user/{target.pk}/password/"
        assert staff_client.get(url).status_code == 403
        answer = staff_client.post(
            url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
        )
        assert answer.status_code == 403
        target.refresh_from_db()
        assert target.check_password(PASSWORD)
    assert "/password/" not in staff_client.get(f"/admin/accounts/user/{member.pk}/change/").content.decode()


def test_superuser_keeps_the_full_user_admin(client):
    root = User.objects.create_superuser(email="root@example.org", password=PASSWORD)
    client.force_login(root)
    member = UserFactory()
    answer = client.post(
        f"/admin/accounts/user/{member.pk}/change/",
        _change_form_data(member, is_staff="on", groups=[Group.objects.get(name="Staff").pk]),
    )
    assert answer.status_code == 302
    member.refresh_from_db()
    assert member.is_staff and member.groups.filter(name="Staff").exists()
    client.post(
        f"/admin/accounts/user/{member.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
