import io

from pypdf import PdfReader, PdfWriter

from typesetting import object_streams
from typesetting.printing import lay_out

HTML = "<html lang='ru'><p>Текст.</p><p style='break-before: page'>Вторая страница.</p></html>"


def test_a_merged_pdf_is_packed_smaller_with_the_same_pages_text_tags_and_a_fixed_identifier():
    writer = PdfWriter()
    for _ in range(3):
        writer.append(PdfReader(io.BytesIO(lay_out(HTML).write_pdf(pdf_tags=True))))
    output = io.BytesIO()
    writer.write(output)
    loose = output.getvalue()

    packed = object_streams.packed(loose)

    assert len(packed) < 0.8 * len(loose)
    before, after = PdfReader(io.BytesIO(loose)), PdfReader(io.BytesIO(packed))
    assert [p.extract_text() for p in after.pages] == [p.extract_text() for p in before.pages]
    first, second = (getattr(i, "original_bytes", i) for i in after.trailer["/ID"])
    assert first == second and object_streams.packed(loose) == packed  # the same file each time
