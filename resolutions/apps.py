from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResolutionsConfig(AppConfig):
    name = "resolutions"
    verbose_name = _("Resolutions")

    def ready(self):
        from portal import versions
        from resolutions.models import Amendment, Resolution, ResolutionItem, ResolutionSection

        versions.track(Resolution, lambda resolution: [resolution.event_id])
        versions.track(ResolutionSection, lambda section: [section.resolution.event_id])
        versions.track(ResolutionItem, lambda item: [item.section.resolution.event_id])
        versions.track(Amendment, lambda amendment: [amendment.resolution.event_id])
