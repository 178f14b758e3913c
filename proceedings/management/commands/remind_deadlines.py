from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from proceedings import reminders


class Command(BaseCommand):
    help = (
        "Remind speakers whose paper is still a draft or in revision of the deadline for papers, "
        "PAPER_REMINDER_DAYS before it, once per paper and deadline, and reviewers of reviews due "
        "as many days ahead, once per review and due date. For cron, once a day."
    )

    def handle(self, *args, **options):
        letters = reminders.remind() + reminders.remind_reviewers()
        count = len(letters)
        self.stdout.write(
            ngettext("%(count)s reminder written.", "%(count)s reminders written.", count)
            % {"count": count}
        )
