from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from mediaportal.mail import queue_mail, render_mail


class AccountAdapter(DefaultAccountAdapter):
    """allauth's extension point: mail is rendered here, in the recipient's
    language, and queued on the ``mail`` queue instead of sent in the request."""

    def send_mail(self, template_prefix, email, context):
        from django.contrib.auth import get_user_model

        user = context.get("user") or get_user_model().objects.filter(email__iexact=email).first()
        language = getattr(user, "preferred_language", None) or translation.get_language()
        context = {**context, "email": email, "current_site": context.get("current_site")}
        rendered = render_mail(template_prefix=template_prefix, context=context, language=language)
        queue_mail(to=[email], **rendered)
