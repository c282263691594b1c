"""Finding 12 of the security review: editors could delete download audit
records in the admin. Nobody may, superusers included."""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.models import User
from downloads.models import Download, Video
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def record():
    video = Video.objects.create(title="Summit arrivals", slug="summit-arrivals")
    return Download.objects.create(user=UserFactory(), video=video, kind=Download.Kind.FULL, bytes=1000)


@pytest.mark.parametrize("who", ["editor", "superuser"])
def test_nobody_deletes_download_records_in_the_admin(client, record, who):
    if who == "editor":
        assert not Group.objects.get(name="Editors").permissions.filter(codename="delete_download").exists()
        # Even a group that someone granted the permission by hand...
        person = UserFactory(is_staff=True)
        granted = Group.objects.create(name="Granted by hand")
        granted.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="downloads", codename__in=["view_download", "delete_download"]
            )
        )
        person.groups.add(granted)
        assert person.has_perm("downloads.delete_download")
    else:
        person = User.objects.create_superuser(email="root@example.org", password=PASSWORD)
    client.force_login(person)
    assert client.get(f"/admin/downloads/download/{record.pk}/delete/").status_code == 403
    assert client.post(f"/admin/downloads/download/{record.pk}/delete/", {"post": "yes"}).status_code == 403
    changelist = client.post(
        "/admin/downloads/download/", {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"}
    )
    assert changelist.status_code in (200, 302)
    assert Download.objects.filter(pk=record.pk).exists()  # ...the admin does not
