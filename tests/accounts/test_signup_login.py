"""Sign-up with a code, log in, log out: each keeps ``next``."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY

from accounts.models import User

from .conftest import code_in
from .factories import PASSWORD

pytestmark = pytest.mark.django_db

SIGNUP = "/en/accounts/signup/"
LOGIN = "/en/accounts/login/"
VERIFY = "/en/accounts/confirm-email/"
VIDEO = "/en/videos/summit-opening/"
PROFILE = {
    "full_name": "Amina Diallo",
    "organisation": "Radio Sahel",
    "job_title": "Reporter",
    "country": "Senegal",
    "preferred_language": "fr",
}


def signup(client, **overrides):
    data = {
        "email": "Amina.Diallo@Example.org",
        "password1": "Fjord-Lantern-93!",
        "password2": "Fjord-Lantern-93!",
        "next": VIDEO,
        **PROFILE,
        **overrides,
    }
    return client.post(f"{SIGNUP}?next={VIDEO}", data)


def test_signup_verifies_the_address_by_code_then_returns_to_next(client, mailoutbox):
    response = signup(client)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert SESSION_KEY not in client.session, "no access before the address is confirmed"
    user = User.objects.get()
    assert user.email == "amina.diallo@example.org"
    assert (user.full_name, user.organisation, user.preferred_language) == ("Amina Diallo", "Radio Sahel", "fr")
    [mail] = mailoutbox
    assert mail.subject == "Confirmez votre adresse e-mail", "in the language chosen at sign-up"
    page = client.get(response["Location"])
    assert "amina.diallo@example.org" in page.content.decode()

    wrong = client.post(VERIFY, {"code": "0000-0000"})
    assert wrong.status_code == 200 and SESSION_KEY not in client.session
    response = client.post(VERIFY, {"code": code_in(mail), "next": VIDEO})
    assert response.status_code == 302 and response["Location"] == VIDEO
    assert EmailAddress.objects.get(user=user).verified
    assert int(client.session[SESSION_KEY]) == user.pk


def test_signup_lists_every_unmet_password_rule(client, mailoutbox):
    response = signup(client, password1="weak pass", password2="weak pass")
    assert response.status_code == 200
    text = response.content.decode()
    for message in [
        "Use at least 12 characters.",
        "Do not use spaces, tabs or other blank characters.",
        "Add an upper-case letter.",
        "Add a digit.",
        "Add a symbol, such as ! ? # or -.",
    ]:
        assert message in text
    assert not User.objects.exists() and mailoutbox == []


def test_signup_page_shows_the_password_checklist_and_its_script(client):
    page = client.get(SIGNUP).content.decode()
    assert 'data-password-rules-for="id_password1"' in page
    assert 'aria-describedby="id_password1-rules"' in page
    assert '<li data-rule="symbol">' in page
    assert "/static/accounts/account-forms.js" in page
    assert "<script>" not in page, "the CSP forbids inline scripts"


def test_signup_with_a_registered_address_reveals_nothing(client, user, mailoutbox):
    response = signup(client, email=user.email.upper())
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert User.objects.count() == 1
    assert mailoutbox[0].to == [user.email]
    assert mailoutbox[0].subject == "You already have a Media Portal account"


def test_signup_is_rate_limited_with_a_clear_page(client):
    statuses = [signup(client, email=f"p{n}@example.org").status_code for n in range(11)]
    assert statuses[-1] == 429
    page = signup(client, email="late@example.org")
    assert page.status_code == 429
    assert "Too many attempts" in page.content.decode()


def test_login_returns_to_next_and_logout_works(client, user):
    page = client.get(LOGIN, {"next": VIDEO}).content.decode()
    assert f'name="next" value="{VIDEO}"' in page
    assert 'href="/en/accounts/password/reset/?next=%2Fen%2Fvideos%2Fsummit-opening%2F"' in page
    response = client.post(LOGIN, {"login": user.email.upper(), "password": PASSWORD, "next": VIDEO})
    assert response.status_code == 302 and response["Location"] == VIDEO
    assert int(client.session[SESSION_KEY]) == user.pk
    response = client.post("/en/accounts/logout/")
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_wrong_password_is_refused_then_rate_limited(client, user):
    for _ in range(5):
        response = client.post(LOGIN, {"login": user.email, "password": "Wrong-Pass-2026!"})
        assert response.status_code == 200
        assert "not correct" in response.content.decode()
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert SESSION_KEY not in client.session
    assert "Too many failed login attempts" in response.content.decode()


@pytest.mark.parametrize(
    "hostile", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)"]
)
def test_login_never_redirects_off_site(client, user, hostile):
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD, "next": hostile})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_login_page_in_french(client):
    page = client.get("/fr/accounts/login/").content.decode()
    assert "Se connecter" in page
    assert "Mot de passe oublié ?" in page


def test_disabled_account_is_told_so(client, user):
    user.is_active = False
    user.save()
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD}, follow=True)
    assert SESSION_KEY not in client.session
    assert "This account has been disabled." in response.content.decode()


def test_every_aria_describedby_names_an_element_on_the_page(client):
    import re

    response = signup(client, email="not an address", password1="weak pass", password2="other")
    page = response.content.decode()
    described = [i for value in re.findall(r'aria-describedby="([^"]+)"', page) for i in value.split()]
    assert "id_email_error" in described and "id_password1_error" in described
    missing = [i for i in described if f'id="{i}"' not in page]
    assert missing == []
