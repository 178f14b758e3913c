"""Small builders for the resolution page tests: the demo resolution, made-up ones of any size,
and the people who read, propose and decide."""

import datetime

import yaml
from django.conf import settings
from django.contrib.auth.models import User

from resolutions import drafting
from resolutions.models import Resolution, ResolutionItem, ResolutionSection, ResolutionVersion
from tests.factories import PASSWORD, ParticipationFactory, PersonFactory

DEMO_FILE = settings.BASE_DIR / "fixtures" / "roundtable-2025-05-23.yaml"
Status = Resolution.Status


def demo_data():
    """The resolution of 23 May 2025 as the demo fixture writes it."""
    return yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))["resolution"]


def columns(values, field):
    values = values if isinstance(values, dict) else {"kk": values}
    return {f"{field}_{code}": values.get(code, "") for code in ("kk", "ru", "en")}


def build_resolution(event, data, status=Status.PUBLISHED):
    """The resolution described by `data` (the fixture's shape), in `status`, with one version."""
    Resolution.objects.filter(event=event).delete()  # in case the importer made one
    frozen = status in {Status.ADOPTED, Status.PUBLISHED}
    resolution = Resolution.objects.create(
        event=event,
        status=status,
        adopted_on=datetime.date(2025, 5, 23) if frozen else None,
        **columns(data["title"], "title"),
        **columns(data.get("preamble", {}), "preamble"),
        **columns(data.get("closing", {}), "closing"),
    )
    for position, entry in enumerate(data["sections"], start=1):
        section = ResolutionSection.objects.create(
            resolution=resolution,
            position=position,
            **columns(entry["heading"], "heading"),
            **columns(entry.get("lead", {}), "lead"),
        )
        ResolutionItem.objects.bulk_create(
            ResolutionItem(section=section, position=index, **columns(item, "text"))
            for index, item in enumerate(entry["items"], start=1)
        )
    drafting.record_version(resolution, occasion=ResolutionVersion.Occasion.IMPORT)
    return resolution


def demo_resolution(event, status=Status.PUBLISHED):
    return build_resolution(event, demo_data(), status)


def sized_data(sections, items):
    """A made-up resolution of `sections` sections of `items` items each, in kk and ru."""
    return {
        "title": {"kk": "Қарар", "ru": "Резолюция"},
        "preamble": {"kk": "Кіріспе.", "ru": "Преамбула."},
        "sections": [
            {
                "heading": {"kk": f"Бөлім {s}", "ru": f"Раздел {s}"},
                "lead": {"kk": "Ұсынылады:", "ru": "Рекомендуется:"},
                "items": [
                    {"kk": f"ұсыныс {s}.{i};", "ru": f"рекомендация {s}.{i};"}
                    for i in range(1, items + 1)
                ],
            }
            for s in range(1, sections + 1)
        ],
        "closing": {"kk": "Қорытынды.", "ru": "Заключение."},
    }


# --- People ------------------------------------------------------------------------------------


def participant(event, username="dana", **roles):
    """An account linked to a person who takes part in `event` (listed participant by default)."""
    user = User.objects.create_user(username, password=PASSWORD)
    person = PersonFactory(user=user)
    ParticipationFactory(event=event, person=person, **({"is_speaker": False} | roles))
    return user
