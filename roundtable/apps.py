from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RoundTableConfig(AppConfig):
    name = "roundtable"
    verbose_name = _("Round tables")

    def ready(self):
        from roundtable.organisers import sync_organisers_group

        post_migrate.connect(sync_organisers_group, dispatch_uid="sync_organisers_group")
