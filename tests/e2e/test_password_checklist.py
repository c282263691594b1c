"""The live checklist in the browser and the server's validator agree, rule
by rule, on odd passwords (non-ASCII letters and digits, symbols, blanks)."""

import pytest

from accounts.validators import RULES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORDS = [
    "Abcdefgh123!",
    "Abcdefgh12!",
    "abc",
    "Écoledumonde7!",
    "STRAßENBAHN77!",
    "Abcdefgh١٢٣!",
    "Abcdefghijk²!",
    "Abcdefgh1234€",
    "Abcdefgh1234«",
    "Abcdefgh1234😀",
    "Abcdef\tgh123!",
    "Abcdef\u00a0gh123!",
    "Abcdef\u200bgh123!",
    "中文密码Abcdefgh1!",
    "ǅabcdefgh123!",
]


def test_checklist_matches_the_server(live_server, page):
    page.goto(f"{live_server.url}/en/accounts/signup/")
    field = page.locator("#id_password1")
    for password in PASSWORDS:
        field.fill(password)
        field.dispatch_event("input")
        in_browser = set(
            page.locator(".password-rules li.met").evaluate_all("items => items.map(item => item.dataset.rule)")
        )
        on_server = {rule.code for rule in RULES if rule.met(password)}
        assert in_browser == on_server, password
