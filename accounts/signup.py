"""The sign-up form (``ACCOUNT_FORMS["signup"]``): allauth's, doing the same
work whether or not the address already has an account.

With an address that has one, allauth sends an "account exists" mail and
stops; without, it hashes the password and creates the account. The hash is
the slow part (hundreds of milliseconds by design), so the first path
answered several times faster and told anyone timing it which addresses
have accounts. Here the first path hashes the typed password too and throws
the result away; both paths then render and queue one mail the same way.
"""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password


class SignupForm(AllauthSignupForm):
    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)
