"""A small streaming XLSX (Office Open XML SpreadsheetML) writer for the round exports.

A national round has 35 000 answer rows of 20 columns: writing them cell by cell through a
general-purpose library costs seconds of per-cell Python. The exports need little of what such
a library offers, so the sheet XML is written here directly, one row at a time, with exactly
the features the exports use: a bold header row with a fill, dates and date-times with a number
format, a frozen header, an autofilter and column widths.

Text is always text: there are no formulas in this writer, so a cell that starts with "=" is a
string like any other. Strings go into the shared-string table (the repeated organisation
names, item texts and labels are stored once); characters XML 1.0 cannot carry are escaped the
way Excel does (``_xHHHH_``).
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from xml.sax.saxutils import escape

MAX_STRING = 32767  # Excel's limit for the text of one cell
MAX_ROWS = 1048576
HEADER_STYLE, DATE_STYLE, DATETIME_STYLE = 1, 2, 3
_EPOCH = datetime(1899, 12, 30)  # Excel's day 0 in the 1900 date system (dates after 1900-03-01)
_EPOCH_ORDINAL = _EPOCH.toordinal()

# Control characters are not allowed in XML 1.0; a literal "_x0041_" must be escaped itself, or
# Excel would read it as "A".
_NEEDS_ESCAPE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")


def _escape_match(match: re.Match[str]) -> str:
    text = match.group(0)
    if text.startswith("_x"):
        return "_x005F" + text
    return f"_x{ord(text):04X}_"


def _xml_text(value: str) -> str:
    if len(value) > MAX_STRING:
        value = value[:MAX_STRING]
    if _NEEDS_ESCAPE.search(value):
        value = _NEEDS_ESCAPE.sub(_escape_match, value)
    return escape(value)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def excel_serial(value: date | datetime) -> float | int:
    """Days since Excel's epoch, with the time of day as a fraction."""
    if isinstance(value, datetime):
        days = value.toordinal() - _EPOCH_ORDINAL
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        seconds += value.microsecond / 1_000_000
        return days + seconds / 86400 if seconds else days
    return value.toordinal() - _EPOCH_ORDINAL


class _SharedStrings:
    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.count = 0

    def add(self, value: str) -> int:
        self.count += 1
        position = self.index.get(value)
        if position is None:
            position = self.index[value] = len(self.index)
        return position

    def xml(self) -> bytes:
        parts = [
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{self.count}" uniqueCount="{len(self.index)}">'
        ]
        for value in self.index:
            text = _xml_text(value)
            if text[:1].isspace() or text[-1:].isspace():
                parts.append(f'<si><t xml:space="preserve">{text}</t></si>')
            else:
                parts.append(f"<si><t>{text}</t></si>")
        parts.append("</sst>")
        return "".join(parts).encode("utf-8")


class Sheet:
    def __init__(
        self,
        name: str,
        columns: Sequence[str],
        rows: Iterable[Sequence[object]],
        widths: Sequence[float] | None = None,
    ) -> None:
        self.name = name[:31]
        self.columns = list(columns)
        self.rows = rows
        self.widths = list(widths) if widths else []


def _stored_width(characters: float) -> float:
    """The width Excel stores for a column of this many characters: with its 5 pixels of
    padding, in 1/256 of the width of a digit of 7 pixels (Calibri 11)."""
    return int((characters * 7 + 5) / 7 * 256) / 256


def _cell(ref: str, value: object, add: Callable[[str], int]) -> str:
    """Any cell but a plain string (those are the common case, handled inline)."""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{ref}: a spreadsheet cannot hold {value!r}")
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, datetime):
        return f'<c r="{ref}" s="{DATETIME_STYLE}"><v>{excel_serial(value)!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{DATE_STYLE}"><v>{excel_serial(value)}</v></c>'
    text = str(value)
    return f'<c r="{ref}" t="s"><v>{add(text)}</v></c>' if text else ""


