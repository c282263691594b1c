"""Give the Editors and Staff groups their permissions from ``accounts.roles``,
the one list of role permissions (the same function runs after every
``migrate`` and in ``seed_demo``)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from accounts.roles import roles_apply


def apply_roles(apps, schema_editor):
    # Permissions are normally created after the last migration; make them now
    # so that a fresh database gets its groups in one `migrate`.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_apply(group_model=apps.get_model("auth", "Group"), permission_model=apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_attempt_counter"),
        ("newsroom", "0004_field_labels"),
        ("downloads", "0003_web_label"),
        ("newsletter", "0004_issue_pause_and_send_permission"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(apply_roles, migrations.RunPython.noop)]
