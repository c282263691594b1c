from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs):
    # post_migrate fires once per app; permissions of an app exist once its
    # own signal has run, so wait for the last app with models.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is with_models[-1]:
        from .services import roles_sync

        roles_sync()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # After every migrate, and after every flush of the test database.
        post_migrate.connect(_sync_roles, dispatch_uid="accounts.sync_roles")
