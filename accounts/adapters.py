from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit  # as allauth's own adapter does: usage that rolls back
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

from mediaportal.client_address import client_address
from mediaportal.mail import queue_mail, render_mail


class AccountAdapter(DefaultAccountAdapter):
    """allauth's extension point for the portal: mail is rendered here, in the
    recipient's language, and queued on the ``mail`` queue instead of sent in
    the request; redirect targets are limited to paths on this site."""

    def send_mail(self, template_prefix, email, context):
        user = context.get("user") or get_user_model().objects.filter(email__iexact=email).first()
        language = getattr(user, "preferred_language", None) or translation.get_language()
        context = {**context, "email": email, "site_url": settings.SITE_URL}
        rendered = render_mail(template_prefix=template_prefix, context=context, language=language)
        queue_mail(to=[email], **rendered)

    def _get_login_attempts_cache_key(self, request, **credentials):
        """Failed logins lock the account for one client only: five wrong
        passwords from one address stop that address trying this account for
        five minutes (``login_failed``), while the owner elsewhere still logs in."""
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{client_address(request)}"

    def pre_authenticate(self, request, **credentials):
        super().pre_authenticate(request, **credentials)
        # A ceiling per account over all clients (``login_failed_account``),
        # so many addresses together cannot try many passwords either.
        login = credentials.get("email", credentials.get("username", "")).lower()
        self._login_failed_account_usage = ratelimit.consume(
            request, app="allauth.account", action="login_failed_account", key=login
        )
        if not self._login_failed_account_usage:
            self._rollback_login_failed_rl_usage()
            raise self.validation_error("too_many_login_attempts")

    def _rollback_login_failed_rl_usage(self):
        super()._rollback_login_failed_rl_usage()
        usage = getattr(self, "_login_failed_account_usage", None)
        if usage:
            usage.rollback()
            self._login_failed_account_usage = None

    def get_client_ip(self, request):
        """The address allauth's rate limits are keyed on: the portal's one
        rule for it, which knows the trusted proxies."""
        return client_address(request)

    def is_safe_url(self, url):
        """Only a path on this site (``/en/videos/x/``), never another host:
        not ``https://evil.example``, ``//evil.example``, ``/\\evil.example``
        nor ``javascript:``. Blank and control characters, which browsers
        strip or reinterpret, are refused outright."""
        if not url or not url.startswith("/") or url.startswith(("//", "/\\")):
            return False
        if any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in url):
            return False
        return super().is_safe_url(url)
