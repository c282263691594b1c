import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MIN_LENGTH = 12


def is_symbol(char: str) -> bool:
    """A symbol is any printable character that is neither a letter, a digit
    nor whitespace: punctuation (``!``, ``-``, ``«``), currency (``€``),
    maths (``+``) and other symbols (``©``, emoji)."""
    category = unicodedata.category(char)
    return category[0] in "PS"


def unmet_rules(password: str) -> list[str]:
    """Every rule of the policy the password breaks, as messages for people."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(
            ngettext(
                "Use at least %(min)d character.", "Use at least %(min)d characters.", MIN_LENGTH
            )
            % {"min": MIN_LENGTH}
        )
    if any(c.isspace() for c in password):
        problems.append(_("Do not use spaces or other blank characters."))
    if not any(c.isupper() for c in password):
        problems.append(_("Add an upper-case letter."))
    if not any(c.islower() for c in password):
        problems.append(_("Add a lower-case letter."))
    if not any(c.isdigit() for c in password):
        problems.append(_("Add a digit."))
    if not any(is_symbol(c) for c in password):
        problems.append(_("Add a symbol, such as ! ? # or -."))
    return problems


class PasswordPolicyValidator:
    """The portal's password policy, applied everywhere Django validates
    passwords (sign-up, reset, change, admin, createsuperuser)."""

    def validate(self, password, user=None):
        problems = unmet_rules(password)
        if problems:
            raise ValidationError([ValidationError(p, code="password_policy") for p in problems])

    def get_help_text(self):
        return _(
            "At least %(min)d characters, no spaces, with upper- and lower-case letters, "
            "digits and symbols."
        ) % {"min": MIN_LENGTH}
