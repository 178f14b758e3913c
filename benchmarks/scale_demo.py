"""Scale the imported demo round table to ITEMS programme items and publish its proceedings.

    DATABASE_URL=postgres://…/copy .venv/bin/python benchmarks/scale_demo.py [--items 250]

Run by benchmarks/load.py on a copy database that already holds the demo fixture (import_roundtable
and import_papers): each added item is a two-minute talk by a new speaker, after the demo
programme's last item, so the day's no-overlap rule holds. Then the proceedings are built here and
now (proceedings.builds.build_now, no task worker) and published, for the paper cards.
"""

import argparse
import datetime
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402

from proceedings import builds  # noqa: E402
from roundtable import releases  # noqa: E402
from roundtable.models import ProgrammeItem, RoundTable  # noqa: E402
from speakers.models import Participation, Person  # noqa: E402

DEMO = "public-safety-2025"
SLOT = datetime.timedelta(minutes=2)


@transaction.atomic
def scale(event, items):
    """Add talks to `event` until it has `items` programme items."""
    existing = event.programme_items.count()
    last_end = max(item.end for item in event.programme_items.exclude(end=None))
    begins = datetime.datetime.combine(event.date, last_end)
    order = max(event.programme_items.values_list("order", flat=True), default=0)
    rank = Person.objects.exclude(rank=None).values_list("rank", flat=True).first()
    for number in range(items - existing):
        person = Person.objects.create(
            slug=f"load-speaker-{number}",
            surname_kk=f"Баяндамашы{number}",
            surname_ru=f"Докладчик{number}",
            given_name_kk="Асқар",
            given_name_ru="Аскар",
            position_kk="аға оқытушы",
            position_ru="старший преподаватель",
            rank_id=rank,
        )
        Participation.objects.create(
            event=event, person=person, is_speaker=True, order=1000 + number
        )
        item = ProgrammeItem.objects.create(
            event=event,
            start=begins.time(),
            end=(begins + SLOT).time(),
            kind=ProgrammeItem.Kind.TALK,
            title_kk=f"Қоғамдық қауіпсіздік: баяндама {number}",
            title_ru=f"Общественная безопасность: доклад {number}",
            title_language="ru",
            order=order + 1 + number,
        )
        item.speakers.add(person)
        begins += SLOT
    # Released, as an organiser would, so that the public pages measured show the talks.
    releases.release(event, None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=250)
    arguments = parser.parse_args()
    event = RoundTable.objects.get(slug=DEMO)
    scale(event, arguments.items)
    build = builds.build_now(event.proceedings)
    if build.status != build.Status.SUCCEEDED:
        raise SystemExit(f"the book build failed: {build.error}")
    event.proceedings.published = True
    event.proceedings.save()
    print(
        f"{event.programme_items.count()} programme items, "
        f"book build {build.status} with {build.page_count} pages"
    )


if __name__ == "__main__":
    main()
