"""The password policy on each boundary, and wherever Django checks passwords."""

import io

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from accounts.validators import PasswordPolicyValidator

GOOD = "Abcdefgh1234!"  # 13 characters, every class


def codes(password: str) -> set[str]:
    try:
        PasswordPolicyValidator().validate(password)
    except ValidationError as exc:
        return {error.code.removeprefix("password_policy_") for error in exc.error_list}
    return set()


@pytest.mark.parametrize(
    "password, unmet",
    [
        (GOOD, set()),
        ("Abcdefgh12!", {"length"}),  # 11
        ("Abcdefgh123!", set()),  # 12
        ("Abcdef gh123!", {"blank"}),
        ("Abcdef\tgh123!", {"blank"}),
        ("Abcdef\u00a0gh123!", {"blank"}),  # no-break space
        ("Abcdef\u200bgh123!", {"blank"}),  # zero-width space
        ("abcdefgh1234!", {"upper"}),
        ("ABCDEFGH1234!", {"lower"}),
        ("Abcdefghijkl!", {"digit"}),
        ("Abcdefgh12345", {"symbol"}),
        ("", {"length", "upper", "lower", "digit", "symbol"}),
        ("short pass", {"length", "blank", "upper", "digit", "symbol"}),
    ],
)
def test_each_rule_on_its_boundary(password, unmet):
    assert codes(password) == unmet


@pytest.mark.parametrize(
    "password, unmet",
    [
        ("Écoledumonde7!", set()),  # É is an upper-case letter
        ("ÉCOLEDUMONDE7!", {"lower"}),
        ("STRAßENBAHN77!", set()),  # ß is a lower-case letter
        ("Жжжжжжжжжжж7!", set()),  # Cyrillic letters count
        ("Abcdefgh١٢٣!", set()),  # Arabic-Indic digits are digits
        ("Abcdefghijk²!", {"digit"}),  # a superscript is not a digit
        ("Abcdefgh1234€", set()),  # currency sign is a symbol
        ("Abcdefgh1234«", set()),  # French quote is a symbol
        ("Abcdefgh1234😀", set()),  # emoji is a symbol
        ("Abcdefgh1234é", {"symbol"}),  # an accented letter is not a symbol
        ("中文密码Abcdefgh1!", set()),  # uncased letters count towards length only
    ],
)
def test_non_ascii_characters(password, unmet):
    assert codes(password) == unmet


def test_every_unmet_rule_is_listed_in_the_users_language():
    with translation.override("fr"):
        with pytest.raises(ValidationError) as exc:
            PasswordPolicyValidator().validate("abc")
        messages = exc.value.messages
    assert len(messages) == 4
    assert "Utilisez au moins 12 caractères." in messages
    assert "Ajoutez une lettre majuscule." in messages


@pytest.mark.django_db
def test_policy_holds_for_all_django_password_checks(django_user_model):
    # Configured in AUTH_PASSWORD_VALIDATORS, next to Django's own checks.
    with pytest.raises(ValidationError) as exc:
        validate_password("abcdefgh")
    assert "Use at least 12 characters." in exc.value.messages
    user = django_user_model(email="claire.dubois@example.org", full_name="Claire Dubois")
    with pytest.raises(ValidationError) as exc:
        validate_password("Claire.Dubois2026", user=user)
    assert any("too similar" in message for message in exc.value.messages)
    with pytest.raises(ValidationError) as exc:
        validate_password("Mega_Pizdetz666")
    assert any("too common" in message for message in exc.value.messages)
    validate_password("Fjord-Lantern-93!", user=user)


class _Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.django_db
def test_createsuperuser_refuses_a_weak_password(monkeypatch, django_user_model):
    answers = iter(["boss@example.org", "n"])  # e-mail, then "bypass validation?" no
    passwords = iter(["weak pass", "weak pass", "Fjord-Lantern-93!", "Fjord-Lantern-93!"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(passwords))
    stderr = io.StringIO()
    call_command("createsuperuser", interactive=True, stdin=_Terminal(), stdout=io.StringIO(), stderr=stderr)
    assert "Use at least 12 characters." in stderr.getvalue()
    assert "Do not use spaces, tabs or other blank characters." in stderr.getvalue()
    boss = django_user_model.objects.get(email="boss@example.org")
    assert boss.check_password("Fjord-Lantern-93!")


def test_checklist_matches_the_rules():
    assert [item["code"] for item in PasswordPolicyValidator.checklist()] == [
        "length",
        "blank",
        "upper",
        "lower",
        "digit",
        "symbol",
    ]
    assert PasswordPolicyValidator.checklist()[0]["label"] == "At least 12 characters"
