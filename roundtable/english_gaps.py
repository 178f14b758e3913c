"""What the English pages of a round table still show in Kazakh or Russian, and where to fill it.

The English pages fall back to Russian, then Kazakh, for any text without English (each marked
"in Russian"). Organisers fill the English texts in the admin; this lists, for one round table,
the theme, venue, programme titles, people's names and positions and paper titles that have a
Kazakh or Russian text and no English one, each with the admin page where it is filled. The
papers are read through the round table's `papers` relation: naming the proceedings app here
would turn the import layers upside down.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from speakers.models import Person

SOURCE_LANGUAGES = ("kk", "ru")
# Papers that will not be printed need no English title.
UNPRINTED_PAPERS = ("rejected", "withdrawn")


@dataclass(frozen=True)
class Gap:
    what: str  # what is missing: "theme", "programme title", …
    text: str  # the text the English pages show instead
    url: str  # the admin page where the English is filled


def missing(obj, *fields):
    """Whether `obj` has a Kazakh or Russian text in `fields` and no English one in any."""

    def written(code):
        return any(getattr(obj, f"{field}_{code}") for field in fields)

    return not written("en") and any(written(code) for code in SOURCE_LANGUAGES)


def shown(obj, field):
    """The text the English pages show for `field`: the Russian, else the Kazakh."""
    return getattr(obj, f"{field}_ru") or getattr(obj, f"{field}_kk")


def gaps(event):
    """The English texts `event` lacks, as Gaps: the round table's, then its programme's,
    its people's and its papers'."""
    found = []
    event_url = reverse("admin:roundtable_roundtable_change", args=[event.pk])
    for field, what in (("theme", _("theme")), ("venue", _("venue"))):
        if missing(event, field):
            found.append(Gap(what, shown(event, field), event_url))
    for item in event.programme_items.all():
        if missing(item, "title"):
            url = reverse("admin:roundtable_programmeitem_change", args=[item.pk])
            found.append(Gap(_("programme title"), shown(item, "title"), url))
    people = Person.objects.filter(Q(participations__event=event) | Q(programme_items__event=event))
    for person in people.distinct().order_by("surname_kk", "given_name_kk"):
        url = reverse("admin:speakers_person_change", args=[person.pk])
        if missing(person, "surname"):
            found.append(Gap(_("person's name"), person.full_name, url))
        if missing(person, "printed_position", "position"):
            found.append(Gap(_("position"), f"{person.full_name}: {person.position_line}", url))
    for paper in event.papers.exclude(status__in=UNPRINTED_PAPERS).order_by("pk"):
        if missing(paper, "title"):
            url = reverse("admin:proceedings_paper_change", args=[paper.pk])
            found.append(Gap(_("paper title"), shown(paper, "title"), url))
    return found
