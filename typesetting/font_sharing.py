"""One embedded font program per font in a PDF merged from separately typeset documents.

Each document WeasyPrint writes embeds its own subset of every font it uses: a TrueType program
(FontFile2) under a Type0 font whose CIDFontType2 descendant maps CIDs to glyphs by /Identity.
WeasyPrint subsets with retained glyph ids (HarfBuzz's RETAIN_GIDS, weasyprint/pdf/fonts.py), so
the codes in its content streams are the glyph ids of the original font file, in every document
alike. A book merged from 30 such documents therefore carries 30 subsets of PT Serif that differ
only in which glyphs they hold.

`share_fonts` replaces them: for each original font file (found under FONT_DIRECTORIES by the
PostScript name the subsets keep) it subsets that file once, with retained glyph ids, to the union
of the glyphs every document uses, and points every font dictionary at that one program, with one
widths array and, where the documents agree on what each glyph means, one ToUnicode map. Content
streams are not touched. A subset whose advances and outlines are not the original's at the same
glyph ids (an uploaded PDF from another program that renumbers glyphs) keeps its own program, as
does a font whose file is not on this machine.

The check reads the widths the PDF gives and the head of each glyph's outline (contours and
bounding box) from the raw glyf table, not the decoded outlines: decoding them took 0.7 s for the
84 subsets of a 208-page book; all of share_fonts now takes about 0.1 s.
"""

import hashlib
import io
import re
import string
from functools import cache, lru_cache
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont, TTLibError
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
)

# Where fontconfig (and so WeasyPrint, through Pango) finds the system's fonts. Their .ttf files
# are read once per process (about 1 ms each); a font from a collection (.ttc) is left unshared.
FONT_DIRECTORIES = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
# As WeasyPrint subsets (its default options: no hinting).
SUBSET_OPTIONS = {
    "retain_gids": True,
    "hinting": False,
    "desubroutinize": True,
    "notdef_outline": True,
    "ignore_missing_glyphs": True,
}
DROPPED_TABLES = ["BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT"]
BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")


def share_fonts(writer):
    """Give every font of `writer` (a pypdf PdfWriter) that a shared program can replace one
    program, widths array and ToUnicode map; drops what no longer is referenced.

    Returns how many embedded programs were replaced.
    """
    groups = {}
    for font in embedded_fonts(writer):
        original = original_of(font)
        if original is not None:
            groups.setdefault(original, []).append(font)
    replaced = 0
    for path, fonts in groups.items():
        share(writer, path, fonts)
        replaced += len({id(font.program) for font in fonts})
    if replaced:
        drop_unreachable(writer)
        # The parts' font dictionaries, now alike, become one each (so do the parts' other
        # identical objects).
        writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    return replaced


class EmbeddedFont:
    """A Type0 font dictionary of the PDF with its CIDFontType2 descendant and FontFile2."""

    def __init__(self, type0, descendant, descriptor, program):
        self.type0, self.descendant, self.descriptor = type0, descendant, descriptor
        self.program = program
        self.widths = read_widths(descendant.get("/W", ArrayObject()))


def embedded_fonts(writer):
    """The fonts of `writer` that WeasyPrint's way of embedding could describe."""
    programs = {}  # one PdfObject per stream, so that a stream is parsed once
    for obj in writer._objects:
        if not isinstance(obj, DictionaryObject) or obj.get("/Subtype") != "/Type0":
            continue
        descendants = obj.get("/DescendantFonts")
        if not isinstance(descendants, ArrayObject) or len(descendants) != 1:
            continue
        descendant = descendants[0].get_object()
        if descendant.get("/Subtype") != "/CIDFontType2":
            continue
        if descendant.get("/CIDToGIDMap", "/Identity") != "/Identity":
            continue
        descriptor = descendant.get("/FontDescriptor")
        if descriptor is None or "/FontFile2" not in descriptor.get_object():
            continue
        descriptor = descriptor.get_object()
        stream = descriptor["/FontFile2"].get_object()
        program = programs.setdefault(id(stream), Program(stream))
        if program.font is not None:
            yield EmbeddedFont(obj, descendant, descriptor, program)


class Program:
    """An embedded TrueType program, parsed."""

    def __init__(self, stream):
        try:
            self.font = TTFont(io.BytesIO(stream.get_data()), lazy=True)
            self.postscript_name = self.font["name"].getDebugName(6)
        except (TTLibError, KeyError, AssertionError, ValueError, OSError):
            self.font = self.postscript_name = None


