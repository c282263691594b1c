"""The admin's user forms follow the portal's user model and password policy."""

import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db

ADD = "/admin/accounts/user/add/"


@pytest.fixture
def admin_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser(email="root@example.org", password="Root-Pass-2026!")
    client.force_login(admin)
    return client


def test_adding_a_user_in_the_admin_applies_the_policy(admin_client):
    weak = admin_client.post(
        ADD, {"email": "new@example.org", "password1": "weakpass", "password2": "weakpass", "usable_password": "true"}
    )
    assert weak.status_code == 200
    text = weak.content.decode()
    assert "Use at least 12 characters." in text and "Add a symbol" in text
    assert not User.objects.filter(email="new@example.org").exists()
    strong = admin_client.post(
        ADD,
        {
            "email": "New@Example.org",
            "password1": "Fjord-Lantern-93!",
            "password2": "Fjord-Lantern-93!",
            "usable_password": "true",
        },
    )
    assert strong.status_code == 302
    assert User.objects.get(email="new@example.org").check_password("Fjord-Lantern-93!")


def test_admin_password_change_applies_the_policy(admin_client, user):
    url = f"/admin/accounts/user/{user.pk}/password/"
    weak = admin_client.post(url, {"password1": "short", "password2": "short", "usable_password": "true"})
    assert "Use at least 12 characters." in weak.content.decode()
    admin_client.post(
        url, {"password1": "Fjord-Lantern-93!", "password2": "Fjord-Lantern-93!", "usable_password": "true"}
    )
    user.refresh_from_db()
    assert user.check_password("Fjord-Lantern-93!")


# --- Odd and hostile input: a 4xx with a message, never a 500 ---


def test_a_duplicate_account_address_in_another_case_gets_a_human_message(staff_client, django_user_model):
    django_user_model.objects.create_user("ana@example.org", "x")
    response = staff_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "ANA@EXAMPLE.ORG",
            "password1": "Long-Enough-Pass-42",
            "password2": "Long-Enough-Pass-42",
            "usable_password": "true",
        },
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 200
    assert "Un compte existe déjà avec cette adresse e-mail." in response.content.decode()
    assert "accounts_user_email_ci_unique" not in response.content.decode()
