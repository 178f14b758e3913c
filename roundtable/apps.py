from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RoundTableConfig(AppConfig):
    name = "roundtable"
    verbose_name = _("Round tables")

    def ready(self):
        from roundtable import versions
        from roundtable.models import ProgrammeItem, RoundTable
        from roundtable.organisers import sync_organisers_group

        post_migrate.connect(sync_organisers_group, dispatch_uid="sync_organisers_group")
        versions.track(RoundTable, lambda event: [event.pk])
        versions.track(ProgrammeItem, lambda item: [item.event_id])
        versions.track_many_to_many(
            ProgrammeItem.speakers.through,
            # Changed from the item (item.speakers.add) or from the person (…programme_items.add).
            lambda changed: (
                [changed.event_id] if isinstance(changed, ProgrammeItem) else changed.event_ids()
            ),
        )
