from django.core.management.base import BaseCommand

from roundtable.organisers import create_demo_organiser


class Command(BaseCommand):
    help = "Create (or reset) the demo organiser account and print its credentials."

    def handle(self, *args, **options):
        user, password = create_demo_organiser()
        self.stdout.write(
            self.style.SUCCESS("Demo organiser for /admin/: ")
            + f"user {user.username}, password {password}"
        )
