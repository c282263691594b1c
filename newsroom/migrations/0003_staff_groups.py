"""Give the staff groups their newsroom permissions. The groups may already
exist (the accounts app creates them too, see ``accounts/roles.py``), hence
get_or_create by name; the grants agree with those roles and only add."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Editors write and publish; Staff read (they support editors and users).
GROUP_PERMISSIONS = {
    "Editors": [
        "newsroom.add_article", "newsroom.change_article", "newsroom.delete_article", "newsroom.view_article",
        "newsroom.publish_article",
        "newsroom.add_topic", "newsroom.change_topic", "newsroom.delete_topic", "newsroom.view_topic",
        "newsroom.view_herorendition",
        "downloads.view_video",
    ],
    "Staff": [
        "newsroom.view_article", "newsroom.view_topic", "newsroom.view_herorendition",
        "downloads.view_video",
    ],
}


def grant(apps, schema_editor):
    # Permissions are normally created after the last migration; make them now
    # so that a fresh database gets its groups in one `migrate`.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for code in codes:
            app_label, codename = code.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0002_article_translation_image_event_topics"),
        ("downloads", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
