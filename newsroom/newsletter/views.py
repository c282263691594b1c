from allauth.decorators import rate_limit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import SubscribeForm
from .tokens import InvalidToken


def _invalid_link(request):
    return render(request, "newsletter/invalid_link.html", status=400)


def _safe_next(request, url: str | None) -> str | None:
    """``url`` if it is a path on this site (``/...``), else None."""
    if (
        url
        and url.startswith("/")
        and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    ):
        return url
    return None


# Per client (ACCOUNT_RATE_LIMITS["newsletter_subscribe"]): each sign-up
# mails a confirmation to the address typed, so one client must not mail many.
@rate_limit(action="newsletter_subscribe")
def subscribe(request):
    """The form in every page's footer posts here; GET shows it on its own."""
    form = SubscribeForm(request.POST or None, initial={"language": get_language()})
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "newsletter/subscribe.html", {"form": form}, status=400)
        origin = f"web form on {_safe_next(request, form.cleaned_data['next']) or request.path}"[:255]
        services.subscriber_subscribe(
            email=form.cleaned_data["email"],
            language=form.cleaned_data["language"],
            origin=origin,
            user=request.user if request.user.is_authenticated else None,
        )
        # The same answer whether the address is new, pending or subscribed already.
        return redirect("newsletter:subscribe_done")
    return render(request, "newsletter/subscribe.html", {"form": form})


def subscribe_done(request):
    return render(request, "newsletter/subscribe_done.html")


def confirm(request, token):
    """GET shows a button (link scanners in mail systems open links too);
    the POST is the subscriber's consent."""
    if request.method == "POST":
        try:
            services.subscriber_confirm(token=token)
        except InvalidToken:
            return _invalid_link(request)
        return render(request, "newsletter/confirmed.html")
    return render(request, "newsletter/confirm.html")


@csrf_exempt
def unsubscribe(request, token):
    """RFC 8058 one-click: mail clients POST ``List-Unsubscribe=One-Click``
    here without cookies, so no login or CSRF token; the signed token is the
    proof. A GET (a link scanner, or a reader's click) only asks."""
    try:
        subscriber = services.subscriber_from_unsubscribe_token(token=token)
    except InvalidToken:
        return _invalid_link(request)
    if request.method == "POST":
        services.subscriber_unsubscribe(subscriber=subscriber)
        return render(request, "newsletter/unsubscribed.html", {"subscriber": subscriber, "token": token})
    return render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber})


@require_POST
def resubscribe(request, token):
    try:
        subscriber = services.subscriber_from_unsubscribe_token(token=token)
    except InvalidToken:
        return _invalid_link(request)
    services.subscriber_resubscribe(subscriber=subscriber, origin="resubscribe link in unsubscribe page")
    return render(request, "newsletter/confirmed.html")


@login_required
@require_POST
def account_toggle(request):
    subscribe = request.POST.get("subscribe") == "1"
    services.subscriber_toggle_for_user(user=request.user, subscribe=subscribe, origin="account page")
    subscriber = selectors.subscriber_for_user(user=request.user)
    if not subscribe:
        messages.success(request, _("You will no longer receive the newsletter."))
    elif subscriber and subscriber.status == subscriber.Status.CONFIRMED:
        messages.success(request, _("You are subscribed to the newsletter."))
    else:
        messages.success(request, _("Check your inbox: click the link in the e-mail we sent you to confirm."))
    # A URL, never a view name: redirect("abc") would try to reverse "abc" and fail.
    return HttpResponseRedirect(_safe_next(request, request.POST.get("next")) or reverse("accounts:profile"))
