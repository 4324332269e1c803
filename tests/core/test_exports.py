"""CSV and XLSX exports never hand a spreadsheet a formula: text that starts like one is written inert."""

import csv
import io
from decimal import Decimal

import openpyxl

from kesos.core.exports import CsvRows, inert, stream_csv
from kesos.reports import writers
from kesos.reports.recap import Column, Recap

PLANTED = ['=HYPERLINK("http://x","klik")', "+1+1", "@SUM(A1)", "-2+3", "\t=1+1", "\r=1+1", "\n=1+1"]


def test_text_starting_like_a_formula_gets_a_leading_quote_and_numbers_stay_numbers():
    for value in PLANTED:
        assert inert(value) == "'" + value
    for value in ("Siti Aminah", "Jl. A. Yani km 5", "a=b", "", "6372031412650002"):
        assert inert(value) == value
    for value in (-5, -2.5, Decimal("-750000"), 0, 12):
        assert inert(value) == value
    assert inert(None) == ""


def test_the_streamed_csv_download_writes_every_cell_inert():
    response = stream_csv(filename="x.csv", header=["No", "Nama", "Saldo"], rows=[[1, p, -3] for p in PLANTED])
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body, newline="")))
    assert [row[1] for row in rows[1:]] == ["'" + p for p in PLANTED]
    assert {row[2] for row in rows[1:]} == {"-3"}  # a negative number is still a number


def test_the_csv_row_writer_writes_to_a_file_too():
    out = io.StringIO()
    CsvRows(out).writerow(["=1+1", None, -1])
    assert out.getvalue() == "'=1+1,,-1\r\n"


def planted_recap() -> Recap:
    return Recap(
        title='=HYPERLINK("http://x","judul")',
        region="+1+1",
        period="TAHUN 2025",
        as_of="@SUM(A1)",
        columns=[Column("No", "int"), Column("Nama"), Column("-2+3", "int", group="=1+1"), Column("X", "int",
                                                                                                  group="=1+1")],
        rows=[[n, p, -n, n] for n, p in enumerate(PLANTED, start=1)],
        totals=[["", "=SUM(C1:C9)", -28, 28]],
    )  # fmt: skip


def test_the_recap_csv_writes_planted_text_inert(tmp_path):
    path = tmp_path / "r.csv"
    writers.write(planted_recap(), "csv", path)
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
    assert rows[0][2] == "'=1+1 -2+3"
    assert [row[1] for row in rows[1:-1]] == ["'" + p for p in PLANTED]
    assert rows[-1] == ["", "'=SUM(C1:C9)", "-28", "28"]


def test_the_recap_xlsx_holds_planted_text_as_text_cells_never_formulas(tmp_path):
    path = tmp_path / "r.xlsx"
    writers.write(planted_recap(), "xlsx", path)
    sheet = openpyxl.load_workbook(path).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if c.data_type == "s"}
    assert {p for p in PLANTED if "\r" not in p} <= texts and "=1+1" in texts and "=SUM(C1:C9)" in texts
    assert sheet["A1"].value.startswith('=HYPERLINK("http://x","judul")') and sheet["A1"].data_type == "s"
    assert sheet["C7"].value == -1 and sheet["C7"].data_type == "n"
