"""Printable A4 documents: a letterhead (kop surat), a title block, one table and a signature block.

Daftar hadir, recaps and lists that an office prints, signs and files all have this shape, so one
function writes them: `table_pdf(...)` returns the PDF's bytes. It uses reportlab's built-in
Helvetica (no font files, no system libraries), which covers the Latin-1/WinAnsi characters that
Indonesian text uses.

- The letterhead is printed once, at the top of the first page, above a double rule.
- The table's header row repeats at the top of every page; long cells wrap.
- Every page gets "Halaman N dari M" at the bottom.
- The optional signature block follows the table and is never split across pages.

Example (a landscape recap with a total row)::

    pdf = table_pdf(
        title_lines=["REKAPITULASI PESERTA", "Rakor Bidang Sosial 2023"],
        header=["No", "Unsur", "Jumlah"], rows=[[1, "TKSK", 22], [2, "Tagana", 25]],
        footer_rows=[["", "Jumlah", 47]], align=["CENTER", "LEFT", "RIGHT"], col_widths=[1, 8, 2],
        letterhead=["DINAS SOSIAL KABUPATEN MUARA ENIM", "Jl. Jenderal Sudirman No. 1, Muara Enim"],
        landscape=True,
        signature={"place": "Muara Enim", "date": datetime.date(2023, 11, 6),
                   "title": "Kepala Dinas Sosial", "name": "Drs. Bhakti, M.Si", "nip": "196801011990031001"},
    )
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape as landscape_of
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas
from reportlab.platypus import HRFlowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT, BOLD = "Helvetica", "Helvetica-Bold"
MARGIN = 1.5 * cm
ALIGNMENTS = {"LEFT": TA_LEFT, "CENTER": TA_CENTER, "RIGHT": TA_RIGHT}
EMPTY_TABLE = "Belum ada data."
DOTS = "(" + "." * 40 + ")"


def _style(name, size=9, bold=False, align="LEFT", leading=None, space_after=0) -> ParagraphStyle:
    return ParagraphStyle(
        name, fontName=BOLD if bold else FONT, fontSize=size, leading=leading or size * 1.25,
        alignment=ALIGNMENTS[align], spaceAfter=space_after,
    )  # fmt: skip


def _text(value) -> str:
    """A cell value as Paragraph markup: None is empty, line breaks are kept, markup characters escaped."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        value = value.strftime("%d-%m-%Y")
    return escape(str(value)).replace("\n", "<br/>")


def _date_text(value) -> str:
    if isinstance(value, datetime.date):
        from django.utils.formats import date_format

        return date_format(value, "j F Y")  # "6 November 2023" in the active language
    return str(value or "")


