"""Account writes: the profile, the roles, and "Send a new code" for the
password reset, which allauth 65 has for e-mail verification and login codes
but not for reset codes."""

import math
import time

from allauth.account.internal.flows.password_reset_by_code import PasswordResetVerificationProcess
from allauth.core import ratelimit
from allauth.core.exceptions import RateLimited
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.http import HttpRequest

from .models import User
from .roles import roles_apply


class ResetFlowMissing(Exception):
    """No reset code is waiting to be typed in this session (never asked,
    expired, confirmed already, or killed by three wrong tries)."""


class ResendTooSoon(Exception):
    def __init__(self, wait: int):
        super().__init__(wait)
        self.wait = wait


def password_reset_code_resend_wait(*, state: dict) -> int:
    """Seconds before a new code may be sent for this reset flow (0: now).
    Counted from the last code sent, which allauth records as ``at``."""
    elapsed = time.time() - state["at"]
    return max(0, math.ceil(settings.PASSWORD_RESET_CODE_RESEND_WAIT - elapsed))


def password_reset_code_resend(*, request: HttpRequest) -> str:
    """Send a fresh code to the address already in this session's reset flow
    and return that address.

    Built on allauth's own flow: it re-initiates the reset for the same
    address, so allauth makes the code, mails it through the adapter (the
    "unknown account" mail for an address with no account, as on the first
    request) and replaces the flow state, which kills the old code and gives
    the new one a full timeout and three tries. Every resend also spends the
    ``reset_password`` rate limit for the address, like the first request."""
    process = PasswordResetVerificationProcess.resume(request)
    if process is None or process.state.get("code_confirmed"):
        raise ResetFlowMissing
    wait = password_reset_code_resend_wait(state=process.state)
    if wait:
        raise ResendTooSoon(wait)
    email = process.state["email"]
    if not ratelimit.consume(request, action="reset_password", key=email.lower()):
        raise RateLimited
    PasswordResetVerificationProcess.initiate(request=request, user=process.user, email=email)
    return email


def user_profile_update(
    *, user: User, full_name: str, organisation: str, job_title: str, country: str, preferred_language: str
) -> User:
    user.full_name = full_name.strip()
    user.organisation = organisation.strip()
    user.job_title = job_title.strip()
    user.country = country.strip()
    user.preferred_language = preferred_language
    user.save(update_fields=["full_name", "organisation", "job_title", "country", "preferred_language"])
    return user


def roles_sync() -> None:
    """Create the Staff and Editors groups with exactly the permissions of
    ``accounts.roles`` (idempotent)."""
    roles_apply(group_model=Group, permission_model=Permission)
