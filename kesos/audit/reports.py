"""Writing the data-subject report as an XLSX workbook."""

import datetime
import io

import xlsxwriter
from django.conf import settings
from django.utils import timezone

from .subject import SECTIONS, access_log


def subject_report_xlsx(person, *, requested_by) -> bytes:
    buffer = io.BytesIO()
    # Every value is written with write_string; no `write` of text may become a formula either.
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "remove_timezone": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 13})
    when = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    now = timezone.localtime()
    for section in [builder(person) for builder in SECTIONS] + [access_log(person)]:
        sheet = book.add_worksheet(section.title[:31])
        sheet.write(0, 0, f"LAPORAN SUBJEK DATA — {section.title.upper()}", title)
        sheet.write(1, 0, f"{settings.KESOS_OFFICE_NAME}. Dasar: UU 27/2022 Pasal 32.")
        sheet.write(
            2, 0, f"Keadaan per {now:%d/%m/%Y %H:%M} {now.tzname()}, dibuat oleh {requested_by.get_full_name()}."
        )
        sheet.write_row(4, 0, section.header, bold)
        widths = [len(h) + 2 for h in section.header]
        for r, row in enumerate(section.rows, start=5):
            for c, value in enumerate(row):
                if isinstance(value, datetime.datetime):
                    sheet.write_datetime(r, c, value, when)
                    width = 17
                elif isinstance(value, datetime.date):
                    sheet.write_datetime(r, c, datetime.datetime.combine(value, datetime.time()), day)
                    width = 11
                else:
                    text = "" if value is None else str(value)
                    sheet.write_string(r, c, text)
                    width = len(text)
                widths[c] = min(max(widths[c], width + 1), 80)
        for c, width in enumerate(widths):
            sheet.set_column(c, c, width)
        sheet.freeze_panes(5, 0)
    book.close()
    return buffer.getvalue()
