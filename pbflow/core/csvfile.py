"""CSV files people open in a spreadsheet: Polish letters kept, formulas never run."""

import csv
import io

BOM = "\ufeff"  # so spreadsheets read the file as UTF-8
# A spreadsheet runs a cell that starts with one of these as a formula: such text gets a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_text(lines):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(lines)
    return buffer.getvalue()
