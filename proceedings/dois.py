"""The DOIs of a round table's collection and of each paper in it.

A DOI is the prefix (`settings.CROSSREF_DOI_PREFIX`) and the round table's address, with the
paper's id for a paper: 10.12345/public-safety-2025 and 10.12345/public-safety-2025.7. Like the
card's address, a paper's DOI never changes when a rebuild renumbers the book. Each DOI leads to
the public page: the contents, or the paper's card. The Crossref deposit registers them; every
other output (Scholar's tags, the citations, the indexers' exports) names the same ones.
"""

from django.conf import settings


def doi(event, paper=None):
    """The DOI of `event`'s collection, or of `paper` in it; None while the portal has no prefix."""
    if not settings.CROSSREF_DOI_PREFIX:
        return None
    suffix = event.slug if paper is None else f"{event.slug}.{paper.pk}"
    return f"{settings.CROSSREF_DOI_PREFIX}/{suffix}"
