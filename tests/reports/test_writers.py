"""One Recap into XLSX, CSV and PDF: the files are read back as a user's program would read them."""

import openpyxl
import pytest

from kesos.reports import writers
from kesos.reports.recap import Column, Recap
from tests.core.test_pdf import pdf_pages


def a_recap(rows=None, **extra) -> Recap:
    return Recap(
        title="REKAPITULASI LKS PER JENIS PER KABUPATEN/KOTA",
        region="PROVINSI KALIMANTAN SELATAN",
        period="TAHUN 2025",
        as_of="Keadaan s.d. 31 Desember 2025",
        columns=[
            Column("No", "int"),
            Column("Kabupaten/Kota"),
            Column("A", "int", group="Akreditasi"),
            Column("B", "int", group="Akreditasi"),
            Column("TKSK/Kec (%)", "percent"),
            Column("Jumlah", "int"),
        ],  # fmt: skip
        rows=rows if rows is not None else [[1, "Tanah Laut", 3, 1, 91.7, 4], [2, "Kota Banjarmasin", 0, 2, None, 2]],
        totals=[["", "Jumlah", 3, 3, 95.5, 6]],
        notes=["Satu LKS dengan dua jenis dihitung di kedua kolom jenis."],
        **extra,
    )


def test_the_xlsx_has_the_heading_block_numeric_cells_totals_and_a_frozen_header(tmp_path):
    path = tmp_path / "r.xlsx"
    assert writers.write(a_recap(), "xlsx", path) == 2
    sheet = openpyxl.load_workbook(path).active
    assert sheet["A1"].value == "REKAPITULASI LKS PER JENIS PER KABUPATEN/KOTA PROVINSI KALIMANTAN SELATAN TAHUN 2025"
    assert sheet["A2"].value == "Sumber: Dinas Sosial Kab/Kota, diolah"
    assert sheet["A3"].value == "Keadaan s.d. 31 Desember 2025"
    # A group row ("Akreditasi" over A | B), then the column labels; the header stays frozen above the data.
    assert sheet["C5"].value == "Akreditasi" and "C5:D5" in {str(r) for r in sheet.merged_cells.ranges}
    assert [c.value for c in sheet[6]] == ["No", "Kabupaten/Kota", "A", "B", "TKSK/Kec (%)", "Jumlah"]
    assert sheet.freeze_panes == "A7"
    assert [c.value for c in sheet[7]] == [1, "Tanah Laut", 3, 1, 91.7, 4]
    assert isinstance(sheet["C7"].value, int) and sheet["C7"].number_format == "#,##0"
    assert sheet["E7"].number_format == "0.0"
    assert sheet["E8"].value is None  # no percentage: an empty cell, not a zero
    assert [c.value for c in sheet[9]][1:] == ["Jumlah", 3, 3, 95.5, 6] and sheet["B9"].font.b
    assert sheet["A11"].value == "Satu LKS dengan dua jenis dihitung di kedua kolom jenis."
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.print_title_rows == "$5:$6"


def test_the_csv_starts_with_a_bom_and_holds_one_table(tmp_path):
    path = tmp_path / "r.csv"
    writers.write(a_recap(), "csv", path)
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeffNo,Kabupaten/Kota,Akreditasi A,Akreditasi B,TKSK/Kec (%),Jumlah\r\n")
    assert text.splitlines()[1:] == ["1,Tanah Laut,3,1,91.7,4", "2,Kota Banjarmasin,0,2,,2", ",Jumlah,3,3,95.5,6"]


def test_the_pdf_is_a4_landscape_with_letterhead_heading_table_and_signature(tmp_path):
    path = tmp_path / "r.pdf"
    writers.write(
        a_recap(), "pdf", path, letterhead=["DINAS SOSIAL PROVINSI KALIMANTAN SELATAN", "Jl. Letjen S. Parman"],
        signature={"place": "Banjarbaru", "date": "5 Januari 2026", "title": "Kepala Dinas Sosial",
                   "name": "Drs. Contoh", "nip": "196801011990031001"},
    )  # fmt: skip
    data = path.read_bytes()
    assert b"/MediaBox [ 0 0 841.8898 595.2756 ]" in data  # A4 landscape
    text = "\n".join(pdf_pages(data))
    expected = ["DINAS SOSIAL PROVINSI KALIMANTAN SELATAN", "TAHUN 2025", "Keadaan s.d. 31 Desember 2025",
                "Tanah Laut", "91.7", "Jumlah", "Halaman 1 dari 1", "Drs. Contoh",
                "NIP. 196801011990031001"]  # fmt: skip
    for line in expected:
        assert line in text, line


def test_a_long_list_is_written_from_an_iterator_reporting_progress(tmp_path):
    seen = []
    rows = ([n, f"Orang {n}", n % 3, 0, None, 1] for n in range(1, 12_001))
    count = writers.write(a_recap(rows=rows, row_count=12_000), "xlsx", tmp_path / "r.xlsx", progress=seen.append)
    assert count == 12_000 and seen == [5000, 10000]
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx", read_only=True).active
    assert sheet.max_row == 6 + 12_000 + 1 + 2


def test_a_pdf_refuses_a_list_too_long_for_paper(tmp_path):
    rows = ([n, "x", 0, 0, None, 0] for n in range(writers.PDF_MAX_ROWS + 2))
    with pytest.raises(ValueError, match="pilih Excel atau CSV"):
        writers.write(a_recap(rows=rows), "pdf", tmp_path / "r.pdf")
