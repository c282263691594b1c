"""Who may do what in the back office: the one list of role permissions.

Applied by the data migration ``accounts/0004_roles`` on a fresh database,
after every ``migrate`` (``accounts.apps``) and by ``seed_demo``, all through
``roles_apply``. A group named here has exactly these permissions: one
granted by hand in the admin is taken away at the next sync, so that what
this file says is what the site does.

- Editors write and publish news and videos, and write, test and send the
  newsletter.
- Staff read everything and correct content (articles, topics, videos) and
  accounts, but publish nothing, send nothing and never touch permissions
  (no ``auth`` permission; see the user admin for the rest).

Both also need ``is_staff`` on the account to open the admin.
"""

from collections.abc import Iterable

VIEW, CHANGE, ADD, DELETE = "view", "change", "add", "delete"
ALL = (ADD, CHANGE, DELETE, VIEW)


def _perms(app_label: str, model: str, actions: Iterable[str]) -> list[str]:
    return [f"{app_label}.{action}_{model}" for action in actions]


ROLES: dict[str, list[str]] = {
    "Editors": [
        *_perms("newsroom", "article", ALL),
        "newsroom.publish_article",
        *_perms("newsroom", "topic", ALL),
        *_perms("newsroom", "herorendition", [VIEW]),
        *_perms("downloads", "video", ALL),
        *_perms("downloads", "rendition", [VIEW]),
        *_perms("downloads", "clip", [VIEW]),
        *_perms("downloads", "download", [VIEW]),
        *_perms("newsletter", "newsletterissue", ALL),
        "newsletter.send_newsletterissue",
        *_perms("newsletter", "subscriber", [VIEW]),
        *_perms("newsletter", "delivery", [VIEW]),
    ],
    "Staff": [
        *_perms("newsroom", "article", [VIEW, CHANGE]),
        *_perms("newsroom", "topic", [VIEW, CHANGE]),
        *_perms("newsroom", "herorendition", [VIEW]),
        *_perms("downloads", "video", [VIEW, CHANGE]),
        *_perms("downloads", "rendition", [VIEW]),
        *_perms("downloads", "clip", [VIEW]),
        *_perms("downloads", "download", [VIEW]),
        *_perms("newsletter", "newsletterissue", [VIEW]),
        *_perms("newsletter", "subscriber", [VIEW]),
        *_perms("newsletter", "delivery", [VIEW]),
        *_perms("accounts", "user", [VIEW, CHANGE]),
    ],
}


def roles_apply(*, group_model, permission_model) -> None:
    """Give each group of ``ROLES`` exactly its permissions (creating the
    group if missing). Takes the models as arguments so that a migration can
    pass its historical ones. Permissions of models that do not exist (yet)
    are skipped."""
    for name, codes in ROLES.items():
        group, _created = group_model.objects.get_or_create(name=name)
        wanted = set()
        for code in codes:
            app_label, codename = code.split(".")
            wanted.update(
                permission_model.objects.filter(content_type__app_label=app_label, codename=codename).values_list(
                    "pk", flat=True
                )
            )
        group.permissions.set(sorted(wanted))
