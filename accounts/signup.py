"""The sign-up form (``ACCOUNT_FORMS["signup"]``): allauth's, doing the same
work whether or not the address already has an account.

With an address that has one, allauth sends an "account exists" mail and
stops; without, it hashes the password and creates the account. The hash is
the slow part (hundreds of milliseconds by design), so the first path
answered several times faster and told anyone timing it which addresses
have accounts. Here the first path hashes the typed password too and throws
the result away; both paths then render and queue one mail the same way.

The password is also checked against the whole profile typed on the form,
not only the address.
"""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from .forms import PROFILE_FIELDS
from .models import User


class SignupForm(AllauthSignupForm):
    def clean(self):
        cleaned_data = super().clean()
        password = cleaned_data.get("password1")
        if password and "password1" not in self.errors:
            # allauth checks the password against a user holding only the
            # address; the profile typed on the same form counts too
            # (UserAttributeSimilarityValidator: name, organisation).
            profile = {name: cleaned_data.get(name) or "" for name in PROFILE_FIELDS}
            try:
                validate_password(password, user=User(email=cleaned_data.get("email") or "", **profile))
            except ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned_data

    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)
