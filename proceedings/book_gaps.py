"""What the current book lacks: papers accepted, changed or no longer accepted since it was built.

A successful build says "Succeeded" for ever; the papers move on. The book panel compares the
accepted papers with the current build's BookEntry rows, so organisers see that a rebuild is due:
accepted papers the book does not hold, papers in it changed since its build started (it read them
then), and papers in it that are no longer accepted (withdrawn, sent back for revision).
"""

from dataclasses import dataclass

from django.utils.translation import ngettext

from proceedings.models import Paper


@dataclass(frozen=True)
class Gaps:
    missing: int = 0
    changed: int = 0
    dropped: int = 0

    def __bool__(self):
        return bool(self.missing or self.changed or self.dropped)

    def messages(self):
        """What the panel says, one line per kind of gap, none when the book is up to date."""
        lines = []
        if self.missing:
            lines.append(
                ngettext(
                    "%(count)d accepted paper is not in the book.",
                    "%(count)d accepted papers are not in the book.",
                    self.missing,
                )
                % {"count": self.missing}
            )
        if self.changed:
            lines.append(
                ngettext(
                    "%(count)d paper in the book has changed since it was built.",
                    "%(count)d papers in the book have changed since it was built.",
                    self.changed,
                )
                % {"count": self.changed}
            )
        if self.dropped:
            lines.append(
                ngettext(
                    "%(count)d paper in the book is no longer accepted.",
                    "%(count)d papers in the book are no longer accepted.",
                    self.dropped,
                )
                % {"count": self.dropped}
            )
        return lines


def gaps(proceedings, build):
    """The Gaps of `build` (the current book) against the proceedings' papers now; two queries.
    Without a book there is nothing to compare: the panel says the book is not built yet."""
    if build is None:
        return Gaps()
    papers = Paper.objects.filter(event_id=proceedings.event_id, status=Paper.Status.ACCEPTED)
    accepted = dict(papers.order_by().values_list("pk", "updated_at"))
    in_book = set(build.entries.order_by().values_list("paper_id", flat=True))
    read_at = build.started_at or build.requested_at
    return Gaps(
        missing=len(accepted.keys() - in_book),
        changed=sum(1 for pk in in_book & accepted.keys() if accepted[pk] > read_at),
        dropped=len(in_book - accepted.keys()),
    )
