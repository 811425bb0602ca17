"""The offline fill-in workbook: download an organisation's open assessment as XLSX, fill it in
with Excel or LibreOffice, upload it, check the preview, confirm.

Download (``build_workbook``): one row per answer with the item columns locked (sheet
protection; it prevents accidents, it is no security) and dropdowns from the norm's scale.
A very hidden sheet holds the round key, the organisation code, the norm version's content
hash and, per row, the item code, answer id, answer version and a fingerprint of the values as
downloaded, all signed with the installation's secret key.

Upload (``read_workbook``): size and zip limits first (a zip bomb is refused before a byte of
XML is parsed), then openpyxl in read-only mode without evaluating anything; formulas are
refused. Every cell is checked; errors name sheet, row and column. A row counts as changed when
its values differ from the fingerprint taken at download, so rows the uploader did not touch
never overwrite what others saved since. A changed row whose answer was saved by someone else
after the download is stale and refuses the whole upload.

Applying (``apply_import``) runs ``assessments.services.answer_update`` for every changed row in
one transaction, so permissions, optimistic locking and the audit trail stay in one place.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import openpyxl
import xlsxwriter
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from normmonitor.assessments.models import Answer, Assessment
from normmonitor.assessments.services import answer_update
from normmonitor.audit.services import record
from normmonitor.core.exceptions import ServiceError, StaleVersion
from normmonitor.core.permissions import require

from .. import conf
from ..models import WorkbookImport

FORMAT = "normmonitor-workbook@1"
META_SHEET = "_normmonitor"
SIGNATURE_SALT = "normmonitor.reports.workbook"
FIRST_ROW = 2  # spreadsheet row of the first item (row 1 holds the headings)
META_FIRST_ROW = 10
MAX_TEXT = 10_000
MAX_OWNER = 200

# Columns of the items sheet, in order: (key, editable)
COLUMNS = (
    ("code", False),
    ("theme", False),
    ("part_of", False),
    ("text", False),
    ("level", True),
    ("explanation", True),
    ("planned_date", True),
    ("owner", True),
    ("last_done_on", True),
    ("carried_over", False),
    ("confirm", True),
)
COLUMN_INDEX = {key: number for number, (key, _editable) in enumerate(COLUMNS)}
FIELDS = ("level", "explanation", "planned_date", "owner", "last_done_on")


def column_letter(index: int) -> str:
    return xlsxwriter.utility.xl_col_to_name(index)


def headings() -> dict[str, str]:
    return {
        "code": _("Item"),
        "theme": _("Theme"),
        "part_of": _("Part of"),
        "text": _("Requirement"),
        "level": _("Rating"),
        "explanation": _("Explanation"),
        "planned_date": _("Planned date"),
        "owner": _("Owner"),
        "last_done_on": _("Last done on"),
        "carried_over": _("Carried over"),
        "confirm": _("Confirm carried-over answer"),
    }


def _normal_text(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def fingerprint(values: dict[str, Any]) -> str:
    """Of the editable values as they are in the database (or were read from a workbook)."""
    canonical = json.dumps(
        {
            "level": values.get("level"),
            "explanation": _normal_text(values.get("explanation")),
            "planned_date": _iso(values.get("planned_date")),
            "owner": _normal_text(values.get("owner")),
            "last_done_on": _iso(values.get("last_done_on")),
            "confirm": bool(values.get("confirm")),
        },
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat() if isinstance(value, date) else None


def _answer_values(answer: Answer) -> dict[str, Any]:
    return {
        "level": answer.level.code if answer.level_id else None,
        "explanation": answer.explanation,
        "planned_date": answer.planned_date,
        "owner": answer.owner,
        "last_done_on": answer.last_done_on,
        "confirm": False,
    }


def _sign(meta: list[list[Any]]) -> str:
    payload = json.dumps(meta, sort_keys=True, default=str)
    return salted_hmac(SIGNATURE_SALT, payload, algorithm="sha256").hexdigest()


def _answers(assessment: Assessment) -> list[Answer]:
    return list(
        assessment.answers.select_related("requirement", "requirement__parent", "level").order_by(
            "requirement__order"
        )
    )


# ---------------------------------------------------------------------------------------------
# Download


def build_workbook(assessment: Assessment) -> bytes:
    monitoring_round = assessment.round
    norm_version = monitoring_round.norm_version
    levels = list(norm_version.scale.order_by("order"))
    yes = _("yes")
    answers = _answers(assessment)
    sheet_name = _("Fill in")[:31]
    titles = headings()

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    workbook.set_properties(
        {
            "title": f"{assessment.organisation.name} – {monitoring_round.name}",
            "author": "Normmonitor",
            "comments": FORMAT,
        }
    )
    locked = workbook.add_format({"locked": True, "text_wrap": True, "valign": "top"})
    locked_grey = workbook.add_format(
        {"locked": True, "text_wrap": True, "valign": "top", "bg_color": "#F0F0F0"}
    )
    open_text = workbook.add_format(
        {
            "locked": False,
            "text_wrap": True,
            "valign": "top",
            "border": 1,
            "border_color": "#B4B4B4",
        }
    )
    open_date = workbook.add_format(
        {
            "locked": False,
            "num_format": "dd-mm-yyyy",
            "valign": "top",
            "border": 1,
            "border_color": "#B4B4B4",
        }
    )
    header = workbook.add_format(
        {"bold": True, "bg_color": "#DCE6F1", "text_wrap": True, "locked": True, "valign": "top"}
    )
    title = workbook.add_format({"bold": True, "font_size": 14})
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})

    # Instructions first, so that the workbook opens on them.
    instructions = workbook.add_worksheet(_("Instructions")[:31])
    instructions.set_column(0, 0, 28)
    instructions.set_column(1, 1, 90)
    lines = [
        (_("Organisation"), assessment.organisation.name),
        (_("Round"), monitoring_round.name),
        (_("Norm"), str(norm_version)),
        (_("Deadline"), monitoring_round.deadline.strftime("%d-%m-%Y")),
        (_("Downloaded"), timezone.localtime().strftime("%d-%m-%Y %H:%M")),
        ("", ""),
        (
            _("How to fill in"),
            _(
                "Fill in the white cells of the sheet “%(sheet)s”: the rating (choose from "
                "the list), the explanation, a planned date for what is not yet achieved, the "
                "owner and, for a periodic duty, when it was last done. Grey cells cannot be "
                "changed."
            )
            % {"sheet": sheet_name},
        ),
        (
            _("Carried over"),
            _(
                "Answers copied from the previous round are marked “carried over”. Choose "
                "“%(yes)s” under “Confirm carried-over answer” to confirm one unchanged; "
                "changing it confirms it too."
            )
            % {"yes": yes},
        ),
        (_("Dates"), _("Type dates as day-month-year, such as 31-12-2023.")),
        (
            _("Uploading"),
            _(
                "Upload the saved file on the assessment's page in Normmonitor. You will see "
                "exactly what will change before anything is saved. Rows you did not change are "
                "left alone, even if a colleague changed them in the meantime."
            ),
        ),
        (
            _("Do not"),
            _(
                "Do not add, remove, move or rename rows, columns or sheets, and do not type "
                "formulas: such a workbook is refused. Download a fresh workbook when in doubt."
            ),
        ),
        ("", ""),
        (_("Rating scale"), ""),
    ]
    instructions.write_string(0, 0, _("Normmonitor: offline fill-in"), title)
    row = 2
    for label, text in lines:
        instructions.write_string(row, 0, label, bold)
        instructions.write_string(row, 1, text, wrap)
        row += 1
    for level in levels:
        instructions.write_string(row, 0, level.label, bold)
        instructions.write_string(row, 1, level.description or "", wrap)
        row += 1
    instructions.activate()

    sheet = workbook.add_worksheet(sheet_name)
    widths = {
        "code": 9,
        "theme": 7,
        "part_of": 28,
        "text": 60,
        "level": 22,
        "explanation": 50,
        "planned_date": 13,
        "owner": 24,
        "last_done_on": 13,
        "carried_over": 11,
        "confirm": 14,
    }
    for key, number in COLUMN_INDEX.items():
        sheet.set_column(number, number, widths[key])
        sheet.write_string(0, number, titles[key], header)
    sheet.freeze_panes(1, 1)
    meta_rows: list[list[Any]] = []
    for offset, answer in enumerate(answers):
        r = FIRST_ROW - 1 + offset  # zero-based row for XlsxWriter
        requirement = answer.requirement
        parent = requirement.parent
        sheet.write_string(r, COLUMN_INDEX["code"], requirement.code, locked_grey)
        sheet.write_string(r, COLUMN_INDEX["theme"], requirement.theme.code, locked_grey)
        sheet.write_string(
            r,
            COLUMN_INDEX["part_of"],
            f"{parent.label} {parent.text[:120]}" if parent else "",
            locked_grey,
        )
        text = requirement.text + (
            f"\n({requirement.recurrence})" if requirement.recurrence else ""
        )
        sheet.write_string(r, COLUMN_INDEX["text"], text, locked_grey)
        sheet.write_string(
            r, COLUMN_INDEX["level"], answer.level.label if answer.level_id else "", open_text
        )
        sheet.write_string(r, COLUMN_INDEX["explanation"], answer.explanation, open_text)
        for key in ("planned_date", "last_done_on"):
            value = getattr(answer, key)
            if value:
                sheet.write_datetime(
                    r, COLUMN_INDEX[key], datetime(value.year, value.month, value.day), open_date
                )
            else:
                sheet.write_blank(r, COLUMN_INDEX[key], None, open_date)
        sheet.write_string(r, COLUMN_INDEX["owner"], answer.owner, open_text)
        sheet.write_string(
            r, COLUMN_INDEX["carried_over"], yes if answer.carried_over else "", locked
        )
        sheet.write_blank(r, COLUMN_INDEX["confirm"], None, open_text)
        # Text only: spreadsheet programs rewrite numbers and booleans (LibreOffice saves a
        # boolean as the formula =TRUE()), which would break the signature.
        meta_rows.append(
            [
                requirement.code,
                str(answer.pk),
                str(answer.version),
                fingerprint(_answer_values(answer)),
                "1" if answer.carried_over else "0",
            ]
        )
    last = FIRST_ROW - 1 + len(answers) - 1
    if answers:
        level_list = f"='{META_SHEET}'!$F$1:$F${len(levels)}"
        sheet.data_validation(
            FIRST_ROW - 1,
            COLUMN_INDEX["level"],
            last,
            COLUMN_INDEX["level"],
            {
                "validate": "list",
                "source": level_list,
                "error_title": _("Rating"),
                "error_message": _("Choose a rating from the list."),
            },
        )
        for key in ("planned_date", "last_done_on"):
            sheet.data_validation(
                FIRST_ROW - 1,
                COLUMN_INDEX[key],
                last,
                COLUMN_INDEX[key],
                {
                    "validate": "date",
                    "criteria": "between",
                    "minimum": datetime(2000, 1, 1),
                    "maximum": datetime(2099, 12, 31),
                    "error_title": titles[key],
                    "error_message": _("Type a date, such as 31-12-2023."),
                },
            )
        sheet.data_validation(
            FIRST_ROW - 1,
            COLUMN_INDEX["confirm"],
            last,
            COLUMN_INDEX["confirm"],
            {"validate": "list", "source": f"='{META_SHEET}'!$G$1:$G$1"},
        )
        for key in ("owner",):
            sheet.data_validation(
                FIRST_ROW - 1,
                COLUMN_INDEX[key],
                last,
                COLUMN_INDEX[key],
                {"validate": "length", "criteria": "<=", "value": MAX_OWNER},
            )
    sheet.protect(
        "",
        {
            "format_columns": True,
            "format_rows": True,
            "autofilter": True,
            "sort": False,
            "insert_rows": False,
            "delete_rows": False,
        },
    )

    meta = workbook.add_worksheet(META_SHEET)
    header_rows = [
        ["format", FORMAT],
        ["round", monitoring_round.key],
        ["organisation", assessment.organisation.code],
        ["norm_hash", norm_version.content_hash],
        ["items_sheet", sheet_name],
        ["rows", str(len(answers))],
        ["generated_at", timezone.now().isoformat(timespec="seconds")],
    ]
    lists = [[level.label for level in levels], [yes]]
    signature = _sign([header_rows, meta_rows, lists])
    for number, (key, value) in enumerate([*header_rows, ["signature", signature]]):
        meta.write_string(number, 0, key)
        meta.write_string(number, 1, value)
    for offset, values in enumerate(meta_rows):
        for column, value in enumerate(values):
            meta.write_string(META_FIRST_ROW - 1 + offset, column, value)
    for number, label in enumerate(lists[0]):
        meta.write_string(number, 5, label)
    meta.write_string(0, 6, yes)
    meta.protect()
    meta.very_hidden()
    workbook.close()
    return buffer.getvalue()


def workbook_filename(assessment: Assessment) -> str:
    return f"invullen-{assessment.round.key}-{assessment.organisation.code}.xlsx"


# ---------------------------------------------------------------------------------------------
# Upload


class WorkbookRefused(ServiceError):
    """The whole workbook is refused (not ours, not this assessment, altered, unsafe)."""


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int
    column: str  # letter
    title: str
    message: str

    def __str__(self) -> str:
        return _("%(sheet)s, row %(row)s, column %(column)s (%(title)s): %(message)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "title": self.title,
            "message": self.message,
        }


@dataclass(frozen=True)
class FieldChange:
    field: str
    title: str
    before: str
    after: str


@dataclass(frozen=True)
class RowChange:
    answer_id: int
    code: str
    row: int
    expected_version: int
    values: dict[str, Any]  # JSON-ready: level code, ISO dates
    changes: list[FieldChange]
    confirm_only: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "answer_id": self.answer_id,
            "code": self.code,
            "row": self.row,
            "expected_version": self.expected_version,
            "values": self.values,
            "changes": [vars(change) for change in self.changes],
            "confirm_only": self.confirm_only,
        }


@dataclass
class WorkbookReading:
    errors: list[CellError] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    rows: int = 0


def check_zip(data: bytes) -> None:
    """Refuse what is too big or not a workbook before any XML is parsed."""
    if len(data) > conf.WORKBOOK_MAX_UPLOAD_BYTES:
        raise WorkbookRefused(
            _("The file is larger than %(size)s MB.")
            % {"size": conf.WORKBOOK_MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise WorkbookRefused(_("This is not an Excel workbook (.xlsx).")) from error
    if len(members) > conf.WORKBOOK_MAX_MEMBERS:
        raise WorkbookRefused(_("The workbook has too many parts."))
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > conf.WORKBOOK_MAX_RATIO * max(member.compress_size, 1) and (
            member.file_size > 1024 * 1024
        ):
            raise WorkbookRefused(_("The workbook is compressed suspiciously well; refused."))
        if member.filename.startswith(("/", "\\")) or ".." in member.filename.split("/"):
            raise WorkbookRefused(_("The workbook contains an unsafe file name."))
    if total > conf.WORKBOOK_MAX_UNCOMPRESSED_BYTES:
        raise WorkbookRefused(_("The workbook is too large when unpacked."))
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise WorkbookRefused(_("This is not an Excel workbook (.xlsx)."))


def _cells(sheet: Any) -> list[list[Any]]:
    """All rows as lists of read-only cells. The stored dimensions are not trusted (some
    programs write them wrong), so the sheet is measured while reading."""
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()
    return [list(row) for row in sheet.iter_rows()]


def _value(cell: Any) -> Any:
    return None if cell is None else cell.value


def _text(value: Any) -> str:
    """A cell of the hidden sheet as the text it was written as."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _is_formula(cell: Any) -> bool:
    """A formula cell. Text that merely starts with "=" (typed as text) is text."""
    return cell is not None and getattr(cell, "data_type", None) == "f"


