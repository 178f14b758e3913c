from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Participants")

    def ready(self):
        from django.db.models.signals import post_save

        from participants import certificates
        from participants.models import Certificate, RegistrationSettings
        from portal import versions
        from speakers.models import Person

        # The event page links to the registration form while it is open.
        versions.track(RegistrationSettings, lambda registration: [registration.event_id])
        # /verify/<number> is a public page: a revocation, a re-issue or a corrected name shows
        # at once (a listener may be on no round table's roster, so speakers' tracking misses
        # them).
        versions.track(Certificate, lambda certificate: [certificate.event_id])
        post_save.connect(
            certificates.name_changed, sender=Person, dispatch_uid="certificates:person"
        )
