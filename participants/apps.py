from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Participants")

    def ready(self):
        from participants.models import Certificate, RegistrationSettings
        from portal import versions
        from speakers.models import Person

        # The event page links to the registration form while it is open.
        versions.track(RegistrationSettings, lambda registration: [registration.event_id])
        # /verify/<number> is a public page: a revocation, a re-issue or a corrected name shows
        # at once (a listener may be on no round table's roster, so speakers' tracking misses
        # them).
        versions.track(Certificate, lambda certificate: [certificate.event_id])
        versions.track(
            Person,
            lambda person: person.certificates.values_list("event_id", flat=True),
            name="certificates",
        )
