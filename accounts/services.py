"""Account writes: the profile, the roles, and "Send a new code" for the
password reset, which allauth 65 has for e-mail verification and login codes
but not for reset codes."""

import hashlib
import math
import time
from datetime import timedelta

from allauth.account.internal.flows.password_reset_by_code import PasswordResetVerificationProcess
from allauth.core import ratelimit
from allauth.core.exceptions import RateLimited
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from .models import AttemptCounter, User
from .roles import roles_apply


class ResetFlowMissing(Exception):
    """No reset code is waiting to be typed in this session (never asked,
    expired, confirmed already, or killed by three wrong tries)."""


class CodeTriesExhausted(Exception):
    """This reset code has had its three tries: it no longer works."""


class AccountTriesExhausted(Exception):
    """Too many reset codes were typed for this address in the last hour."""


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


def attempt_count(*, key: str, window: int) -> int:
    """Count one more try of ``key`` and return the tries in the current
    window of ``window`` seconds, this one included (a window that has ended
    starts again at 1). One SQL statement, so parallel requests each get their
    own number and none reads a count another is about to change."""
    now = timezone.now()
    table = connection.ops.quote_name(AttemptCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (key, count, window_ends) VALUES (%s, 1, %s)
            ON CONFLICT (key) DO UPDATE SET
                count = CASE WHEN {table}.window_ends <= %s THEN 1 ELSE {table}.count + 1 END,
                window_ends = CASE WHEN {table}.window_ends <= %s
                    THEN EXCLUDED.window_ends ELSE {table}.window_ends END
            RETURNING count
            """,  # noqa: S608 (the table name is ours, every value is a parameter)
            [key, now + timedelta(seconds=window), now, now],
        )
        return cursor.fetchone()[0]


def attempt_counters_expire() -> int:
    """Delete the counters whose window has ended; returns how many."""
    deleted, _ = AttemptCounter.objects.filter(window_ends__lte=timezone.now()).delete()
    return deleted


def _digest(*parts) -> str:
    return hashlib.sha256("\0".join(str(part) for part in parts).encode()).hexdigest()


def password_reset_code_try(*, state: dict) -> int:
    """Spend one try of this flow's code, and one of its address's hourly
    allowance, before the code is compared; return the code's tries so far.

    The counts live in the database, not in the session, so parallel
    requests with wrong codes cannot each see "no wrong tries yet": the
    fourth try of a code is refused whatever it holds, the right code too."""
    email = state["email"].lower()
    account_tries = attempt_count(key=f"reset-account:{_digest(email)}", window=60 * 60)
    code_tries = attempt_count(
        key=f"reset-code:{_digest(email, state.get('code', ''), state['at'])}",
        window=settings.ACCOUNT_PASSWORD_RESET_BY_CODE_TIMEOUT,
    )
    if account_tries > settings.PASSWORD_RESET_CODE_TRIES_PER_ACCOUNT:
        raise AccountTriesExhausted
    if code_tries > settings.ACCOUNT_PASSWORD_RESET_BY_CODE_MAX_ATTEMPTS:
        raise CodeTriesExhausted
    return code_tries


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
