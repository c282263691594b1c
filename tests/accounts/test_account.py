"""The account page: profile and language, password change, e-mail change."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from tests.hostile import NUL, ODD_VALUES, server_errors

from .conftest import code_in
from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROFILE = "/en/account/"


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def test_account_page_needs_a_login(client):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/?next=/en/account/"


def test_profile_and_language_are_saved(logged_in, user):
    page = logged_in.get(PROFILE).content.decode()
    assert user.email in page and 'value="Northern Broadcast News"' in page
    response = logged_in.post(
        PROFILE,
        {
            "full_name": "Sam Okafor",
            "organisation": "Agence Ouest",
            "job_title": "Video editor",
            "country": "France",
            "preferred_language": "fr",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/fr/account/", "the page follows the new language"
    assert "Votre profil a été enregistré." in response.content.decode()
    user.refresh_from_db()
    assert (user.full_name, user.organisation, user.preferred_language) == ("Sam Okafor", "Agence Ouest", "fr")


def test_profile_refuses_missing_name_and_unknown_language(logged_in, user):
    response = logged_in.post(PROFILE, {"full_name": "", "organisation": "X", "preferred_language": "xx"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    user.refresh_from_db()
    assert user.preferred_language == "en"


def test_password_change_enforces_policy_and_sends_a_notice(logged_in, user, mailoutbox):
    url = "/en/accounts/password/change/"
    weak = logged_in.post(url, {"oldpassword": PASSWORD, "password1": "nospecials12", "password2": "nospecials12"})
    assert "Add an upper-case letter." in weak.content.decode()
    response = logged_in.post(
        url, {"oldpassword": PASSWORD, "password1": "Fjord-Lantern-93!", "password2": "Fjord-Lantern-93!"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Fjord-Lantern-93!")
    [notice] = mailoutbox
    assert notice.to == [user.email]
    assert notice.subject == "Your password has been changed"
    assert "text/html" in notice.alternatives[0][1]


def test_email_change_by_code(logged_in, user, mailoutbox):
    response = logged_in.post("/en/accounts/email/", {"email": "new.address@example.org", "action_add": ""})
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"
    [mail] = mailoutbox
    assert mail.to == ["new.address@example.org"]
    user.refresh_from_db()
    assert user.email != "new.address@example.org", "not before the new address is confirmed"
    logged_in.post("/en/accounts/confirm-email/", {"code": code_in(mail)})
    user.refresh_from_db()
    assert user.email == "new.address@example.org"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == ["new.address@example.org"]
    notice = mailoutbox[-1]
    assert notice.subject == "Your e-mail address has been changed"
    assert notice.to != ["new.address@example.org"], "the old address hears about it"


def test_email_change_page_in_french(logged_in):
    page = logged_in.get("/fr/accounts/email/").content.decode()
    assert "Votre adresse e-mail" in page


def test_staff_and_editors_are_groups_with_permissions():
    editors = Group.objects.get(name="Editors")
    staff = Group.objects.get(name="Staff")
    editor_perms = set(editors.permissions.values_list("content_type__app_label", "codename"))
    assert ("downloads", "change_video") in editor_perms
    assert ("newsroom", "add_article") in editor_perms
    staff_perms = set(staff.permissions.values_list("content_type__app_label", "codename"))
    assert ("accounts", "change_user") in staff_perms
    assert ("accounts", "delete_user") not in staff_perms
    # Staff correct content but never publish it.
    assert ("newsroom", "change_article") in staff_perms and ("newsroom", "publish_article") not in staff_perms
    editor = UserFactory(is_staff=True)
    editor.groups.add(editors)
    assert editor.has_perm("downloads.change_video") and not editor.is_superuser
    assert not editor.has_perm("accounts.change_user")


# --- Odd and hostile input: a 4xx with a message, never a 500 ---


@pytest.mark.parametrize("field", ["full_name", "organisation", "job_title", "country", "preferred_language"])
def test_odd_profile_values_never_cause_a_server_error(browser_client, django_user_model, field):
    user = django_user_model.objects.create_user("ana@example.org", "x", full_name="Ana", organisation="Daily")
    browser_client.force_login(user)
    base = {"full_name": "Ana", "organisation": "Daily", "job_title": "", "country": "", "preferred_language": "en"}
    response = browser_client.post("/fr/account/", {**base, field: f"Ana{NUL}"})
    assert response.status_code == 400
    user.refresh_from_db()
    assert (user.full_name, user.organisation) == ("Ana", "Daily")
    assert server_errors(browser_client, "post", "/en/account/", [{**base, field: v} for v in ODD_VALUES]) == []


def test_a_nul_byte_in_the_profile_gets_the_fields_message_in_french(browser_client, django_user_model):
    browser_client.force_login(django_user_model.objects.create_user("ana@example.org", "x"))
    response = browser_client.post(
        "/fr/account/", {"full_name": f"Ana{NUL}", "organisation": "Daily", "preferred_language": "fr"}
    )
    assert response.status_code == 400
    assert "Le caractère nul n’est pas autorisé." in response.content.decode()
