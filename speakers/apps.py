from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpeakersConfig(AppConfig):
    name = "speakers"
    verbose_name = _("Speakers")

    def ready(self):
        from portal import versions
        from speakers.models import AcademicTitle, Degree, Participation, Person, Rank

        versions.track(Person, Person.event_ids)
        versions.track(Participation, lambda participation: [participation.event_id])
        # A vocabulary term is printed wherever someone holds it: rare edits, every round table.
        for vocabulary in (Degree, AcademicTitle, Rank):
            versions.track(vocabulary, lambda term: versions.EVERY_EVENT)
