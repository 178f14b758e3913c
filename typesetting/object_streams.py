"""PDFs written compactly: every object that may be packed into a compressed object stream.

pypdf writes each object on its own, uncompressed; a tagged book has tens of thousands of small
ones (one per structure element), which made the merged book three times the size of the same
text typeset as one WeasyPrint document. qpdf (through pikepdf) packs them into object streams
as WeasyPrint does, in well under a second, and leaves the content streams as they are.
"""

import io

import pikepdf


def packed(pdf):
    """`pdf` (bytes) rewritten with object streams; the same document, page for page."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        # An identifier copied from a merged part would be kept as the first of the two.
        if "/ID" in document.trailer:
            del document.trailer["/ID"]
        output = io.BytesIO()
        document.save(
            output,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            compress_streams=True,
            recompress_flate=False,
            # The file identifier is a digest of the file: the same book has the same one.
            deterministic_id=True,
        )
    return output.getvalue()
