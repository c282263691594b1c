"""Who may do what, as groups rather than superusers (synced after every
``migrate`` by ``accounts.services.roles_sync``).

- Editors publish: every model permission of the newsroom and the video
  library.
- Staff support the editors and the media professionals: they read all
  content and can look up and correct accounts (not delete them).

Both also need ``is_staff`` on the account to open the admin.
"""

# Group name -> app label -> "*" (every permission of the app) or the actions
# granted on every model of the app.
ROLES: dict[str, dict[str, str | list[str]]] = {
    "Editors": {"newsroom": "*", "downloads": "*"},
    "Staff": {"newsroom": ["view"], "downloads": ["view"], "accounts": ["view", "change"]},
}
