from allauth.account.adapter import DefaultAccountAdapter
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
