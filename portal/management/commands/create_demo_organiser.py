from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from portal.organisers import create_demo_organiser


class Command(BaseCommand):
    help = "Create (or reset) the demo organiser account and print its credentials."

    def handle(self, *args, **options):
        user, password = create_demo_organiser()
        self.stdout.write(
            _("Demo organiser for /admin/: user %(username)s, password %(password)s")
            % {"username": user.username, "password": password}
        )
