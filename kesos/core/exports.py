"""Streaming exports: rows leave as they are read, so a large by-name export runs in constant memory.

Every CSV the system writes goes through `CsvRows` (the streamed downloads here and the recap files of
`kesos.reports.writers`), so one rule keeps user text from running as a spreadsheet formula."""

import csv

from django.http import StreamingHttpResponse

BOM = "\ufeff"  # Excel reads UTF-8 CSV correctly only with it

# A cell beginning with one of these is a formula (or becomes one) in Excel, LibreOffice and Sheets:
# a name such as `=HYPERLINK("http://…","klik")` typed by anyone who may write a record would run on
# the machine of the Dinsos user who opens the export (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def inert(value):
    """A cell that no spreadsheet evaluates: text beginning like a formula gets a leading `'` (OWASP's
    advice), None becomes empty; numbers, negative ones too, stay numbers."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class CsvRows:
    """`csv.writer` whose every cell passes through `inert`. `out` is a file, or None to get each line
    back as a string (for streaming)."""

    def __init__(self, out=None):
        self._writer = csv.writer(out if out is not None else _Echo())

    def writerow(self, row):
        return self._writer.writerow([inert(value) for value in row])


class _Echo:
    def write(self, value):
        return value


def stream_csv(*, filename: str, header: list[str], rows) -> StreamingHttpResponse:
    writer = CsvRows()

    def lines():
        yield BOM + writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
