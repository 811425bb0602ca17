"""Builds the default Word templates ``organisation.docx`` and ``region.docx`` with python-docx.

Run it again after changing it:

    .venv/bin/python -m normmonitor.reports.templates_docx.build [FOLDER]

The templates are docxtpl (Jinja) documents: every placeholder is documented in docs/reports.md,
so an organisation can make its own in Word in its own house style and place it in
``<NORMMONITOR_DATA_DIR>/report-templates/`` (see reports/docx.py for the search order).
Headings come from ``t.*`` so that the default follows the report language; a house-style
template may just as well write them out.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
PRIMARY = RGBColor(0x15, 0x42, 0x73)
RED = RGBColor(0xB0, 0x00, 0x20)
MUTED = RGBColor(0x53, 0x53, 0x53)
TABLE_STYLE = "Light List Accent 1"


def _field(paragraph, instruction: str) -> None:
    """A Word field such as PAGE or NUMPAGES, updated by Word when it lays out the pages."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    placeholder = OxmlElement("w:t")
    placeholder.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, text, separate, placeholder, end):
        run._r.append(element)


def _document() -> Document:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.orientation = WD_ORIENT.PORTRAIT
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2)

    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = "Liberation Sans"
    normal.font.size = Pt(10)
    # Dutch for spelling and hyphenation; automatic hyphenation on.
    rpr = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "nl-NL")
    lang.set(qn("w:eastAsia"), "nl-NL")
    lang.set(qn("w:bidi"), "ar-SA")
    rpr.append(lang)
    settings = document.settings.element
    hyphenation = OxmlElement("w:autoHyphenation")
    hyphenation.set(qn("w:val"), "true")
    settings.append(hyphenation)
    for name, size in (("Title", 22), ("Heading 1", 15), ("Heading 2", 12)):
        style = styles[name]
        style.font.name = "Liberation Sans"
        style.font.size = Pt(size)
        style.font.color.rgb = PRIMARY

    header = section.header.paragraphs[0]
    run = header.add_run("{{ meta.classification|upper }}")
    run.bold = True
    run.font.size = Pt(8)
    run.font.color.rgb = RED
    header.add_run("\t\t{{ meta.title }}").font.size = Pt(8)

    footer = section.footer.paragraphs[0]
    footer.add_run("{{ t.generated_on }} {{ meta.generated_on|date }} · Normmonitor\t\t")
    footer.add_run("{{ t.page }} ")
    _field(footer, "PAGE")
    footer.add_run(" {{ t.of }} ")
    _field(footer, "NUMPAGES")
    for run in footer.runs:
        run.font.size = Pt(8)
        run.font.color.rgb = MUTED
    return document


def set_widths(table, widths_cm: list[float]) -> None:
    """Fixed column widths that Word and LibreOffice both respect: the grid, every cell, and
    a fixed layout. Also drops the table style's first-column emphasis."""
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    look = tbl_pr.find(qn("w:tblLook"))
    if look is None:
        look = OxmlElement("w:tblLook")
        tbl_pr.append(look)
    look.set(qn("w:firstColumn"), "0")
    look.set(qn("w:firstRow"), "1")
    look.set(qn("w:noVBand"), "1")
    grid = tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=False):
        col.set(qn("w:w"), str(int(width * 567)))  # twentieths of a point per cm
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(width)


def _heading(document: Document, text: str, level: int = 1) -> None:
    document.add_heading(text, level=level)


def _paragraph(document: Document, text: str, *, style: str | None = None, muted: bool = False):
    paragraph = document.add_paragraph(style=style)
    run = paragraph.add_run(text)
    if muted:
        run.font.color.rgb = MUTED
        run.font.size = Pt(8.5)
    return paragraph


def _tag(document: Document, tag: str) -> None:
    """A paragraph that holds only a docxtpl block tag ({%p ... %}); it disappears on render."""
    document.add_paragraph(tag)


def _table(
    document: Document,
    headings: list[str],
    loop: str,
    cells: list[str],
    widths: list[float] | None = None,
) -> None:
    """A table with a header row and one row repeated by ``{%tr for … %}``."""
    table = document.add_table(rows=4, cols=len(headings))
    table.style = TABLE_STYLE
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        cell.text = text
    # Repeat the header row on every page; mark it as a header for accessibility.
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    table.rows[1].cells[0].text = "{%tr " + loop + " %}"
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    set_widths(table, widths or [17 / len(headings)] * len(headings))


def _facts(document: Document, rows: list[tuple[str, str]]) -> None:
    table = document.add_table(rows=len(rows), cols=2)
    for (label, value), row in zip(rows, table.rows, strict=True):
        row.cells[0].text = label
        row.cells[0].paragraphs[0].runs[0].bold = True
        row.cells[1].text = value
    set_widths(table, [4, 13])


def _chart(document: Document, key: str) -> None:
    """The chart as a picture (its text alternative is set on render), then its note."""
    paragraph = document.add_paragraph("{{ charts." + key + ".image }}")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _paragraph(document, "{{ charts." + key + ".note }}", style="Caption")


