"""One `Recap` into a file: XLSX, CSV or PDF, whichever recap it is.

- XLSX: the heading block (title, source, state-as-of), a header row (and a group row above it when
  columns are grouped, "ABT" over L | P), numeric cells with number formats, bold "Jumlah" rows,
  frozen header, column widths, A4 landscape printing with the header repeated and "Halaman N dari M".
  Written with xlsxwriter's `constant_memory`, so a by-name list of a million rows stays flat in
  memory (rows are flushed as they are written).
- CSV: UTF-8 with a BOM (Excel then reads it right), one header line, data rows and the totals; the
  heading block is left out so the file stays one table for other programs.
- PDF: A4 landscape with the office letterhead, page numbers and a signature block (`kesos.core.pdf`).

`write(recap, fmt, path, *, letterhead, signature, progress)` writes to `path` and returns the number
of data rows; `progress(rows_written)` is called every `PROGRESS_EVERY` rows of a long list.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby

import xlsxwriter

from kesos.core.exports import BOM, CsvRows
from kesos.core.pdf import table_pdf

from .recap import Column, Recap

PROGRESS_EVERY = 5000
XLSX_OPTIONS = {"constant_memory": True, "remove_timezone": True, "strings_to_formulas": False}
NUMBER_FORMATS = {"int": "#,##0", "money": "#,##0", "percent": "0.0"}
# Rows a PDF may hold: beyond this a by-name list is for Excel or CSV, not for paper.
PDF_MAX_ROWS = 5000


def _label(column: Column) -> str:
    return f"{column.group} {column.label}" if column.group else column.label


def _noop(rows: int) -> None:
    return None


def write(
    recap: Recap,
    fmt: str,
    path,
    *,
    letterhead: list[str] | None = None,
    signature: dict | None = None,
    progress: Callable[[int], None] = _noop,
) -> int:
    if fmt == "xlsx":
        return write_xlsx(recap, path, progress=progress)
    if fmt == "csv":
        return write_csv(recap, path, progress=progress)
    if fmt == "pdf":
        return write_pdf(recap, path, letterhead=letterhead or [], signature=signature)
    raise ValueError(f"Format tidak dikenal: {fmt}")


def write_csv(recap: Recap, path, *, progress=_noop) -> int:
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as out:
        out.write(BOM)
        writer = CsvRows(out)  # text that looks like a formula is written inert
        writer.writerow([_label(c) for c in recap.columns])
        for count, row in enumerate(recap.rows, start=1):
            writer.writerow(row)
            if count % PROGRESS_EVERY == 0:
                progress(count)
        for row in recap.totals:
            writer.writerow(row)
    return count


def _width(column: Column) -> float:
    if column.label == "No":
        return 5
    if column.kind == "text":
        return max(len(column.label) + 2, 24)
    return max(len(column.label) + 2, 8 if column.kind != "money" else 14)


def write_xlsx(recap: Recap, path, *, progress=_noop) -> int:
    # User text goes in as text cells (`write_string`); `strings_to_formulas` off keeps any plain `write`
    # of a heading or group label from turning a name that starts with "=" into a formula.
    book = xlsxwriter.Workbook(str(path), XLSX_OPTIONS)
    sheet = book.add_worksheet("Rekap")
    last = len(recap.columns) - 1
    title = book.add_format({"bold": True, "font_size": 12, "align": "center"})
    line = book.add_format({"italic": True})
    head = book.add_format({"bold": True, "border": 1, "text_wrap": True, "align": "center", "valign": "vcenter",
                            "bg_color": "#E7EEF7"})  # fmt: skip
    cell = {kind: book.add_format({"border": 1, "num_format": fmt}) for kind, fmt in NUMBER_FORMATS.items()}
    cell["text"] = book.add_format({"border": 1})
    total = {
        kind: book.add_format({"border": 1, "bold": True, "num_format": fmt}) for kind, fmt in NUMBER_FORMATS.items()
    }
    total["text"] = book.add_format({"border": 1, "bold": True})

    for c, column in enumerate(recap.columns):
        sheet.set_column(c, c, _width(column))
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # all columns on the page width, as many pages down as needed
    sheet.set_footer("&CHalaman &P dari &N")

    sheet.merge_range(0, 0, 0, last, recap.heading[0], title) if last else sheet.write(0, 0, recap.heading[0], title)
    sheet.write(1, 0, recap.heading[1], line)
    sheet.write(2, 0, recap.heading[2], line)
    row = 4
    if any(c.group for c in recap.columns):
        start = 0
        for group, members in groupby(recap.columns, key=lambda c: c.group):
            width = len(list(members))
            if group and width > 1:
                sheet.merge_range(row, start, row, start + width - 1, group, head)
            else:
                for c in range(start, start + width):
                    sheet.write(row, c, group, head)
            start += width
        row += 1
    sheet.set_row(row, 30)
    for c, column in enumerate(recap.columns):
        sheet.write_string(row, c, column.label, head)
    sheet.repeat_rows(4, row)
    sheet.freeze_panes(row + 1, 0)

    def put(r: int, values, formats) -> None:
        for c, (column, value) in enumerate(zip(recap.columns, values, strict=False)):
            if value is None or value == "":
                sheet.write_blank(r, c, None, formats[column.kind])
            elif column.kind != "text" and isinstance(value, int | float):
                sheet.write_number(r, c, value, formats[column.kind])
            else:
                sheet.write_string(r, c, str(value), formats["text"])

    count = 0
    for count, values in enumerate(recap.rows, start=1):
        put(row + count, values, cell)
        if count % PROGRESS_EVERY == 0:
            progress(count)
    row += count
    for values in recap.totals:
        row += 1
        put(row, values, total)
    for note in recap.notes:
        row += 1
        sheet.write_string(row + 1, 0, note, line)
    book.close()
    return count


def write_pdf(recap: Recap, path, *, letterhead: list[str], signature: dict | None) -> int:
    rows = []
    for values in recap.rows:
        rows.append(values)
        if len(rows) > PDF_MAX_ROWS:
            raise ValueError(f"Terlalu banyak baris untuk PDF (lebih dari {PDF_MAX_ROWS}); pilih Excel atau CSV.")
    wide = len(recap.columns) > 16
    pdf = table_pdf(
        title_lines=recap.heading + recap.notes,
        header=[f"{c.group}\n{c.label}" if c.group else c.label for c in recap.columns],
        rows=rows,
        footer_rows=recap.totals,
        letterhead=letterhead,
        landscape=True,
        signature=signature,
        col_widths=[0.8 if c.label == "No" else (5 if c.kind == "text" else 1.6) for c in recap.columns],
        align=["CENTER" if c.label == "No" else ("LEFT" if c.kind == "text" else "RIGHT") for c in recap.columns],
        font_size=5.5 if wide else 8,
    )
    with open(path, "wb") as out:
        out.write(pdf)
    return len(rows)