class _NumberedCanvas(canvas.Canvas):
    """Holds the pages back until the end, so each can say how many there are."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            width, _ = self._pagesize
            self.setFont(FONT, 8)
            self.setFillColor(colors.black)
            self.drawRightString(width - MARGIN, MARGIN / 2, f"Halaman {number} dari {total}")
            super().showPage()
        super().save()


def _letterhead(lines: Sequence[str], width: float) -> list:
    if not lines:
        return []
    flow = [Paragraph(_text(lines[0]), _style("kop", size=14, bold=True, align="CENTER", leading=17))]
    flow += [Paragraph(_text(line), _style("kop-alamat", size=9, align="CENTER")) for line in lines[1:]]
    flow += [
        Spacer(1, 4),
        HRFlowable(width=width, thickness=2, color=colors.black, spaceBefore=0, spaceAfter=1),
        HRFlowable(width=width, thickness=0.5, color=colors.black, spaceBefore=0, spaceAfter=10),
    ]
    return flow


def _title(lines: Sequence[str]) -> list:
    flow = []
    for n, line in enumerate(lines):
        flow.append(Paragraph(_text(line), _style(f"judul{n}", size=12 if n == 0 else 10, bold=n == 0, align="CENTER")))
    return [*flow, Spacer(1, 10)] if flow else []


def _widths(count: int, col_widths: Sequence[float] | None, available: float) -> list[float]:
    weights = list(col_widths) if col_widths else [1] * count
    if len(weights) != count:
        raise ValueError(f"col_widths has {len(weights)} values for {count} columns")
    total = sum(weights)
    return [available * w / total for w in weights]


def _table(header, rows, footer_rows, widths, align, font_size) -> Table:
    align = list(align) if align else ["LEFT"] * len(header)
    head_style = _style("kepala", size=font_size, bold=True, align="CENTER")
    cell_styles = [_style(f"sel-{a}", size=font_size, align=a) for a in align]
    bold_styles = [_style(f"jumlah-{a}", size=font_size, bold=True, align=a) for a in align]
    data = [[Paragraph(_text(h), head_style) for h in header]]
    body = list(rows)
    for row in body:
        data.append([Paragraph(_text(v), cell_styles[i]) for i, v in enumerate(row)])
    if not body:
        data.append([Paragraph(EMPTY_TABLE, cell_styles[0])] + [""] * (len(header) - 1))
    for row in footer_rows or []:
        data.append([Paragraph(_text(v), bold_styles[i]) for i, v in enumerate(row)])
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if not body:
        commands.append(("SPAN", (0, 1), (-1, 1)))
    return Table(data, colWidths=widths, repeatRows=1, style=TableStyle(commands))


def _signature(signature: dict, width: float) -> list:
    """Right-hand block: place and date, title, room to sign, name and NIP (dotted when blank)."""
    style = _style("ttd", size=10, align="CENTER")
    place_date = ", ".join(p for p in (str(signature.get("place") or ""), _date_text(signature.get("date"))) if p)
    lines = [Paragraph(_text(place_date), style)] if place_date else []
    lines.append(Paragraph(_text(signature.get("title") or ""), style))
    lines.append(Spacer(1, 1.8 * cm))
    name = signature.get("name") or ""
    lines.append(Paragraph(f"<u>{_text(name)}</u>" if name else DOTS, _style("ttd-nama", size=10, bold=True,
                                                                            align="CENTER")))  # fmt: skip
    if "nip" in signature:
        lines.append(Paragraph("NIP. " + (_text(signature["nip"]) or "." * 30), style))
    block = Table([[lines]], colWidths=[width * 0.45], hAlign="RIGHT")
    block.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return [Spacer(1, 14), KeepTogether([block])]


def table_pdf(
    *,
    title_lines: list[str],
    header: list[str],
    rows: Sequence[Sequence],
    letterhead: list[str],
    landscape: bool = False,
    signature: dict | None = None,
    col_widths: Sequence[float] | None = None,
    align: Sequence[str] | None = None,
    footer_rows: Sequence[Sequence] | None = None,
    font_size: float = 9,
    compress: bool = True,
) -> bytes:
    """An A4 PDF of one table, as bytes.

    - `title_lines`: the title block, centred; the first line bold ("DAFTAR HADIR"), then e.g. the
      event's name, dates and venue. Also the document's title in the PDF metadata.
    - `header`, `rows`: the table; values are str, numbers, dates (printed dd-mm-yyyy) or None.
      Newlines inside a value start a new line in the cell.
    - `letterhead`: the office name (first, bold) and its address lines; empty for none.
    - `landscape`: A4 landscape instead of portrait (wide recaps).
    - `signature`: {"place", "date" (a date, printed "6 November 2023", or text), "title" (may hold
      newlines: "a.n. Kepala Dinas\\nKepala Bidang ..."), "name", "nip"}; a blank name prints a
      dotted line to sign over, a blank "nip" a dotted NIP, a missing "nip" key no NIP line.
    - `col_widths`: relative widths (e.g. [1, 6, 3]), scaled to the printable width; equal if None.
    - `align`: "LEFT", "CENTER" or "RIGHT" per column (numbers read best right-aligned).
    - `footer_rows`: rows printed in bold after the body (a "Jumlah" total).
    - `compress`: False leaves the page streams readable (for tests and debugging).
    """
    pagesize = landscape_of(A4) if landscape else A4
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
        title=title_lines[0] if title_lines else "", creator="Kesos", pageCompression=1 if compress else 0,
    )  # fmt: skip
    width = document.width
    story = [
        *_letterhead(letterhead, width),
        *_title(title_lines),
        _table(header, rows, footer_rows, _widths(len(header), col_widths, width), align, font_size),
    ]
    if signature:
        story += _signature(signature, width)
    document.build(story, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()
