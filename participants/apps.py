from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Participants")

    def ready(self):
        from participants.models import RegistrationSettings
        from portal import versions

        # The event page links to the registration form while it is open.
        versions.track(RegistrationSettings, lambda registration: [registration.event_id])
