"""The shared A4 table writer (kesos.core.pdf): letterhead, title, a header that repeats on every page,
"Halaman N dari M", and the signature block.

No PDF reader is installed (no pypdf, pdfminer or poppler), and none is added for tests: `pdf_text`
below undoes reportlab's stream filters (ASCII85, Flate) and reads the strings of the text operators,
which is enough to know what a page says.
"""

import base64
import datetime
import re
import zlib

from kesos.core.pdf import table_pdf

STREAM = re.compile(rb"<<((?:(?!<<|>>).)*)>>\s*stream\r?\n(.*?)\s*endstream", re.S)
TEXT = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", re.S)
ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)
SIMPLE = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(raw: bytes) -> str:
    def one(m):
        code = m.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8) & 0xFF])
        return SIMPLE.get(code, code)

    return ESCAPE.sub(one, raw).decode("cp1252", errors="replace")


def pdf_pages(data: bytes) -> list[str]:
    """The text of each content stream (one per page in reportlab's output), lines joined by newlines."""
    pages = []
    for dictionary, body in STREAM.findall(data):
        if b"/Subtype" in dictionary:  # images, fonts: not page text
            continue
        if b"/ASCII85Decode" in dictionary:
            body = base64.a85decode(body.strip().removesuffix(b"~>"), adobe=False)
        if b"/FlateDecode" in dictionary:
            body = zlib.decompress(body)
        strings = [_unescape(s) for s in TEXT.findall(body)]
        if strings:
            pages.append("\n".join(strings))
    return pages


def pdf_text(data: bytes) -> str:
    return "\n".join(pdf_pages(data))


LETTERHEAD = ["DINAS SOSIAL PROVINSI KALIMANTAN SELATAN", "Jl. Letjen R. Soeprapto No. 8, Banjarmasin"]
HEADER = ["No", "Nama", "Unsur", "Jabatan/instansi"]


def rows(n):
    return [[i, f"Peserta ke-{i}", "TKSK", "Kecamatan Cempaka"] for i in range(1, n + 1)]


def test_it_writes_an_a4_pdf_with_letterhead_title_table_and_page_number():
    data = table_pdf(title_lines=["DAFTAR HADIR", "Bimtek TKSK 2026"], header=HEADER, rows=rows(3),
                     letterhead=LETTERHEAD)  # fmt: skip
    assert data.startswith(b"%PDF-")
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in data  # A4 portrait, in points
    text = pdf_text(data)
    assert text.index("DINAS SOSIAL PROVINSI KALIMANTAN SELATAN") < text.index("DAFTAR HADIR") < text.index("\nNo\n")
    assert "Bimtek TKSK 2026" in text and "Peserta ke-3" in text
    assert "Halaman 1 dari 1" in text


def test_a_long_table_repeats_its_header_on_every_page_and_counts_the_pages():
    pages = pdf_pages(table_pdf(title_lines=["DAFTAR HADIR"], header=HEADER, rows=rows(120), letterhead=LETTERHEAD))
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert "Jabatan/instansi" in page
        assert f"Halaman {number} dari {len(pages)}" in page
    assert "DINAS SOSIAL PROVINSI" in pages[0] and "DINAS SOSIAL PROVINSI" not in pages[1]  # letterhead once
    everything = "\n".join(pages)
    assert all(f"Peserta ke-{i}\n" in everything + "\n" for i in (1, 60, 120))


def test_landscape_turns_the_page():
    data = table_pdf(title_lines=["REKAP"], header=HEADER, rows=rows(1), letterhead=[], landscape=True)
    assert b"/MediaBox [ 0 0 841.8898 595.2756 ]" in data


def test_the_signature_block_closes_the_document_with_place_date_name_and_nip():
    text = pdf_text(
        table_pdf(
            title_lines=["DAFTAR HADIR"],
            header=HEADER,
            rows=rows(2),
            letterhead=LETTERHEAD,
            signature={
                "place": "Banjarmasin",
                "date": datetime.date(2026, 3, 5),
                "title": "Kepala Dinas Sosial",
                "name": "Drs. H. Muhammad Ramadhan",
                "nip": "196801011990031001",
            },
        )  # fmt: skip
    )
    assert "Banjarmasin, 5 Maret 2026" in text
    assert text.index("Peserta ke-2") < text.index("Kepala Dinas Sosial") < text.index("Drs. H. Muhammad Ramadhan")
    assert "NIP. 196801011990031001" in text


def test_a_blank_signatory_leaves_dotted_lines_to_fill_by_hand():
    text = pdf_text(table_pdf(title_lines=["X"], header=HEADER, rows=[], letterhead=[],
                              signature={"title": "Panitia", "name": "", "nip": ""}))  # fmt: skip
    assert "Belum ada data." in text
    assert "(....." in text and "NIP. ....." in text


def test_values_are_printed_as_text_not_markup_and_totals_in_a_footer_row():
    text = pdf_text(
        table_pdf(
            title_lines=["REKAP"],
            header=["No", "Unsur", "Jumlah"],
            letterhead=[],
            rows=[[1, "OPD <terkait> & mitra", 14], [2, "Tagana", None]],
            footer_rows=[["", "Jumlah", 14]],
            align=["CENTER", "LEFT", "RIGHT"],
            col_widths=[1, 6, 2],
        )  # fmt: skip
    )
    # reportlab draws the text in pieces around the escaped characters; what matters is that they print
    assert re.search(r"OPD <\s*terkait\s*> & mitra", text)
    assert text.rstrip().endswith("Halaman 1 dari 1")
    assert "Jumlah\n14" in text


def test_unreadable_stream_option_is_off_for_tests_and_the_text_reads_the_same():
    kwargs = {"title_lines": ["DAFTAR HADIR"], "header": HEADER, "rows": rows(2), "letterhead": LETTERHEAD}
    plain = table_pdf(compress=False, **kwargs)
    assert b"(Peserta ke-2) Tj" in plain
    assert pdf_text(plain) == pdf_text(table_pdf(**kwargs))
