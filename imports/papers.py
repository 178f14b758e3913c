"""Import of papers from a YAML manifest: the sections of the collection, each paper with its
authors, its file as a version, and the review status it has reached.

It loads the demo's sample papers (fixtures/papers/papers.yaml, whose header describes the
format) and serves organisers who collected papers outside the portal, e.g. by e-mail. As with the
round-table import (imports/round_tables.py; both read through imports/reading.py), the manifest
is read and checked whole before anything is written, every file included (it must pass the upload
checks), then everything is written in one transaction: an import applies completely or changes
nothing, and a refused import leaves no file in the papers' storage.

Rows are matched so that re-importing changes nothing and an edited manifest updates in place: the
round table's Proceedings (the collection's cover and imprint, optional key `proceedings`) by its
round table, sections by their place in the list (positions 1, 2, …; sections beyond the list are
kept, they may be the organisers'), a paper by its round table, speaker and the file name of its
version 1, authors by their place in the list and the supervisor as the paper's one supervisor
(authors beyond the list are deleted). The texts of a paper and of its authors are written in the
paper's language and may be translated: a Russian paper titled only in Russian has empty Kazakh
texts (readers of other languages get the Russian through the fallbacks). As in the round-table
import, a text's `en` left out keeps what the portal holds.

The import acts as an organiser: files are stored through `submission.add_version`, and a file
that differs from every stored version of its paper becomes the next version while the paper still
takes new versions (it is refused once the paper is decided). A paper is moved forward to the
manifest's status along draft → submitted → accepted, never back: a paper the organisers have
reviewed in the portal since keeps its status. Both moves go through `review.move`; the
submission is made by the organiser on the speaker's behalf.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from imports.reading import (
    LANGUAGES,
    NO_TEXT,
    ImportFailed,
    Spot,
    load,
    read_bool,
    read_choice,
    read_keys,
    read_list,
    read_number,
    read_slug,
    read_source,
    read_string,
    read_text,
    read_text_in,
    read_time,
    translated,
)
from imports.round_tables import ImportResult
from proceedings import isbn, permissions, review, submission, uploads
from proceedings.conversion import ConversionError
from proceedings.models import Author, Paper, PaperVersion, Proceedings, Section
from roundtable.models import RoundTable
from speakers.models import AcademicTitle, Degree, Person

Status = Paper.Status
# The statuses a manifest may ask for, in the order an import moves a paper through them.
STATUS_PATH = (Status.DRAFT, Status.SUBMITTED, Status.ACCEPTED)
AUTHOR_TEXTS = (
    "surname",
    "given_name",
    "patronymic",
    "standing",
    "organisation",
    "city",
    "country",
)
AUTHOR_KEYS = ("person", "degree", "academic_title", "email", *AUTHOR_TEXTS)
PAPER_TEXTS = ("title", "abstract", "keywords")
PROCEEDINGS_TEXTS = ("title", "subtitle", "organiser", "editors", "publisher", "city", "annotation")
PROCEEDINGS_CODES = ("isbn", "udc", "bbk", "author_mark")


@dataclass
class SectionEntry:
    spot: Spot
    columns: dict


@dataclass
class AuthorEntry:
    spot: Spot
    columns: dict  # role and order included


@dataclass
class PaperEntry:
    spot: Spot
    file_spot: Spot
    upload: ContentFile  # the file's content, named as the manifest names it
    checked: uploads.CheckedUpload
    speaker: Person
    columns: dict
    section: int | None  # index into Manifest.sections
    authors: list[AuthorEntry]
    status: Status


@dataclass
class ProceedingsEntry:
    spot: Spot
    columns: dict


@dataclass
class Manifest:
    name: str
    event: RoundTable
    sections: list[SectionEntry]
    papers: list[PaperEntry]
    proceedings: ProceedingsEntry | None = None


# --- Reading --------------------------------------------------------------------------------------


def read_event(value, spot):
    slug = read_slug(value, spot)
    event = RoundTable.objects.filter(slug=slug).first()
    if event is None:
        spot.fail(
            _("no round table '%(slug)s': import it first (manage.py import_roundtable)")
            % {"slug": slug}
        )
    return event


def read_person(value, spot):
    slug = read_slug(value, spot)
    person = Person.objects.filter(slug=slug).first()
    if person is None:
        spot.fail(_("unknown person '%(id)s'") % {"id": slug})
    return person


def read_texts(entries, key, language):
    """{kk, ru, en?} of `key`, written in the paper's `language`; empty kk and ru when the key is
    left out."""
    return read_text_in(*entries[key], language) if key in entries else NO_TEXT


def read_sections(value, spot):
    """The sections as entries, and their ids: {id: index}."""
    sections, ids = [], {}
    for index, (entry, section_spot) in enumerate(read_list(value, spot)):
        entries = read_keys(entry, section_spot, ("id", "name"))
        key = read_slug(*entries["id"])
        if key in ids:
            entries["id"][1].fail(_("duplicate section id '%(id)s'") % {"id": key})
        ids[key] = index
        columns = {"position": index + 1} | translated("name", read_text(*entries["name"]))
        sections.append(SectionEntry(section_spot, columns))
    return sections, ids


def read_term(value, spot, model, fields):
    """The vocabulary entry of `model` named or abbreviated `value` in any language."""
    text = read_string(value, spot).strip()
    terms = list(model.objects.all())
    for term in terms:
        if text in {getattr(term, f"{name}_{code}") for name in fields for code in LANGUAGES}:
            return term
    known = sorted({getattr(term, f"{fields[-1]}_{code}") for term in terms for code in LANGUAGES})
    return spot.fail(
        _("unknown %(what)s '%(value)s' (known: %(known)s)")
        % {
            "what": model._meta.verbose_name,
            "value": text,
            "known": ", ".join(name for name in known if name),
        }
    )


def read_author(value, spot, role, order, language):
    entries = read_keys(value, spot, ("surname", "given_name"), AUTHOR_KEYS)
    columns = {"role": role, "order": order, "person_id": None, "email": ""}
    for key in AUTHOR_TEXTS:
        columns |= translated(key, read_texts(entries, key, language))
    if "person" in entries:
        columns["person_id"] = read_person(*entries["person"]).pk
    columns["degree_id"] = columns["academic_title_id"] = None
    if "degree" in entries:
        columns["degree_id"] = read_term(*entries["degree"], Degree, ("name", "abbreviation")).pk
    if "academic_title" in entries:
        title = read_term(*entries["academic_title"], AcademicTitle, ("name",))
        columns["academic_title_id"] = title.pk
    if "email" in entries:
        columns["email"] = read_string(*entries["email"]).strip()
    return AuthorEntry(spot, columns)


def read_talk(event, speaker, talk, spot):
    """The speaker's talk at `event`; `talk` is its start ("HH:MM") when they give several."""
    talks = event.programme_items.filter(speakers=speaker).order_by("order")
    if talk is not None:
        talks = talks.filter(start=read_time(*talk))
        spot = talk[1]
    talks = list(talks)
    if not talks:
        spot.fail(
            _("%(person)s gives no talk at %(event)s%(at)s")
            % {
                "person": speaker.slug,
                "event": event.slug,
                "at": f" ({talk[0]})" if talk is not None else "",
            }
        )
    if len(talks) > 1:
        spot.fail(
            _(
                "%(person)s speaks %(count)s times at %(event)s: give the start of the talk, "
                'e.g. talk: "%(start)s"'
            )
            % {
                "person": speaker.slug,
                "count": len(talks),
                "event": event.slug,
                "start": talks[0].start.strftime("%H:%M") if talks[0].start else "HH:MM",
            }
        )
    return talks[0]


def read_file(value, spot, base):
    """The file's content, checked as an upload is; a missing or refused file fails at `spot`."""
    name = read_string(value, spot)
    path = base / name
    try:
        upload = ContentFile(path.read_bytes(), name=path.name)
    except OSError as error:
        spot.fail(_("cannot read %(path)s: %(reason)s") % {"path": path, "reason": error.strerror})
    try:
        checked = uploads.check(upload)
    except ValidationError as error:
        spot.fail(" ".join(error.messages))
    return upload, checked


def read_paper(value, spot, event, section_ids, base):
    entries = read_keys(
        value,
        spot,
        ("file", "speaker", "language", "title", "authors", "status"),
        ("talk", "section", "abstract", "keywords", "supervisor"),
    )
    upload, checked = read_file(*entries["file"], base)
    speaker = read_person(*entries["speaker"])
    talk = read_talk(event, speaker, entries.get("talk"), entries["speaker"][1])
    language = read_choice(*entries["language"], LANGUAGES)
    columns = {"talk_id": talk.pk, "language": language}
    for key in PAPER_TEXTS:
        columns |= translated(key, read_texts(entries, key, language))
    section = None
    if "section" in entries:
        section = section_ids[read_choice(*entries["section"], list(section_ids))]
    authors = [
        read_author(author, author_spot, Author.Role.AUTHOR, order, language)
        for order, (author, author_spot) in enumerate(read_list(*entries["authors"]))
    ]
    if not authors:
        entries["authors"][1].fail(_("a paper has at least one author"))
    if "supervisor" in entries:
        authors.append(read_author(*entries["supervisor"], Author.Role.SUPERVISOR, 0, language))
    status = Status(read_choice(*entries["status"], STATUS_PATH))
    return PaperEntry(
        spot, entries["file"][1], upload, checked, speaker, columns, section, authors, status
    )


def read_proceedings(value, spot):
    """The collection's cover and imprint: texts {kk, ru, en?}, ISBN and the library codes, and
    whether it is published."""
    entries = read_keys(
        value, spot, ("title", "year"), (*PROCEEDINGS_TEXTS[1:], *PROCEEDINGS_CODES, "published")
    )
    columns = {"year": read_number(*entries["year"])}
    if "published" in entries:
        columns["published"] = read_bool(*entries["published"])
    for key in PROCEEDINGS_TEXTS:
        columns |= translated(key, read_text(*entries[key]) if key in entries else NO_TEXT)
    for key in PROCEEDINGS_CODES:
        columns[key] = read_string(*entries[key]).strip() if key in entries else ""
    # Stored without hyphens (Proceedings.clean), so that importing again changes nothing.
    columns["isbn"] = isbn.compact(columns["isbn"])
    return ProceedingsEntry(spot, columns)


def read_manifest(document, base, name):
    spot = Spot(1)
    entries = read_keys(document, spot, ("event", "papers"), ("sections", "proceedings"))
    event = read_event(*entries["event"])
    sections, section_ids = (
        read_sections(*entries["sections"]) if "sections" in entries else ([], {})
    )
    papers, seen = [], {}
    for entry, paper_spot in read_list(*entries["papers"]):
        paper = read_paper(entry, paper_spot, event, section_ids, base)
        key = (paper.speaker.pk, paper.checked.display_name)
        if key in seen:
            paper.spot.fail(
                _("the same paper as at line %(line)s (same speaker and file name)")
                % {"line": seen[key]}
            )
        seen[key] = paper.spot.line
        papers.append(paper)
    proceedings = read_proceedings(*entries["proceedings"]) if "proceedings" in entries else None
    return Manifest(name, event, sections, papers, proceedings)


# --- Writing --------------------------------------------------------------------------------------


@dataclass
class PaperImportResult:
    """What an import did; `created`, `updated` and `deleted` count rows per model class."""

    slug: str
    sections: int
    papers: int
    authors: int
    versions_added: int = 0
    status_changes: int = 0
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)

    # The round-table import's bookkeeping: save only what differs, count it, report at `spot`.
    save_changes = ImportResult.save_changes

    @property
    def changed(self):
        return bool(
            self.created.total()
            or self.updated.total()
            or self.deleted.total()
            or self.versions_added
            or self.status_changes
        )


def write(manifest, user, stored):
    """Write the manifest; the names of the files it stores are appended to `stored`."""
    result = PaperImportResult(
        manifest.event.slug,
        len(manifest.sections),
        len(manifest.papers),
        sum(len(paper.authors) for paper in manifest.papers),
    )
    if manifest.proceedings:
        entry = manifest.proceedings
        proceedings = Proceedings.objects.filter(event=manifest.event).first()
        result.save_changes(
            proceedings or Proceedings(event=manifest.event), entry.columns, entry.spot
        )
    sections = write_sections(manifest, result)
    for entry in manifest.papers:
        paper = find_paper(manifest.event, entry) or Paper(
            event=manifest.event, speaker=entry.speaker
        )
        section = sections[entry.section].pk if entry.section is not None else None
        result.save_changes(paper, entry.columns | {"section_id": section}, entry.spot)
        write_authors(paper, entry, result)
        write_file(paper, entry, user, result, stored)
        advance(paper, entry.status, user, manifest.name, result)
    return result


def write_sections(manifest, result):
    stored = {}
    for section in manifest.event.paper_sections.order_by("position", "pk"):
        stored.setdefault(section.position, section)
    sections = []
    for entry in manifest.sections:
        section = stored.get(entry.columns["position"]) or Section(event=manifest.event)
        result.save_changes(section, entry.columns, entry.spot)
        sections.append(section)
    return sections


def find_paper(event, entry):
    """The speaker's paper at `event` whose version 1 has the manifest's file name."""
    return (
        Paper.objects.filter(
            event=event,
            speaker=entry.speaker,
            versions__number=1,
            versions__original_name=entry.checked.display_name,
        )
        .order_by("pk")
        .first()
    )


def write_authors(paper, entry, result):
    """Authors by (role, order); the stale are deleted first, so one supervisor at any moment."""
    wanted = {(author.columns["role"], author.columns["order"]) for author in entry.authors}
    stored, stale = {}, []
    for author in paper.authors.order_by("pk"):
        key = (author.role, author.order)
        if key in wanted and key not in stored:
            stored[key] = author
        else:
            stale.append(author.pk)
    Author.objects.filter(pk__in=stale).delete()
    result.deleted[Author] += len(stale)
    for author_entry in entry.authors:
        columns = author_entry.columns
        author = stored.get((columns["role"], columns["order"])) or Author(paper=paper)
        result.save_changes(author, columns, author_entry.spot)


def write_file(paper, entry, user, result, stored):
    """Store the file as the paper's next version unless a stored version has the same content."""
    if paper.versions.filter(sha256=entry.checked.sha256).exists():
        return
    try:
        version = submission.add_version(paper, entry.upload, user)
    except (PermissionDenied, ValidationError) as error:
        reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        if paper.versions.exists():
            reason = _("the file differs from the stored versions of this paper. %(reason)s") % {
                "reason": reason
            }
        entry.file_spot.fail(reason)
    except ConversionError as error:
        entry.file_spot.fail(str(error.message))
    stored.append(version.file.name)
    result.versions_added += 1


def advance(paper, target, user, manifest_name, result):
    """Move `paper` forward along STATUS_PATH to `target`; a paper elsewhere stays where it is."""
    status = Status(Paper.objects.values_list("status", flat=True).get(pk=paper.pk))
    if status not in STATUS_PATH or STATUS_PATH.index(status) >= STATUS_PATH.index(target):
        return
    for step in STATUS_PATH[STATUS_PATH.index(status) + 1 : STATUS_PATH.index(target) + 1]:
        if step == Status.SUBMITTED:
            comment = _("Received from the speaker; imported from %(file)s.")
            review.move(paper, step, user, comment % {"file": manifest_name}, for_speaker=True)
        else:
            review.move(paper, step, user)
        result.status_changes += 1


def import_papers(source, *, user):
    """Import the papers of the YAML manifest at `source` (a Path) as the organiser `user`.

    Files are named relative to the manifest's folder. Raises ImportFailed, having written
    nothing, when the manifest cannot be imported.
    """
    if not permissions.is_organiser(user):
        raise ImportFailed(
            None,
            "",
            _("%(user)s is not an organiser: papers are imported by an organiser.")
            % {"user": user},
        )
    source = Path(source)
    manifest = read_manifest(load(read_source(source)), source.parent, source.name)
    stored = []
    try:
        with transaction.atomic():
            return write(manifest, user, stored)
    except BaseException:
        storage = PaperVersion._meta.get_field("file").storage
        for name in stored:
            storage.delete(name)
        raise
