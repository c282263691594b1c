"""The reset code travels through a real Celery worker (``mail`` queue) and a
real SMTP server, in the recipient's language, as HTML and plain text."""

import pytest

from .conftest import code_in
from .factories import UserFactory

pytestmark = pytest.mark.worker


def parts(message) -> dict:
    return {p.get_content_type(): p.get_content() for p in message.walk() if not p.is_multipart()}


def test_code_delivered_in_french_then_resent(celery_worker, smtp_server, client, settings):
    settings.PASSWORD_RESET_CODE_RESEND_WAIT = 0
    user = UserFactory(preferred_language="fr")
    # The request is in English; the mail follows the account's language.
    response = client.post("/en/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    first = smtp_server.wait_for(1)[0]
    assert first["To"] == user.email
    assert first["Subject"] == "Votre code de réinitialisation du mot de passe"
    body = parts(first)
    code = code_in(first)
    assert code in body["text/html"]
    assert body["text/plain"].startswith("Bonjour,")
    assert "valable 10 minutes" in body["text/plain"]
    assert '<html lang="fr">' in body["text/html"]

    client.post("/en/accounts/password/reset/resend/")
    second = smtp_server.wait_for(2)[1]
    new_code = code_in(second)
    assert new_code != code
    assert client.post("/en/accounts/password/reset/confirm/", {"code": code}).status_code == 400
    response = client.post("/en/accounts/password/reset/confirm/", {"code": new_code})
    assert response["Location"] == "/en/accounts/password/reset/complete/"
    client.post(
        "/en/accounts/password/reset/complete/",
        {"password1": "Fjord-Lantern-93!", "password2": "Fjord-Lantern-93!"},
    )
    notice = smtp_server.wait_for(3)[2]
    assert notice["Subject"] == "Votre mot de passe a été réinitialisé"
    assert "text/html" in parts(notice)