_DATE_TEXT = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*$")


def _parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        match = _DATE_TEXT.match(text)
        if match:
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
    raise ValueError(value)


def read_workbook(data: bytes, assessment: Assessment) -> WorkbookReading:
    """Check a filled-in workbook against its assessment; nothing is written."""
    check_zip(data)
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
    except Exception as error:  # openpyxl raises many kinds for broken files
        raise WorkbookRefused(
            _("The workbook cannot be read: %(error)s") % {"error": error}
        ) from error
    try:
        return _read(workbook, assessment)
    finally:
        workbook.close()


def _read(workbook: Any, assessment: Assessment) -> WorkbookReading:
    if META_SHEET not in workbook.sheetnames:
        raise WorkbookRefused(
            _(
                "This is not a Normmonitor workbook (its hidden data is missing). Download the "
                "workbook from the assessment's page and fill that in."
            )
        )
    meta_cells = _cells(workbook[META_SHEET])
    header = {}
    for row in meta_cells[: META_FIRST_ROW - 2]:
        if row and _value(row[0]):
            header[_text(_value(row[0]))] = _text(_value(row[1])) if len(row) > 1 else ""
    if header.get("format") != FORMAT:
        raise WorkbookRefused(_("This is not a Normmonitor workbook of a known version."))
    monitoring_round = assessment.round
    if header.get("round") != monitoring_round.key:
        raise WorkbookRefused(
            _("This workbook belongs to the round “%(other)s”, not to “%(round)s”.")
            % {"other": header.get("round"), "round": monitoring_round.key}
        )
    if header.get("organisation") != assessment.organisation.code:
        raise WorkbookRefused(
            _("This workbook belongs to organisation %(other)s, not to %(organisation)s.")
            % {"other": header.get("organisation"), "organisation": assessment.organisation.code}
        )
    if header.get("norm_hash") != monitoring_round.norm_version.content_hash:
        raise WorkbookRefused(_("This workbook was made for another version of the norm."))

    try:
        count = int(header.get("rows"))
    except (TypeError, ValueError) as error:
        raise WorkbookRefused(_("The workbook's hidden data was changed.")) from error
    meta_rows = []
    for row in meta_cells[META_FIRST_ROW - 1 : META_FIRST_ROW - 1 + count]:
        values = [_value(cell) for cell in row[:5]]
        if len(values) < 5:
            raise WorkbookRefused(_("The workbook's hidden data was changed."))
        meta_rows.append([_text(value) for value in values])
    level_labels = [
        _text(_value(row[5])) for row in meta_cells if len(row) > 5 and _value(row[5]) is not None
    ]
    yes = _text(_value(meta_cells[0][6])) if meta_cells and len(meta_cells[0]) > 6 else ""
    header_rows = [
        [key, header.get(key)]
        for key in (
            "format",
            "round",
            "organisation",
            "norm_hash",
            "items_sheet",
            "rows",
            "generated_at",
        )
    ]
    expected = _sign([header_rows, meta_rows, [level_labels, [yes]]])
    if not constant_time_compare(expected, str(header.get("signature") or "")):
        raise WorkbookRefused(
            _(
                "The workbook's hidden data was changed or comes from another installation. "
                "Download a fresh workbook."
            )
        )

    sheet_name = str(header.get("items_sheet"))
    if sheet_name not in workbook.sheetnames:
        raise WorkbookRefused(_("The sheet “%(sheet)s” is missing.") % {"sheet": sheet_name})
    answers = {answer.pk: answer for answer in _answers(assessment)}
    # The signature holds, so the ids and versions are the numbers that were written.
    if {int(row[1]) for row in meta_rows} != set(answers):
        raise WorkbookRefused(
            _(
                "The items of this assessment have changed since the workbook was made. Download "
                "a fresh workbook."
            )
        )
    cells = _cells(workbook[sheet_name])
    titles = headings()
    reading = WorkbookReading(rows=count)
    levels = {
        level.label.strip().casefold(): level for level in assessment.round.norm_version.scale.all()
    }
    levels.update({level.code.casefold(): level for level in levels.copy().values()})

    def cell_at(row: list[Any], key: str) -> Any:
        index = COLUMN_INDEX[key]
        return row[index] if index < len(row) else None

    def error(row_number: int, key: str, message: str) -> None:
        reading.errors.append(
            CellError(
                sheet_name, row_number, column_letter(COLUMN_INDEX[key]), titles[key], message
            )
        )

    data_rows = cells[FIRST_ROW - 1 :]
    extra = [
        FIRST_ROW + offset
        for offset, row in enumerate(data_rows[count:])
        if any(_value(cell) not in (None, "") for cell in row)
    ]
    if len(data_rows) < count or extra:
        raise WorkbookRefused(
            _(
                "Rows were added to or removed from the sheet “%(sheet)s”. Download a fresh "
                "workbook."
            )
            % {"sheet": sheet_name}
        )
    for offset, (meta_row, row) in enumerate(zip(meta_rows, data_rows, strict=False)):
        row_number = FIRST_ROW + offset
        code, answer_text, version_text, original_print, carried_text = meta_row
        answer_id, version, carried = int(answer_text), int(version_text), carried_text == "1"
        found = _value(cell_at(row, "code"))
        if str(found if found is not None else "").strip() != code:
            raise WorkbookRefused(
                _(
                    "%(sheet)s, row %(row)s: the item code was changed from %(code)s to "
                    "“%(found)s”. Item codes may not be changed."
                )
                % {"sheet": sheet_name, "row": row_number, "code": code, "found": found or ""}
            )
        values: dict[str, Any] = {}
        row_ok = True
        for key in ("level", "explanation", "planned_date", "owner", "last_done_on", "confirm"):
            cell = cell_at(row, key)
            if _is_formula(cell):
                error(row_number, key, _("formulas are not accepted; type the value itself"))
                row_ok = False
                continue
            raw = _value(cell)
            if isinstance(raw, str):
                raw = raw.strip()
            if raw in (None, ""):
                values[key] = None if key not in ("explanation", "owner") else ""
                continue
            if key == "level":
                level = levels.get(str(raw).strip().casefold())
                if level is None:
                    error(
                        row_number,
                        key,
                        _("“%(value)s” is not on the scale; choose one of: %(choices)s")
                        % {"value": raw, "choices": ", ".join(level_labels)},
                    )
                    row_ok = False
                else:
                    values[key] = level.code
            elif key in ("planned_date", "last_done_on"):
                try:
                    values[key] = _parse_date(raw)
                except (ValueError, TypeError):
                    error(
                        row_number,
                        key,
                        _("“%(value)s” is not a date; type a date such as 31-12-2023")
                        % {"value": raw},
                    )
                    row_ok = False
            elif key == "confirm":
                if str(raw).strip().casefold() != yes.casefold():
                    error(row_number, key, _("leave empty or choose “%(yes)s”") % {"yes": yes})
                    row_ok = False
                else:
                    values[key] = True
            else:
                text = (
                    str(raw)
                    if not isinstance(raw, float) or not raw.is_integer()
                    else str(int(raw))
                )
                limit = MAX_OWNER if key == "owner" else MAX_TEXT
                if len(text) > limit:
                    error(row_number, key, _("longer than %(limit)s characters") % {"limit": limit})
                    row_ok = False
                values[key] = _normal_text(text)
        if not row_ok:
            continue
        if not carried:
            values["confirm"] = None  # only a carried-over answer needs confirming
        if fingerprint(values) == original_print:
            continue  # untouched: never overwrite what others saved since the download
        answer = answers[answer_id]
        if answer.version != version:
            who = _("someone")
            if answer.updated_by_id:
                user = answer.updated_by
                who = user.get_full_name() or user.get_username()
            raise WorkbookRefused(
                _(
                    "Item %(code)s (row %(row)s) was saved by %(who)s on %(when)s, after this "
                    "workbook was downloaded. Nothing was changed: download a fresh workbook and "
                    "make your changes again."
                )
                % {
                    "code": code,
                    "row": row_number,
                    "who": who,
                    "when": timezone.localtime(answer.updated_at).strftime("%d-%m-%Y %H:%M"),
                }
            )
        reading.changes.append(_row_change(answer, values, row_number, titles, levels))
    return reading


