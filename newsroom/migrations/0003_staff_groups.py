"""Once gave the staff groups a list of newsroom permissions of its own, which
disagreed with ``accounts/roles.py``. Roles now have one source: that file,
applied by ``accounts/0003_roles``. Kept as an empty step so that databases
which ran it and fresh ones share one migration history."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0002_article_translation_image_event_topics"),
        ("downloads", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = []
