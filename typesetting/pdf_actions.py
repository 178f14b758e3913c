"""What a speaker's PDF may still do once it is in the book: open web and mail links, no more.

A PDF can carry actions that a reader's viewer runs: links that launch programs (/Launch), run
JavaScript, open other files (/GoToR, /GoToE), send or fetch form data (/SubmitForm,
/ImportData); actions run when the document or a page opens (/OpenAction, /AA), document-level
JavaScript, embedded files, forms with their scripts. `make_inert` leaves of an uploaded PDF's
actions only URI actions to http(s) and mailto addresses and jumps within the document, before
it goes into the book and from there into the papers' offprints. A link with any other action is
dropped whole; so are annotations that play or embed files. The speaker's uploaded file itself is
kept as it was: only the speaker and the organisers download it.
"""

import re

from pypdf.generic import ArrayObject, ByteStringObject, DictionaryObject, NameObject

SAFE_URI = re.compile(r"(https?://|mailto:)", re.IGNORECASE)
# Annotations whose whole purpose is to embed, play or run something.
ACTIVE_ANNOTATIONS = {"/FileAttachment", "/Screen", "/RichMedia", "/Movie", "/Sound", "/3D"}
# Entries of the catalogue's name dictionary that run or embed something.
ACTIVE_NAMES = ("/JavaScript", "/EmbeddedFiles")
# Form fields nest; a crafted file may make their /Parent chain a loop.
MAX_FIELD_DEPTH = 32


def make_inert(writer):
    """Strip from the PdfWriter's document every action but safe links (see the module doc)."""
    root = writer.root_object
    for key in ("/OpenAction", "/AA", "/AcroForm"):  # forms hold field scripts and XFA
        root.pop(key, None)
    if "/Names" in root:
        names = root["/Names"].get_object()
        for key in ACTIVE_NAMES:
            names.pop(key, None)
    for page in writer.pages:
        page.pop("/AA", None)
        if "/Annots" in page:
            annotations = page["/Annots"].get_object()
            page[NameObject("/Annots")] = ArrayObject(
                reference for reference in annotations if kept(reference.get_object())
            )
    # What was taken out is no longer referenced; unless removed it would still be written.
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)


def kept(annotation):
    """Whether the annotation stays; what acts in one that stays is removed from it."""
    if not isinstance(annotation, DictionaryObject):
        return False
    if annotation.get("/Subtype") in ACTIVE_ANNOTATIONS:
        return False
    field = annotation
    for _ in range(MAX_FIELD_DEPTH):  # a form field's widget and the fields it belongs to
        field.pop("/AA", None)
        field = field.get("/Parent")
        field = field.get_object() if field is not None else None
        if not isinstance(field, DictionaryObject):
            break
    if "/A" not in annotation:
        return True
    action = annotation["/A"].get_object()
    if isinstance(action, DictionaryObject) and safe(action):
        action.pop("/Next", None)  # actions chained after the link's own
        return True
    if annotation.get("/Subtype") == "/Link":
        return False
    annotation.pop("/A")
    return True


def safe(action):
    kind = action.get("/S")
    if kind == "/GoTo":
        return True
    uri = action.get("/URI", "")
    if isinstance(uri, ByteStringObject):
        uri = uri.decode("latin-1")
    return kind == "/URI" and bool(SAFE_URI.match(str(uri)))