def _display(key: str, value: Any, levels: dict[str, Any]) -> str:
    if value in (None, ""):
        return "—"
    if key == "level":
        level = levels.get(str(value).casefold())
        return level.label if level else str(value)
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def _row_change(
    answer: Answer,
    values: dict[str, Any],
    row_number: int,
    titles: dict[str, str],
    levels: dict[str, Any],
) -> RowChange:
    current = _answer_values(answer)
    changes = []
    new_values = {}
    for key in FIELDS:
        before, after = current[key], values.get(key)
        if key in ("explanation", "owner"):
            differs = _normal_text(before) != _normal_text(after)
        else:
            differs = before != after
        if differs:
            changes.append(
                FieldChange(
                    key, titles[key], _display(key, before, levels), _display(key, after, levels)
                )
            )
        chosen = after if differs else before
        new_values[key] = _iso(chosen) if key in ("planned_date", "last_done_on") else chosen
    confirm_only = not changes
    return RowChange(
        answer_id=answer.pk,
        code=answer.requirement.code,
        row=row_number,
        expected_version=answer.version,
        values=new_values,
        changes=changes,
        confirm_only=confirm_only,
    )


# ---------------------------------------------------------------------------------------------
# Services: prepare (upload) and apply (confirm)


def import_prepare(
    *, actor: Any, assessment: Assessment, data: bytes, filename: str
) -> tuple[WorkbookImport | None, WorkbookReading]:
    """Read an upload. With errors nothing is stored and the reading is returned for display;
    otherwise a pending WorkbookImport holds the changes until the uploader confirms."""
    require(actor, "reports.use_workbook", assessment)
    if not assessment.round.is_open:
        raise WorkbookRefused(_("This round is not open for changes."))
    reading = read_workbook(data, assessment)
    if reading.errors:
        return None, reading
    pending = WorkbookImport.objects.create(
        assessment=assessment,
        uploaded_by=actor,
        filename=filename[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        changes=[change.as_json() for change in reading.changes],
    )
    return pending, reading


def apply_import(*, actor: Any, pending: WorkbookImport, address: str | None = None) -> int:
    """Apply a confirmed import: every change through answer_update, all in one transaction.
    A stale row (saved by someone else since the download) undoes everything."""
    assessment = pending.assessment
    require(actor, "reports.use_workbook", assessment)
    if pending.state != WorkbookImport.State.PENDING:
        raise ServiceError(_("This upload was already applied or discarded."))
    levels = {level.code: level for level in assessment.round.norm_version.scale.all()}
    try:
        with transaction.atomic():
            locked = WorkbookImport.objects.select_for_update().get(pk=pending.pk)
            if locked.state != WorkbookImport.State.PENDING:
                raise ServiceError(_("This upload was already applied or discarded."))
            for change in locked.changes:
                answer = Answer.objects.select_related(
                    "assessment__round", "assessment__organisation", "requirement"
                ).get(pk=change["answer_id"], assessment=assessment)
                values = change["values"]
                answer_update(
                    actor=actor,
                    answer=answer,
                    level=levels[values["level"]] if values["level"] else None,
                    explanation=values["explanation"] or "",
                    planned_date=date.fromisoformat(values["planned_date"])
                    if values["planned_date"]
                    else None,
                    owner=values["owner"] or "",
                    last_done_on=date.fromisoformat(values["last_done_on"])
                    if values["last_done_on"]
                    else None,
                    expected_version=change["expected_version"],
                    address=address,
                )
            locked.state = WorkbookImport.State.APPLIED
            locked.decided_at = timezone.now()
            locked.save(update_fields=["state", "decided_at"])
            record(
                "workbook.imported",
                actor=actor,
                organisation=assessment.organisation,
                round=assessment.round,
                address=address,
                file=pending.filename,
                sha256=pending.sha256,
                rows_changed=len(locked.changes),
                items=[change["code"] for change in locked.changes],
            )
    except StaleVersion as stale:
        raise StaleVersion(
            _(
                "Someone else saved one of these items after you uploaded the workbook. Nothing "
                "was changed: download a fresh workbook and make your changes again."
            )
        ) from stale
    return len(pending.changes)


def import_discard(*, actor: Any, pending: WorkbookImport) -> None:
    require(actor, "reports.use_workbook", pending.assessment)
    WorkbookImport.objects.filter(pk=pending.pk, state=WorkbookImport.State.PENDING).update(
        state=WorkbookImport.State.DISCARDED, decided_at=timezone.now()
    )
