"""Which papers the programme and the speakers' pages link to, found by their talk and by their
authors: the papers of the round table's current book that the reader may read, the same rule
as their cards (proceedings/public_views.py): the published book for everyone, a preview too
for organisers (permissions.viewable_by).

roundtable and speakers may not import proceedings, so their templates load
templatetags/paper_links.py, which hands this over; one query per page, however long the
programme.
"""

from collections import defaultdict
from functools import cached_property

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import OuterRef, Q, Subquery

from proceedings import cards, permissions
from proceedings.models import Author, BookBuild, BookEntry


class PapersInBook:
    """The readable papers of `event`'s current book, as [{"paper", "title"}] by talk or author;
    `title` is the one for the reader (cards.for_reader)."""

    def __init__(self, event, user):
        self.event = event
        self.user = user

    @cached_property
    def links(self):
        current = (
            BookBuild.objects.books()
            .filter(proceedings=OuterRef("build__proceedings"))
            .values("pk")[:1]
        )
        entries = (
            BookEntry.objects.filter(
                build__proceedings__event=self.event,
                build__proceedings__in=permissions.viewable_by(self.user),
                build=Subquery(current),
            )
            .select_related("paper")
            .annotate(
                author_ids=ArrayAgg(
                    "paper__authors__person",
                    filter=Q(paper__authors__role=Author.Role.AUTHOR),
                    default=[],
                )
            )
            .order_by("number")
        )
        return [
            {
                "paper": entry.paper,
                "title": cards.for_reader(entry.paper, "title"),
                "author_ids": set(entry.author_ids),
            }
            for entry in entries
        ]

    @cached_property
    def by_talk(self):
        found = defaultdict(list)
        for link in self.links:
            found[link["paper"].talk_id].append(link)
        return found

    def of_talk(self, item):
        return self.by_talk.get(item.item_key, [])

    def by(self, person):
        return [link for link in self.links if person.pk in link["author_ids"]]
