from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundTableConfig(AppConfig):
    name = "roundtable"
    verbose_name = _("Round tables")

    def ready(self):
        from portal import versions
        from portal.api_viewsets import ApiReadViewSet
        from roundtable import permissions
        from roundtable.models import ProgrammeItem, Room, RoundTable

        ApiReadViewSet.viewable_by = staticmethod(permissions.viewable_by)

        versions.track(RoundTable, lambda event: [event.pk])
        versions.track(ProgrammeItem, lambda item: [item.event_id])
        versions.track(Room, lambda room: [room.event_id])
        versions.track_many_to_many(
            ProgrammeItem.speakers.through,
            # Changed from the item (item.speakers.add) or from the person (…programme_items.add).
            lambda changed: (
                [changed.event_id] if isinstance(changed, ProgrammeItem) else changed.event_ids()
            ),
        )
