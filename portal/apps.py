from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The site's own machinery, no domain: data versions, the page cache, throttling, outages,
    the API's base classes, the admin's base classes, backups and the organisers' group."""

    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from portal.organisers import sync_organisers_group

        post_migrate.connect(sync_organisers_group, dispatch_uid="sync_organisers_group")
