"""CSV downloads that are safe to open in a spreadsheet."""

import csv
import io

from flask import Response, stream_with_context

# A cell starting with one of these is a formula to Excel or LibreOffice: never let data be one.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A streamed download is sent in pieces of about this many characters.
_STREAM_CHUNK = 64 * 1024
# A byte-order mark, so Excel reads UTF-8 names correctly.
_BOM = "\ufeff"


def safe_cell(value):
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _headers(filename):
    return {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"}


def csv_response(filename, header, rows) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return Response(_BOM + buffer.getvalue(), mimetype="text/csv", headers=_headers(filename))


def csv_stream_response(filename, header, rows) -> Response:
    """The same file, written while `rows` (an iterator, e.g. a database result read in batches) is read:
    however many rows there are, only one piece of the file is in memory at a time."""

    def pieces():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write(_BOM)
        writer.writerow(header)
        for row in rows:
            writer.writerow([safe_cell(value) for value in row])
            if buffer.tell() >= _STREAM_CHUNK:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return Response(stream_with_context(pieces()), mimetype="text/csv", headers=_headers(filename))
