"""Demo accounts for `seed_demo`: an editor, a member of staff, a media professional.
The passwords are public by design (printed by `make run`); never seed them
on a production database."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

DEMO_ACCOUNTS = [
    {
        "email": "staff@mediaportal.example",
        "password": "Staff-Demo-2026!",
        "full_name": "Claire Dubois",
        "organisation": "Media Portal",
        "job_title": "Press officer",
        "country": "Belgium",
        "preferred_language": "fr",
        "is_staff": True,
        "groups": ["Editors"],
    },
    {
        "email": "support@mediaportal.example",
        "password": "Support-Demo-2026!",
        "full_name": "Jonas Meyer",
        "organisation": "Media Portal",
        "job_title": "Media relations assistant",
        "country": "Switzerland",
        "preferred_language": "en",
        "is_staff": True,
        "groups": ["Staff"],
    },
    {
        "email": "journalist@mediaportal.example",
        "password": "Journalist-Demo-2026!",
        "full_name": "Sam Okafor",
        "organisation": "Northern Broadcast News",
        "job_title": "Video editor",
        "country": "United Kingdom",
        "preferred_language": "en",
        "is_staff": False,
        "groups": [],
    },
]


def seed(stdout=None) -> None:
    from allauth.account.models import EmailAddress

    from .services import roles_sync

    roles_sync()  # the groups exactly as accounts.roles says, even on a database migrated long ago
    User = get_user_model()
    for spec in DEMO_ACCOUNTS:
        spec = dict(spec)
        password, groups = spec.pop("password"), spec.pop("groups")
        user, created = User.objects.get_or_create(email=spec["email"], defaults=spec)
        if created:
            user.set_password(password)
            user.save()
        for name in groups:
            user.groups.add(Group.objects.get(name=name))
        EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        if stdout and created:
            stdout.write(f"created demo account {user.email}")
