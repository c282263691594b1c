"""The account page, and the three places the portal extends allauth's reset
by code: the code page learns when "Send a new code" may be used, the resend
itself, and the final page that leads back to where the person started.
Everything else is allauth's own views, restyled in ``templates/account/``."""

from allauth.account.utils import get_next_redirect_url, passthrough_next_redirect_url
from allauth.account.views import (
    CompletePasswordResetView,
    ConfirmPasswordResetCodeView,
    PasswordResetFromKeyDoneView,
)
from allauth.core.exceptions import RateLimited
from allauth.core.ratelimit import respond_429
from allauth.decorators import rate_limit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required, login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import services
from .forms import ProfileForm


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        with translation.override(user.preferred_language):
            messages.success(request, _("Your profile has been saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form}, status=400 if form.errors else 200)


def _with_next(request, url: str) -> str:
    return passthrough_next_redirect_url(request, url, REDIRECT_FIELD_NAME)


@method_decorator(rate_limit(action="confirm_password_reset_code"), name="dispatch")
class ConfirmResetCodeView(ConfirmPasswordResetCodeView):
    """allauth's code entry, rate-limited per IP, with the wait before
    "Send a new code" and, after the third wrong code, a way to start over.

    Every try is counted on the server before the code is compared (per code
    and per address, ``services.password_reset_code_try``): allauth keeps
    its count in the session, which parallel requests each read as fresh."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["resend_wait"] = services.password_reset_code_resend_wait(state=self._process.state)
        return context

    def post(self, request, *args, **kwargs):
        try:
            self._code_tries = services.password_reset_code_try(state=self._process.state)
        except services.CodeTriesExhausted:
            return self._start_over()
        except services.AccountTriesExhausted:
            messages.error(request, _("Too many codes were tried for this address. Please try again in an hour."))
            # An unbound form: binding the typed code would compare it.
            form = self.get_form_class()(code="")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        attempts_left = self._process.record_invalid_attempt()
        if attempts_left and self._code_tries < settings.ACCOUNT_PASSWORD_RESET_BY_CODE_MAX_ATTEMPTS:
            return self.render_to_response(self.get_context_data(form=form), status=400)
        return self._start_over()

    def _start_over(self):
        self._process.abort()
        messages.error(self.request, _("That code no longer works after three wrong tries. Ask for a new one."))
        return HttpResponseRedirect(_with_next(self.request, reverse("account_reset_password")))


@login_not_required
@require_POST
def resend_password_reset_code(request):
    """ "Didn't receive a code? Send a new code" on the code page."""
    try:
        email = services.password_reset_code_resend(request=request)
    except services.ResetFlowMissing:
        messages.error(request, _("Your reset request has expired. Please enter your e-mail address again."))
        return HttpResponseRedirect(_with_next(request, reverse("account_reset_password")))
    except services.ResendTooSoon as exc:
        messages.error(
            request,
            ngettext(
                "Please wait %(seconds)d second before asking for a new code.",
                "Please wait %(seconds)d seconds before asking for a new code.",
                exc.wait,
            )
            % {"seconds": exc.wait},
        )
    except RateLimited:
        return respond_429(request)
    else:
        messages.success(
            request, _("A new code is on its way to %(email)s. Earlier codes no longer work.") % {"email": email}
        )
    return HttpResponseRedirect(_with_next(request, reverse("account_confirm_password_reset_code")))


class CompleteResetView(CompletePasswordResetView):
    """allauth would jump straight to ``next`` once the password is set; the
    portal shows the final page first (no automatic login), carrying ``next``."""

    def get_success_url(self):
        return _with_next(self.request, reverse("account_password_reset_completed"))


class ResetCompletedView(PasswordResetFromKeyDoneView):
    """ "Your password has been changed", with a button back to the page the
    person was on when they asked for the reset (only a path on this site)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["return_url"] = get_next_redirect_url(self.request) or settings.LOGIN_REDIRECT_URL
        context["login_url"] = _with_next(self.request, reverse("account_login"))
        return context
