from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from participants import registration


class Command(BaseCommand):
    help = (
        "Delete the listeners' registrations whose address nobody confirmed within "
        "REGISTRATION_UNCONFIRMED_DAYS of their last letter, with those letters. For cron, once "
        "a day."
    )

    def handle(self, *args, **options):
        count = registration.forget_unconfirmed()
        self.stdout.write(
            ngettext(
                "%(count)s unconfirmed registration forgotten.",
                "%(count)s unconfirmed registrations forgotten.",
                count,
            )
            % {"count": count}
        )
