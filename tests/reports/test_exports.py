"""Round exports: XLSX, ODS and CSV of the same tables; text is never a formula."""

import csv
import io
from datetime import date

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from odf.opendocument import load as load_ods
from odf.table import Table, TableRow
from odf.text import P

from normmonitor.reports.exports import tables, writers
from normmonitor.reports.exports.files import round_export_file

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x")'


def test_answers_table_has_a_row_per_organisation_and_item(scored_round):
    table = tables.answers_table(scored_round)
    requirements = list(scored_round.norm_version.requirements.all())
    expected = 0
    for organisation in scored_round.region.members.all():
        expected += sum(1 for r in requirements if organisation.type in r.applies_to)
    assert len(table.rows) == expected
    almere_42 = next(row for row in table.rows if row[1] == "GM0034" and row[5] == "4.2")
    assert almere_42[13] == FORMULA and almere_42[14] == date(2023, 3, 1)
    derived = next(row for row in table.rows if row[1] == "GM0034" and row[5] == "3.2")
    assert derived[9] is None and derived[11] == derived[12] == 5  # sub-items 5 of 5


def test_summary_table_matches_the_dashboard(scored_round):
    summary = tables.summary_table(scored_round)
    region = summary.rows[-1]
    assert region[3:6] == [139, 143, 97.2]
    assert sum(row[3] for row in summary.rows if row[0] == "organisatie") == 139


def test_csv_is_injection_safe(scored_round):
    content = round_export_file(scored_round, "csv").content
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert "'" + FORMULA in cells
    assert FORMULA not in cells
    assert all(not cell.startswith(writers.FORMULA_TRIGGERS) for cell in cells)


@given(st.text())
def test_safe_text_never_starts_a_formula(value):
    safe = writers.safe_text(value)
    assert not safe.startswith(writers.FORMULA_TRIGGERS)
    assert safe.endswith(value)


def test_xlsx_has_summary_and_answers_with_text_kept_as_text(scored_round):
    content = round_export_file(scored_round, "xlsx").content
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Samenvatting", "Antwoorden"]
    answers = workbook["Antwoorden"]
    cells = [cell for row in answers.iter_rows(min_row=2) for cell in row if cell.value == FORMULA]
    assert len(cells) == 1 and cells[0].data_type == "s"
    assert answers.max_row == 1 + len(tables.answers_table(scored_round).rows)
    dates = [c.value for row in answers.iter_rows(min_row=2) for c in row if c.is_date and c.value]
    assert any(value.date() == date(2023, 3, 1) for value in dates)


def test_ods_has_the_same_tables(scored_round):
    content = round_export_file(scored_round, "ods").content
    document = load_ods(io.BytesIO(content))
    sheets = document.spreadsheet.getElementsByType(Table)
    assert [sheet.getAttribute("name") for sheet in sheets] == ["Samenvatting", "Antwoorden"]
    rows = sheets[1].getElementsByType(TableRow)
    assert len(rows) == 1 + len(tables.answers_table(scored_round).rows)
    texts = {str(p) for p in sheets[1].getElementsByType(P)}
    assert FORMULA in texts


def _read(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def test_xlsx_writer_keeps_values_types_and_layout():
    from datetime import datetime

    from normmonitor.reports.exports.xlsx import Sheet, write_workbook

    rows = [
        [FORMULA, date(2023, 3, 1), datetime(2024, 5, 6, 7, 8, 9), 83.2, 7, True],
        ["  spaces kept  ", None, None, 0.0, 0, False],
        ["_x0041_ & <b>", None, None, None, None, None],
        ["", None, None, None, None, None],
    ]
    content = write_workbook(
        [Sheet("Blad 'één'", ["Tekst", "Datum", "Moment", "Getal", "Aantal", "Ja"], rows, [30] * 6)]
    )
    sheet = _read(content)["Blad 'één'"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert values[0] == [
        FORMULA,
        datetime(2023, 3, 1),
        datetime(2024, 5, 6, 7, 8, 9),
        83.2,
        7,
        True,
    ]
    assert values[1] == ["  spaces kept  ", None, None, 0.0, 0, False]
    assert values[2][0] == "_x0041_ & <b>"  # not read back as "A"
    assert sheet["A5"].value is None  # an empty string is an empty cell
    assert sheet["A2"].data_type == "s" and sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet["C2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["A1"].font.b and sheet["A1"].fill.fgColor.rgb == "FFDCE6F1"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:F5"
    assert sheet.column_dimensions["A"].width == pytest.approx(30.71, abs=0.01)


@given(
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufffe\uffff"
        )
    )
)
def test_xlsx_writer_round_trips_any_text(value):
    from normmonitor.reports.exports.xlsx import Sheet, write_workbook

    content = write_workbook([Sheet("Blad", ["Tekst"], [[value]])])
    cell = _read(content)["Blad"]["A2"]
    assert cell.value == (value or None)


def test_xlsx_writer_escapes_control_characters():
    from normmonitor.reports.exports.xlsx import Sheet, write_workbook

    content = write_workbook([Sheet("Blad", ["Tekst"], [["bel\x07 tab\t"]])])
    # The XML stays well-formed; Excel reads _x0007_ back as the character.
    assert _read(content)["Blad"]["A2"].value == "bel_x0007_ tab\t"


def test_answers_table_reads_the_round_in_a_fixed_number_of_queries(
    scored_round, django_assert_num_queries
):
    from normmonitor.assessments.selectors import round_score

    score = round_score(scored_round)
    # Requirements, organisations and answers: one query each, whatever the size of the round.
    with django_assert_num_queries(3):
        table = tables.answers_table(scored_round, score=score)
    assert len(table.rows) > 100
