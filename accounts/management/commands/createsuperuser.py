"""Django's ``createsuperuser``, applying the password policy with
``--noinput`` too (Django's own takes ``DJANGO_SUPERUSER_PASSWORD`` as it is)."""

import os

from django.contrib.auth.management.commands import createsuperuser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError


class Command(createsuperuser.Command):
    def handle(self, *args, **options):
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        if not options["interactive"] and password is not None:
            field = self.UserModel.USERNAME_FIELD
            login = options.get(field) or os.environ.get(f"DJANGO_SUPERUSER_{field.upper()}") or ""
            try:
                validate_password(password, user=self.UserModel(**{field: login}))
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
        return super().handle(*args, **options)