def original_of(font):
    """The path of the font file `font`'s subset was cut from, keeping its glyph ids; or None."""
    path = installed_fonts().get(font.program.postscript_name)
    if path is None or not same_glyphs(font.program.font, original_font(path), font.widths):
        return None
    return path


@cache
def installed_fonts():
    """The TrueType fonts under FONT_DIRECTORIES by PostScript name."""
    found = {}
    for directory in FONT_DIRECTORIES:
        for path in sorted(directory.rglob("*.ttf")) if directory.is_dir() else ():
            try:
                name = TTFont(path, lazy=True)["name"].getDebugName(6)
            except (TTLibError, KeyError, AssertionError, OSError):
                continue
            found.setdefault(name, path)
    return found


@cache
def original_font(path):
    return TTFont(path, lazy=True)


def same_glyphs(subset_font, original, widths):
    """Whether `subset_font` holds `original`'s glyphs at the ids of `widths` ({glyph id: width
    in thousandths of an em}, as the PDF gives them): every advance the PDF gives is the
    original's, and so is every glyph's outline header (its contours and bounding box; the rest
    of the outline differs by the hinting WeasyPrint drops)."""
    if "glyf" not in subset_font or "glyf" not in original or "fvar" in original:
        return False
    count, scale = original["maxp"].numGlyphs, 1000 / original["head"].unitsPerEm
    ids = sorted(gid for gid in widths if gid < count)
    if not ids or ids[-1] >= subset_font["maxp"].numGlyphs:
        return False
    metrics = original["hmtx"]
    for gid in ids:
        if abs(metrics[original.getGlyphName(gid)][0] * scale - widths[gid]) > 1:
            return False
    return glyph_headers(subset_font, ids) == glyph_headers(original, ids)


def glyph_headers(font, glyph_ids):
    """The first bytes of each glyph's outline, read from the raw glyf table: the number of
    contours and the bounding box, which hinting leaves alone."""
    offsets, data = font["loca"], font.reader["glyf"]
    return [data[offsets[gid] : min(offsets[gid + 1], offsets[gid] + 10)] for gid in glyph_ids]


# --- Sharing --------------------------------------------------------------------------------------


def share(writer, path, fonts):
    """Point `fonts`, all cut from the font file `path`, at one program, widths and map."""
    original = original_font(path)
    count = original["maxp"].numGlyphs
    widths = {}
    for font in fonts:
        for gid, width in font.widths.items():
            widths.setdefault(gid, width)
    glyph_ids = sorted({0, *(gid for gid in widths if gid < count)})
    name = f"{tag(path, glyph_ids)}+{untagged(fonts[0].type0['/BaseFont'])}"
    program = writer._add_object(font_program(path, glyph_ids))
    descriptor = DictionaryObject(fonts[0].descriptor)
    descriptor.pop("/CIDSet", None)  # it would have to list the union; it is optional
    descriptor[NameObject("/FontName")] = NameObject(f"/{name}")
    descriptor[NameObject("/FontBBox")] = union_box(font.descriptor["/FontBBox"] for font in fonts)
    descriptor[NameObject("/FontFile2")] = program
    descendant = DictionaryObject(fonts[0].descendant)
    descendant[NameObject("/BaseFont")] = NameObject(f"/{name}")
    descendant[NameObject("/W")] = writer._add_object(widths_array(widths))
    descendant[NameObject("/FontDescriptor")] = writer._add_object(descriptor)
    descendant = writer._add_object(descendant)
    for font, to_unicode in zip(fonts, shared_maps(writer, fonts), strict=True):
        font.type0[NameObject("/BaseFont")] = NameObject(f"/{name}")
        font.type0[NameObject("/DescendantFonts")] = ArrayObject([descendant])
        if to_unicode is not None:
            font.type0[NameObject("/ToUnicode")] = to_unicode


def font_program(path, glyph_ids):
    """The font file `path` subset to `glyph_ids`, their ids kept, as a FontFile2 stream."""
    data = subset_of(path, tuple(glyph_ids))
    stream = DecodedStreamObject()
    stream.set_data(data)
    stream = stream.flate_encode()
    stream[NameObject("/Length1")] = NumberObject(len(data))
    return stream