def _opening(document: Document, organisation: bool) -> None:
    _paragraph(document, "{{ meta.classification|upper }}").runs[0].bold = True
    document.add_paragraph("{{ meta.title }}", style="Title")
    _paragraph(document, "{{ meta.subtitle }}", style="Subtitle")
    facts = []
    if organisation:
        facts.append(
            ("{{ t.organisation }}", "{{ organisation.name }} ({{ organisation.type_label }})")
        )
    facts += [
        ("{{ t.region }}", "{{ meta.region_name }}"),
        ("{{ t.round }}", "{{ meta.round_name }} ({{ meta.round_state_label }})"),
        ("{{ t.reference_date }}", "{{ meta.reference_date|date }}"),
        ("{{ t.norm }}", "{{ meta.norm_label }}"),
        ("{{ t.generated_on }}", "{{ meta.generated_on|date }}"),
    ]
    _facts(document, facts)
    _heading(document, "{{ t.summary }}")
    _tag(document, "{%p for paragraph in report.summary %}")
    document.add_paragraph("{{ paragraph }}")
    _tag(document, "{%p endfor %}")


def _closing(document: Document) -> None:
    _heading(document, "{{ t.data_tables }}")
    _paragraph(document, "{{ t.data_tables_note }}", muted=True)
    _tag(document, "{%p for chart in chart_list %}")
    _heading(document, "{{ chart.title }}", level=2)
    # A paragraph with only this placeholder is replaced by the chart's data table after
    # rendering (its columns vary per chart, which a template row cannot express).
    document.add_paragraph("{{ chart.table }}")
    _tag(document, "{%p endfor %}")
    _paragraph(document, "{{ t.colophon }}", muted=True)


def organisation_template() -> Document:
    document = _document()
    _opening(document, organisation=True)

    _heading(document, "{{ t.key_figures }}")
    document.add_paragraph(
        "{{ report.total.percent }} {{ t.achieved_by_organisation }} "
        "({{ report.total.achieved }}/{{ report.total.applicable }}) · "
        "{{ report.position.region.percent }} {{ t.achieved_by_region }} · "
        "{{ report.total.completeness_percent }} {{ t.answered }}"
    )

    _heading(document, "{{ t.results_per_theme }}")
    _table(
        document,
        ["{{ t.theme }}", "{{ t.achieved }}", "%", "{{ t.region }}"],
        "for line in report.themes",
        [
            "{{ line.code }}. {{ line.title }}",
            "{{ line.figure.achieved }} / {{ line.figure.applicable }}",
            "{{ line.figure.percent }}",
            "{{ line.region.percent }}",
        ],
        [10, 2.5, 2, 2.5],
    )
    _chart(document, "themes")

    _heading(document, "{{ t.trend }}")
    _chart(document, "trend")

    _heading(document, "{{ t.position }}")
    document.add_paragraph("{{ position_text }}")
    _chart(document, "position")

    _heading(document, "{{ t.deviations }}")
    _tag(document, "{%p if report.deviations %}")
    _table(
        document,
        ["{{ t.ambition }}", "{{ t.deviation }}"],
        "for deviation in report.deviations",
        ["{{ deviation.label }}", "{{ deviation.description }}"],
        [2.5, 14.5],
    )
    _tag(document, "{%p else %}")
    document.add_paragraph("{{ t.no_deviations }}")
    _tag(document, "{%p endif %}")

    _heading(document, "{{ t.results_per_ambition }}")
    _table(
        document,
        [
            "{{ t.ambition }}",
            "{{ t.outcome }}",
            "{{ t.region }}",
            "{{ t.explanation }}",
            "{{ t.planned_date }}",
            "{{ t.owner }}",
        ],
        "for line in report.ambitions",
        [
            "{{ line.label }} {{ line.text|truncate(120) }}",
            "{{ line.status.symbol }} {{ line.status.label }}",
            "{{ line.region_achieved }}/{{ line.region_applicable }}",
            "{{ line.explanation }}",
            "{{ line.planned_date|date }}",
            "{{ line.owner }}",
        ],
        [5.0, 2.4, 1.2, 4.2, 2.0, 2.2],
    )

    _heading(document, "{{ t.open_actions }}")
    _tag(document, "{%p if report.actions is none %}")
    _paragraph(document, "{{ t.no_actions_register }}", muted=True)
    _tag(document, "{%p elif not report.actions %}")
    document.add_paragraph("{{ t.no_open_actions }}")
    _tag(document, "{%p else %}")
    _table(
        document,
        ["{{ t.action }}", "{{ t.ambition }}", "{{ t.owner }}", "{{ t.due }}", "{{ t.state }}"],
        "for action in report.actions",
        [
            "{{ action.title }}",
            "{{ action.requirement }}",
            "{{ action.owner }}",
            "{{ action.due|date }}",
            "{{ action.state }}",
        ],
    )
    _tag(document, "{%p endif %}")

    _tag(document, "{%p if report.waterbed is not none %}")
    _heading(document, "{{ t.waterbed }}")
    document.add_paragraph("{{ waterbed_text }}")
    _tag(document, "{%p if report.waterbed.weak_spots %}")
    _table(
        document,
        ["{{ t.lacks }}", "{{ t.neighbours_with_it }}", "{{ t.rounds_open }}"],
        "for spot in report.waterbed.weak_spots",
        [
            "{{ spot.item }} {{ spot.text|truncate(100) }}",
            "{{ spot.holders_count }}",
            "{{ spot.rounds }}",
        ],
        [11, 3.5, 2.5],
    )
    _tag(document, "{%p endif %}")
    _tag(document, "{%p endif %}")

    _closing(document)
    return document


