from django import forms
from django.utils import translation

from .models import User
from .services import user_profile_update

PROFILE_FIELDS = ["full_name", "organisation", "job_title", "country", "preferred_language"]


class ProfileForm(forms.ModelForm):
    """The profile a media portal asks for, on the account page."""

    class Meta:
        model = User
        fields = PROFILE_FIELDS
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "job_title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "country": forms.TextInput(attrs={"autocomplete": "country-name"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["organisation"].required = True

    def save(self, commit=True):
        return user_profile_update(user=self.instance, **{name: self.cleaned_data[name] for name in PROFILE_FIELDS})


class SignupProfileForm(forms.Form):
    """Extra sign-up fields (``ACCOUNT_SIGNUP_FORM_CLASS``): allauth's sign-up
    form inherits them and calls ``signup()`` once the user exists."""

    full_name = User._meta.get_field("full_name").formfield(required=True)
    organisation = User._meta.get_field("organisation").formfield(required=True)
    job_title = User._meta.get_field("job_title").formfield()
    country = User._meta.get_field("country").formfield()
    preferred_language = User._meta.get_field("preferred_language").formfield()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].initial = translation.get_language()
        for name, widget in ProfileForm.Meta.widgets.items():
            self.fields[name].widget.attrs.update(widget.attrs)

    def signup(self, request, user):
        user_profile_update(user=user, **{name: self.cleaned_data[name] for name in PROFILE_FIELDS})