@lru_cache(maxsize=16)
def subset_of(path, glyph_ids):
    """The subset's bytes; kept, since a rebuild of an unchanged book asks for the same ones."""
    options = subset.Options(**SUBSET_OPTIONS)
    options.drop_tables += DROPPED_TABLES
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=glyph_ids)
    font = TTFont(path)
    subsetter.subset(font)
    data = io.BytesIO()
    font.save(data)
    return data.getvalue()


def tag(path, glyph_ids):
    """Six capital letters naming this subset, as PDF subset names begin (“ABCDEF+”)."""
    digest = hashlib.sha256(f"{path.name}:{glyph_ids}".encode()).digest()
    return "".join(string.ascii_uppercase[byte % 26] for byte in digest[:6])


def untagged(base_font):
    name = str(base_font).lstrip("/")
    prefix, plus, rest = name.partition("+")
    return rest if plus and len(prefix) == 6 and prefix.isupper() else name


def union_box(boxes):
    boxes = [[float(value) for value in box] for box in boxes]
    return ArrayObject(
        FloatObject(edge(values))
        for edge, values in zip((min, min, max, max), zip(*boxes, strict=True), strict=True)
    )


def read_widths(array):
    """A CIDFont's /W array as {glyph id: width}."""
    widths, items, index = {}, list(array), 0
    while index < len(items):
        first = int(items[index])
        following = items[index + 1].get_object()
        if isinstance(following, ArrayObject):
            for offset, width in enumerate(following):
                widths[first + offset] = float(width)
            index += 2
        else:
            width = float(items[index + 2])
            for gid in range(first, int(following) + 1):
                widths[gid] = width
            index += 3
    return widths


def widths_array(widths):
    """{glyph id: width} as a /W array: runs of consecutive ids, each with its widths."""
    array, run = ArrayObject(), None
    for gid in sorted(widths):
        if run is None or gid - 1 not in widths:
            run = ArrayObject()
            array += [NumberObject(gid), run]
        width = widths[gid]
        run.append(NumberObject(int(width)) if width == int(width) else FloatObject(width))
    return array


def shared_maps(writer, fonts):
    """For each of `fonts`, the ToUnicode stream to give it, or None to keep its own.

    Fonts whose maps agree (no glyph read as two texts) share one map of all their glyphs; a font
    whose map contradicts the shared one (one document read a glyph as a space, another as a
    no-break space) keeps its own, so that every page's text reads as before.
    """
    merged, members = {}, []
    for font in fonts:
        mapping = read_map(font.type0.get("/ToUnicode"))
        if mapping is None or any(merged.get(gid, text) != text for gid, text in mapping.items()):
            members.append(False)
            continue
        merged.update(mapping)
        members.append(True)
    if not any(members):
        return [None] * len(fonts)
    shared = writer._add_object(to_unicode_stream(merged))
    return [shared if member else None for member in members]


def read_map(reference):
    """A ToUnicode CMap of single-code entries (as WeasyPrint writes them) as {code: hex text};
    None for any other."""
    if reference is None:
        return None
    data = reference.get_object().get_data()
    if b"bfrange" in data or b"<0000> <ffff>" not in data:
        return None
    mapping = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.DOTALL):
        for code, text in BFCHAR.findall(block):
            mapping[int(code, 16)] = text.lower()
    return mapping


def to_unicode_stream(mapping):
    lines = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<0000> <ffff>",
        b"endcodespacerange",
    ]
    items = sorted(mapping.items())
    for start in range(0, len(items), 100):  # at most 100 entries per block
        batch = items[start : start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [b"<%04x> <%s>" % (code, text) for code, text in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    stream = DecodedStreamObject()
    stream.set_data(b"\n".join(lines))
    return stream.flate_encode()


# --- Cleaning up ----------------------------------------------------------------------------------


def drop_unreachable(writer):
    """Free the objects nothing reachable from the trailer refers to (the replaced subsets)."""
    roots = [writer._root_object, writer._info, getattr(writer, "_ID", None)]
    pending = [root.indirect_reference for root in roots if root is not None]
    reached = set()
    while pending:
        obj = pending.pop()
        if isinstance(obj, IndirectObject):
            if obj.pdf is not writer or obj.idnum in reached:
                continue
            reached.add(obj.idnum)
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            pending += obj.values()
        elif isinstance(obj, ArrayObject):
            pending += obj
    for idnum in range(1, len(writer._objects) + 1):
        if idnum not in reached:
            writer._objects[idnum - 1] = None