def region_template() -> Document:
    document = _document()
    _opening(document, organisation=False)

    _heading(document, "{{ t.key_figures }}")
    document.add_paragraph(
        "{{ report.total.percent }} {{ t.achieved_over_all }} "
        "({{ report.total.achieved }}/{{ report.total.applicable }}) · "
        "{{ report.total.completeness_percent }} {{ t.answered }} · "
        "{{ report.target.organisations_complete }}/{{ report.target.organisations_total }} "
        "{{ t.organisations_complete }}"
    )

    _heading(document, "{{ t.target }}")
    document.add_paragraph("{{ target_text }}")

    _heading(document, "{{ t.per_organisation }}")
    _table(
        document,
        ["{{ t.organisation }}", "{{ t.type }}", "{{ t.achieved }}", "%", "{{ t.answered }}"],
        "for line in report.organisations",
        [
            "{{ line.name }}",
            "{{ line.type_label }}",
            "{{ line.figure.achieved }} / {{ line.figure.applicable }}",
            "{{ line.figure.percent }}",
            "{{ line.figure.completeness_percent }}",
        ],
        [5.5, 3.5, 3, 2, 3],
    )
    _chart(document, "organisations")

    _heading(document, "{{ t.per_theme }}")
    _table(
        document,
        ["{{ t.theme }}", "{{ t.achieved }}", "%"],
        "for line in report.themes",
        [
            "{{ line.code }}. {{ line.title }}",
            "{{ line.figure.achieved }} / {{ line.figure.applicable }}",
            "{{ line.figure.percent }}",
        ],
        [12, 3, 2],
    )
    _chart(document, "themes")

    _heading(document, "{{ t.map }}")
    _chart(document, "map")

    _heading(document, "{{ t.trend }}")
    _chart(document, "trend")

    _heading(document, "{{ t.heatmap }}")
    _chart(document, "heatmap")

    _heading(document, "{{ t.per_ambition }}")
    _table(
        document,
        ["{{ t.ambition }}", "{{ t.achieved }}", "%"],
        "for ambition in report.ambitions",
        [
            "{{ ambition.label }} {{ ambition.text|truncate(120) }}",
            "{{ ambition.figure.achieved }} / {{ ambition.figure.applicable }}",
            "{{ ambition.figure.percent }}",
        ],
        [13, 2.5, 1.5],
    )

    _heading(document, "{{ t.weak_spots }}")
    _tag(document, "{%p if report.waterbed is none %}")
    _paragraph(document, "{{ t.no_weak_spots_analysis }}", muted=True)
    _tag(document, "{%p else %}")
    document.add_paragraph("{{ report.waterbed.summary }}")
    _tag(document, "{%p if report.waterbed.weak_spots %}")
    _table(
        document,
        [
            "{{ t.organisation }}",
            "{{ t.lacks }}",
            "{{ t.neighbours_with_it }}",
            "{{ t.rounds_open }}",
        ],
        "for spot in report.waterbed.weak_spots",
        [
            "{{ spot.organisation }}",
            "{{ spot.item }} {{ spot.text|truncate(80) }}",
            "{{ spot.holders|join(', ') }}",
            "{{ spot.rounds }}",
        ],
        [3.5, 7.5, 4, 2],
    )
    _tag(document, "{%p endif %}")
    _chart(document, "exposure")
    _table(
        document,
        [
            "{{ t.organisation }}",
            "{{ t.exposure }}",
            "{{ t.level }}",
            "{{ t.barriers_missing }}",
            "{{ t.weak_spots }}",
        ],
        "for line in report.waterbed.exposure",
        [
            "{{ line.name }}",
            "{{ line.exposure }}",
            "{{ line.band_label }}",
            "{{ line.missing }}",
            "{{ line.weak_spots }}",
        ],
        [5, 3, 3, 3, 3],
    )
    _paragraph(document, "{{ report.waterbed.method }}", muted=True)
    _tag(document, "{%p endif %}")

    _closing(document)
    return document


def build(folder: Path = HERE) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in (
        ("organisation.docx", organisation_template),
        ("region.docx", region_template),
    ):
        document = make()
        document.core_properties.title = "Normmonitor – {{ meta.title }}"
        document.core_properties.author = "Normmonitor"
        document.core_properties.language = "nl-NL"
        path = folder / name
        document.save(str(path))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)
