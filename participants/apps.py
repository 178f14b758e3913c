from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Participants")

    def ready(self):
        from participants.models import Certificate
        from portal import versions

        # /verify/<number> is a public page: a revocation or a re-issue shows at once.
        versions.track(Certificate, lambda certificate: [certificate.event_id])
