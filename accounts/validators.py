"""The portal's password policy: one validator, configured in
``AUTH_PASSWORD_VALIDATORS`` so it holds wherever Django checks a password
(sign-up, reset, change, admin, ``createsuperuser``).

Characters are classified by their Unicode category, the same way the live
checklist (``accounts/static/accounts/account-forms.js``) does in the browser,
so the checklist and the server agree:

- upper-case letter: ``Lu`` or ``Lt`` (``A``, ``É``, ``Ж``);
- lower-case letter: ``Ll`` (``a``, ``é``, ``ß``);
- digit: ``Nd``, a decimal digit of any script (``7``, ``٣``), not ``²``;
- symbol: punctuation ``P*`` or symbol ``S*`` (``!``, ``-``, ``«``, ``€``,
  ``+``, ``©``, emoji);
- blank (refused): separators ``Z*``, any whitespace, control and format
  characters (space, tab, no-break space, zero-width space).
"""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.password_validation import CommonPasswordValidator as DjangoCommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

MIN_LENGTH = 12


def _category(char: str) -> str:
    return unicodedata.category(char)


def is_blank(char: str) -> bool:
    return char.isspace() or _category(char)[0] == "Z" or _category(char) in ("Cc", "Cf")


def is_upper(char: str) -> bool:
    return _category(char) in ("Lu", "Lt")


def is_lower(char: str) -> bool:
    return _category(char) == "Ll"


def is_digit(char: str) -> bool:
    return _category(char) == "Nd"


def is_symbol(char: str) -> bool:
    return _category(char)[0] in "PS"


@dataclass(frozen=True)
class Rule:
    """One rule of the policy: ``met(password)`` says whether it holds;
    ``label`` is the checklist line, ``message`` the error when it fails."""

    code: str
    met: Callable[[str], bool]
    label: Promise
    message: Promise


RULES = [
    Rule(
        "length",
        lambda p: len(p) >= MIN_LENGTH,
        ngettext_lazy("At least %(min)d character", "At least %(min)d characters", "min"),
        ngettext_lazy("Use at least %(min)d character.", "Use at least %(min)d characters.", "min"),
    ),
    Rule(
        "blank",
        lambda p: not any(is_blank(c) for c in p),
        _("No spaces, tabs or other blank characters"),
        _("Do not use spaces, tabs or other blank characters."),
    ),
    Rule(
        "upper",
        lambda p: any(is_upper(c) for c in p),
        _("An upper-case letter"),
        _("Add an upper-case letter."),
    ),
    Rule(
        "lower",
        lambda p: any(is_lower(c) for c in p),
        _("A lower-case letter"),
        _("Add a lower-case letter."),
    ),
    Rule("digit", lambda p: any(is_digit(c) for c in p), _("A digit"), _("Add a digit.")),
    Rule(
        "symbol",
        lambda p: any(is_symbol(c) for c in p),
        _("A symbol, such as ! ? # or -"),
        _("Add a symbol, such as ! ? # or -."),
    ),
]


def unmet_rules(password: str) -> list[Rule]:
    """Every rule of the policy the password breaks, in checklist order."""
    return [rule for rule in RULES if not rule.met(password)]


class PasswordPolicyValidator:
    """At least ``MIN_LENGTH`` characters, no blanks, an upper-case and a
    lower-case letter, a digit and a symbol. A rejected password gets every
    unmet rule listed at once."""

    def validate(self, password, user=None):
        problems = unmet_rules(password)
        if problems:
            raise ValidationError(
                [
                    ValidationError(rule.message, code=f"password_policy_{rule.code}", params={"min": MIN_LENGTH})
                    for rule in problems
                ]
            )

    def get_help_text(self):
        return _(
            "At least %(min)d characters, no spaces, with upper- and lower-case letters, a digit and a symbol."
        ) % {"min": MIN_LENGTH}

    @staticmethod
    def checklist() -> list[dict]:
        """The rules as the form's live checklist shows them."""
        return [{"code": rule.code, "label": str(rule.label % {"min": MIN_LENGTH})} for rule in RULES]


# Digits and symbols swapped for letters ("P@ssw0rd"), read back as letters.
_LEET = str.maketrans({"@": "a", "4": "a", "3": "e", "0": "o", "$": "s", "5": "s", "7": "t", "1": "i", "!": "i"})
PORTAL_PASSWORD_LIST = Path(__file__).resolve().parent / "data" / "portal-passwords.txt"


def _cores(password: str) -> set[str]:
    """What a password is made of once the decorations people add to pass a
    policy are taken off: upper case, digits and symbols at either end, and
    letter-like digits inside (``Password123!``, ``P@ssw0rd2026``,
    ``!Summer24`` are all a common word)."""
    lowered = password.lower().strip()
    core = "".join(lowered).strip("".join({c for c in lowered if not c.isalpha()}))
    leet = core.translate(_LEET)
    return {text for text in (lowered, core, leet, leet.replace("i", "l")) if text}


class CommonPasswordValidator(DjangoCommonPasswordValidator):
    """Django's bundled list of 20,000 passwords seen most in breaches, plus
    the portal's own words (``data/portal-passwords.txt``), matched also
    after taking off the digits and symbols added to a word: the policy
    above makes people write ``Password123!``, which the plain list misses.
    No network: both lists ship with the code."""

    def __init__(self):
        super().__init__()
        extra = PORTAL_PASSWORD_LIST.read_text().splitlines()
        self.passwords = self.passwords | {line.strip() for line in extra if line.strip() and not line.startswith("#")}

    def validate(self, password, user=None):
        if _cores(password) & self.passwords:
            raise ValidationError(
                _("This password is too common: a word from breached-password lists, with digits or symbols added."),
                code="password_too_common",
            )

    def get_help_text(self):
        return _("Not a common password, even with digits or symbols added.")
