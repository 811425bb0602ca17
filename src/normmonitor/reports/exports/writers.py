"""Writing tables as XLSX (our streaming writer, xlsx.py), ODS (odfpy, the open standard) and
CSV.

Text is always written as text: the XLSX writer has no formulas at all, ODS cells are typed, and
CSV cells that a spreadsheet would read as a formula (starting with = + - @, a tab or a carriage
return) get a leading apostrophe (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import Style, TableColumnProperties, TextProperties
from odf.table import Table as OdsTable
from odf.table import TableCell, TableColumn, TableRow
from odf.text import P

from .tables import Cell, Table
from .xlsx import Sheet, write_workbook

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """A CSV cell that no spreadsheet evaluates."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def to_csv(table: Table) -> bytes:
    """Semicolon-separated UTF-8 with a byte order mark, as Dutch Excel expects."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([safe_text(column) for column in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return safe_text(value)
    return str(value).replace(".", ",") if isinstance(value, float) else str(value)


def column_widths(table: Table) -> list[float]:
    """Wide enough for the title and the first 200 values of each column, within 8–60."""
    widths = []
    for column, title in enumerate(table.columns):
        longest = max(
            [len(title)] + [len(str(row[column])) for row in table.rows[:200] if row[column]]
        )
        widths.append(min(max(longest + 2, 8), 60))
    return widths


def to_xlsx(tables: list[Table]) -> bytes:
    return write_workbook(
        [Sheet(table.name, table.columns, table.rows, column_widths(table)) for table in tables]
    )


def to_ods(tables: list[Table]) -> bytes:
    document = OpenDocumentSpreadsheet()
    bold = Style(name="header", family="table-cell")
    bold.addElement(TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold)
    wide = Style(name="column", family="table-column")
    wide.addElement(TableColumnProperties(columnwidth="3.5cm"))
    document.automaticstyles.addElement(wide)
    for table in tables:
        sheet = OdsTable(name=table.name[:31])
        sheet.addElement(TableColumn(numbercolumnsrepeated=len(table.columns), stylename=wide))
        heading = TableRow()
        for title in table.columns:
            cell = TableCell(valuetype="string", stylename=bold)
            cell.addElement(P(text=title))
            heading.addElement(cell)
        sheet.addElement(heading)
        for row in table.rows:
            line = TableRow()
            for value in row:
                line.addElement(_ods_cell(value))
            sheet.addElement(line)
        document.spreadsheet.addElement(sheet)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def _ods_cell(value: Cell) -> TableCell:
    if value is None:
        return TableCell()
    if isinstance(value, datetime):
        cell = TableCell(valuetype="date", datevalue=value.isoformat(timespec="seconds"))
        text = value.strftime("%Y-%m-%d %H:%M")
    elif isinstance(value, date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat())
        text = value.isoformat()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        cell = TableCell(valuetype="float", value=value)
        text = str(value)
    else:
        cell = TableCell(valuetype="string")
        text = str(value)
    cell.addElement(P(text=text))
    return cell