def _sheet_xml(sheet: Sheet, strings: _SharedStrings) -> tuple[bytes, int]:
    """The worksheet part and the number of its last row (1-based, header included)."""
    letters = [column_letter(i) for i in range(len(sheet.columns))]
    add = strings.add
    out: list[str] = []
    append = out.append
    header = "".join(
        f'<c r="{letter}1" s="{HEADER_STYLE}" t="s"><v>{add(title)}</v></c>'
        for letter, title in zip(letters, sheet.columns, strict=True)
    )
    append(f'<row r="1">{header}</row>')
    # The hot loop of a national export (700 000 cells): the shared-string table is used
    # without a method call, and a string cell costs one dict look-up and one f-string.
    index = strings.index
    lookup = index.get
    counted = 0
    number = 1
    for number, row in enumerate(sheet.rows, start=2):
        if number > MAX_ROWS:
            raise ValueError("More rows than a spreadsheet can hold")
        cells = [f'<row r="{number}">']
        put = cells.append
        for letter, value in zip(letters, row, strict=False):
            if value is None:
                continue
            if type(value) is str:
                if value:  # an empty string is an empty cell
                    position = lookup(value)
                    if position is None:
                        position = index[value] = len(index)
                    counted += 1
                    put(f'<c r="{letter}{number}" t="s"><v>{position}</v></c>')
            else:
                put(_cell(f"{letter}{number}", value, add))
        put("</row>")
        append("".join(cells))
    strings.count += counted
    last = letters[-1] if letters else "A"
    columns = "".join(
        f'<col min="{i}" max="{i}" width="{_stored_width(width)}" customWidth="1"/>'
        for i, width in enumerate(sheet.widths, start=1)
    )
    head = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<dimension ref="A1:{last}{number}"/>'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
        "</sheetView></sheetViews>"
        '<sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{columns}</cols>" if columns else "")
        + "<sheetData>"
    )
    tail = "</sheetData>"
    if number > 1:
        tail += f'<autoFilter ref="A1:{last}{number}"/>'
    tail += (
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        "</worksheet>"
    )
    return (head + "".join(out) + tail).encode("utf-8"), number


_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><color theme="1"/><name val="Calibri"/>'
    '<family val="2"/><scheme val="minor"/></font><font><b/><sz val="11"/><color theme="1"/>'
    '<name val="Calibri"/><family val="2"/><scheme val="minor"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDCE6F1"/>'
    '<bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" '
    'applyAlignment="1"><alignment wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="0"/><tableStyles count="0"/>'
    "</styleSheet>"
)

_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)

_CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:creator>Normmonitor</dc:creator></cp:coreProperties>"
)

_APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>Normmonitor</Application></Properties>"
)


def write_workbook(sheets: Sequence[Sheet]) -> bytes:
    """The .xlsx file with these sheets, in this order."""
    strings = _SharedStrings()
    parts = [_sheet_xml(sheet, strings) for sheet in sheets]
    sheet_entries, names, rels, overrides = [], [], [], []
    for number, (sheet, (_xml, last_row)) in enumerate(zip(sheets, parts, strict=True), start=1):
        quoted = sheet.name.replace("'", "''")
        sheet_entries.append(
            f'<sheet name="{escape(sheet.name, {chr(34): "&quot;"})}" sheetId="{number}" '
            f'r:id="rId{number}"/>'
        )
        if last_row > 1:
            last = column_letter(len(sheet.columns) - 1)
            area = escape(f"'{quoted}'!$A$1:${last}${last_row}")
            names.append(
                f'<definedName name="_xlnm._FilterDatabase" localSheetId="{number - 1}" '
                f'hidden="1">{area}</definedName>'
            )
        rels.append(
            f'<Relationship Id="rId{number}" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            f'Target="worksheets/sheet{number}.xml"/>'
        )
        overrides.append(
            f'<Override PartName="/xl/worksheets/sheet{number}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        )
    count = len(sheets)
    rels.append(
        f'<Relationship Id="rId{count + 1}" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/>'
    )
    rels.append(
        f'<Relationship Id="rId{count + 2}" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
        'Target="sharedStrings.xml"/>'
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{''.join(sheet_entries)}</sheets>"
        + (f"<definedNames>{''.join(names)}</definedNames>" if names else "")
        + "</workbook>"
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(overrides)
        + '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        "</Types>"
    )
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(rels)
        + "</Relationships>"
    )
    buffer = io.BytesIO()
    # Level 1 compresses this repetitive XML almost as well as the default, several times faster.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:

        def put(name: str, data: str | bytes) -> None:
            # A fixed time stamp: the same tables give the same bytes.
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, data, compresslevel=1)

        put("[Content_Types].xml", content_types)
        put("_rels/.rels", _ROOT_RELS)
        put("docProps/core.xml", _CORE)
        put("docProps/app.xml", _APP)
        put("xl/workbook.xml", workbook)
        put("xl/_rels/workbook.xml.rels", workbook_rels)
        put("xl/styles.xml", _STYLES)
        for number, (xml, _last) in enumerate(parts, start=1):
            put(f"xl/worksheets/sheet{number}.xml", xml)
        put("xl/sharedStrings.xml", strings.xml())
    return buffer.getvalue()
