from allauth.account.utils import get_next_redirect_url
from django import template
from django.conf import settings

from accounts.validators import MIN_LENGTH, PasswordPolicyValidator

register = template.Library()


@register.simple_tag
def password_rules() -> dict:
    """The password policy as the live checklist shows it."""
    return {"min_length": MIN_LENGTH, "items": PasswordPolicyValidator.checklist()}


@register.simple_tag
def password_input(field):
    """The new-password input, described by its checklist (and its errors, under
    the id Django's own widgets point at) for screen readers."""
    described_by = [f"{field.auto_id}-rules"] + ([f"{field.auto_id}_error"] if field.errors else [])
    return field.as_widget(attrs={"aria-describedby": " ".join(described_by)})


@register.simple_tag(takes_context=True)
def safe_next(context) -> str:
    """``next`` from the request if it is a path on this site, else ''."""
    request = context.get("request")
    return (request and get_next_redirect_url(request)) or ""


@register.simple_tag(takes_context=True)
def with_next(context, url: str) -> str:
    """``url`` with this request's ``next`` carried on, if it is safe."""
    from django.utils.http import urlencode

    next_url = safe_next(context)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


@register.simple_tag
def code_input(field):
    """A code input that brings up the digit keypad on phones when codes are
    digits (allauth ignores the dash and spaces people type or leave out)."""
    attrs = {"inputmode": "numeric"} if settings.ALLAUTH_USER_CODE_FORMAT.get("numeric") else {}
    return field.as_widget(attrs=attrs)
