"""Public pages of a round table's proceedings: the contents, a card per paper, the whole book,
each paper's own PDF, and its citation as BibTeX, RIS and CSL-JSON.

What the public sees is the published book: proceedings marked published, and in them the papers
of the current build (the last successful one), with the pages that build stored. Organisers
(who may view proceedings in the admin) see the same pages before publication, marked as a
preview, so they can check the cards before the public does. To everyone else unpublished
proceedings, and papers that are not in the current book, do not exist (404).

Cards are addressed by the paper's id, not its number in the collection: a number changes when
a rebuild adds or moves a paper, and citations, Google Scholar and readers' bookmarks keep the
address for good.
"""

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation

from portal import page_cache, versions
from proceedings import cards, citations, offprints, permissions
from roundtable import permissions as roundtable_permissions


def book_of(request, slug):
    """The visible round table, its proceedings and their current build (None before the first),
    when `request.user` may see them; 404 otherwise."""
    event = get_object_or_404(roundtable_permissions.viewable_by(request.user), slug=slug)
    proceedings = getattr(event, "proceedings", None)
    if proceedings is None or not (proceedings.published or permissions.can_preview(request.user)):
        raise Http404
    return event, proceedings, proceedings.current_build()


def entry_of(request, slug, pk):
    """As `book_of`, with the paper `pk`'s entry in the current book (404 when it is not in it)."""
    event, proceedings, build = book_of(request, slug)
    if build is None:
        raise Http404
    return event, proceedings, get_object_or_404(cards.entries(build), paper_id=pk)


def page_context(event, proceedings, **extra):
    return {
        "event": event,
        "proceedings": proceedings,
        "section": "proceedings",
        "preview": not proceedings.published,
        **extra,
    }


@page_cache.public_page
def contents(request, slug):
    event, proceedings, build = book_of(request, slug)
    entries = list(cards.entries(build)) if build else []
    for entry in entries:
        entry.contents_line = cards.contents_line(entry)
    return render(
        request,
        "proceedings/public_contents.html",
        page_context(
            event,
            proceedings,
            build=build,
            entries=entries,
            titles=cards.in_each_language(proceedings, "title"),
        ),
    )


def canonical_address(slug, entry, name):
    """The one address of a paper's card or PDF that search engines keep: in the paper's own
    language (the /kk/, /ru/ and /en/ ones show the same paper), under SITE_URL."""
    with translation.override(entry.paper.language):
        path = reverse(f"roundtable:{name}", args=[slug, entry.paper_id])
    return settings.SITE_URL + path


@page_cache.public_page
def card(request, slug, pk):
    event, proceedings, entry = entry_of(request, slug, pk)
    canonical = canonical_address(slug, entry, "article")
    card = cards.card(
        entry,
        url=request.build_absolute_uri(reverse("roundtable:article", args=[slug, pk])),
        pdf_url=request.build_absolute_uri(reverse("roundtable:article_pdf", args=[slug, pk])),
    )
    return render(
        request,
        "proceedings/public_card.html",
        page_context(event, proceedings, canonical=canonical, **card),
    )


def file_name(event, entry, extension):
    return f"{event.slug}-{entry.number:03d}.{extension}"


def book_pdf(request, slug):
    """The whole book, streamed from its file: a conditional GET that still matches gets 304."""
    event, _proceedings, build = book_of(request, slug)
    if build is None or not build.pdf:
        raise Http404
    return page_cache.conditional(
        request,
        versions.cache_key(event, "book.pdf", "all"),
        event.data_changed_at,
        lambda: FileResponse(
            build.pdf.open("rb"), content_type="application/pdf", filename=f"{event.slug}.pdf"
        ),
    )


@page_cache.public_page
def article_pdf(request, slug, pk):
    event, _proceedings, entry = entry_of(request, slug, pk)
    name = file_name(event, entry, "pdf")
    if entry.offprint:
        # Cut when the book was built (proceedings/offprints.py), with its source line.
        response = page_cache.conditional(
            request,
            versions.cache_key(event, f"offprint:{entry.pk}", "all"),
            event.data_changed_at,
            lambda: FileResponse(
                entry.offprint.open("rb"), content_type="application/pdf", filename=name
            ),
        )
    else:
        # A book built before offprints were cut with it: cut once per data version (the
        # metadata name the authors), not once per reader; cutting takes pypdf 0.1–0.3 s.
        response = page_cache.feed(
            request,
            event,
            f"offprint:{entry.pk}",
            "application/pdf",
            lambda: cut_offprint(entry),
            language="all",
        )
        response["Content-Disposition"] = f'inline; filename="{name}"'
    # The same PDF is at /kk/, /ru/ and /en/: search engines keep the paper's own language's.
    response["Link"] = f'<{canonical_address(slug, entry, "article_pdf")}>; rel="canonical"'
    return response


def cut_offprint(entry):
    with entry.build.pdf.open("rb") as book:
        return offprints.offprint_of(book, citations.reference(entry))


# A reference's file extension: how it is written and the content type it is served as.
CITATION_FORMATS = {
    "bib": (citations.bibtex, "application/x-bibtex"),
    "ris": (citations.ris, "application/x-research-info-systems"),
    "json": (citations.csl_json, "application/vnd.citationstyles.csl+json"),
}


def citation(request, slug, pk, kind):
    event, _proceedings, entry = entry_of(request, slug, pk)
    url = request.build_absolute_uri(reverse("roundtable:article", args=[slug, pk]))
    write, content_type = CITATION_FORMATS[kind]
    response = page_cache.feed(
        request,
        event,
        f"citation:{entry.pk}.{kind}",
        f"{content_type}; charset=utf-8",
        lambda: write(citations.reference(entry, url=url)),
    )
    response["Content-Disposition"] = f'attachment; filename="{file_name(event, entry, kind)}"'
    return response


@page_cache.public_page
def article_bibtex(request, slug, pk):
    return citation(request, slug, pk, "bib")


@page_cache.public_page
def article_ris(request, slug, pk):
    return citation(request, slug, pk, "ris")


@page_cache.public_page
def article_csl_json(request, slug, pk):
    return citation(request, slug, pk, "json")
