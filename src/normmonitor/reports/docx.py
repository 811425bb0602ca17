"""Word (DOCX) from a docxtpl template that an organisation may replace with its own house style.

Templates are looked up in this order (the first that exists wins):

1. ``<folder>/<organisation code>/<kind>.docx`` – an organisation's own, for its report;
2. ``<folder>/<kind>.docx`` – the installation's own;
3. the shipped default in ``templates_docx/`` (rebuilt in memory if a packaging left it out),

for each folder of ``conf.template_dirs()``, where kind is ``organisation`` or ``region``.
docs/reports.md lists every placeholder. Charts are PNG pictures with their text alternative
as the picture's description.
"""

from __future__ import annotations

import io
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx.shared import Mm, Pt
from docxtpl import DocxTemplate, InlineImage
from jinja2 import ChainableUndefined
from jinja2.sandbox import SandboxedEnvironment

from normmonitor.scoring import as_percent

from . import conf
from .charts import Chart
from .content import OrganisationReport, RegionReport
from .summary import datum, maand
from .templates_docx import build as template_build

SHIPPED = Path(template_build.__file__).resolve().parent
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
PAGE_WIDTH_MM = 170


class DescribedImage(InlineImage):
    """An inline picture with a text alternative (``descr``), which docxtpl does not set."""

    def __init__(self, tpl: DocxTemplate, image: io.BytesIO, description: str, **size) -> None:
        super().__init__(tpl, image, **size)
        self.description = description

    def _insert_image(self) -> str:
        pic = self.tpl.current_rendering_part.new_pic_inline(
            self.image_descriptor, self.width, self.height
        )
        for doc_pr in pic.findall(f"{{{WP_NS}}}docPr"):
            doc_pr.set("descr", self.description)
        return (
            f"</w:t></w:r><w:r><w:drawing>{pic.xml}</w:drawing></w:r>"
            '<w:r><w:t xml:space="preserve">'
        )


def template_path(kind: str, organisation_code: str | None = None) -> Path | None:
    """The installation's own template for ``kind``, or None for the shipped default."""
    for folder in conf.template_dirs():
        candidates = []
        if organisation_code:
            candidates.append(folder / organisation_code / f"{kind}.docx")
        candidates.append(folder / f"{kind}.docx")
        for candidate in candidates:
            if candidate.is_file():
                return candidate
    return None


def _open_template(kind: str, organisation_code: str | None) -> DocxTemplate:
    own = template_path(kind, organisation_code)
    if own is not None:
        return DocxTemplate(str(own))
    shipped = SHIPPED / f"{kind}.docx"
    if shipped.is_file():
        return DocxTemplate(str(shipped))
    make = (
        template_build.organisation_template
        if kind == "organisation"
        else template_build.region_template
    )
    buffer = io.BytesIO()
    make().save(buffer)
    buffer.seek(0)
    return DocxTemplate(buffer)


def labels() -> dict[str, str]:
    """The headings of the default templates, ``{{ t.<name> }}``, in the active language."""
    return {
        "organisation": _("Organisation"),
        "region": _("Region"),
        "round": _("Round"),
        "reference_date": _("Reference date"),
        "norm": _("Norm"),
        "generated_on": _("Generated on"),
        "page": _("Page"),
        "of": _("of"),
        "summary": _("Summary"),
        "key_figures": _("Key figures"),
        "achieved_by_organisation": _("of the ambitions achieved"),
        "achieved_by_region": _("achieved by the region as a whole"),
        "achieved_over_all": _("of the ambitions achieved, over all organisations"),
        "answered": _("answered"),
        "organisations_complete": _("organisations with every ambition achieved"),
        "results_per_theme": _("Results per theme"),
        "theme": _("Theme"),
        "achieved": _("Achieved"),
        "trend": _("Trend over the rounds"),
        "position": _("Position in the region"),
        "deviations": _("Deviations"),
        "deviation": _("Deviation"),
        "no_deviations": _(
            "No ambition deviates markedly from the region or from the previous round."
        ),
        "results_per_ambition": _("Results per ambition"),
        "ambition": _("Ambition"),
        "outcome": _("Outcome"),
        "explanation": _("Explanation"),
        "planned_date": _("Planned date"),
        "owner": _("Owner"),
        "open_actions": _("Open actions"),
        "no_actions_register": _(
            "This installation has no actions register yet; open actions will appear here once "
            "it has."
        ),
        "no_open_actions": _("No open actions."),
        "action": _("Action"),
        "due": _("Due"),
        "state": _("State"),
        "waterbed": _("Waterbed exposure"),
        "weak_spots_heading": _("Weak spots: the waterbed effect"),
        "target": _("Progress towards the target date"),
        "per_organisation": _("Per organisation"),
        "type": _("Type"),
        "per_theme": _("Per theme"),
        "map": _("Map of the region"),
        "heatmap": _("Heatmap: organisation × ambition"),
        "per_ambition": _("Per ambition"),
        "weak_spots": _("Weak spots"),
        "no_weak_spots_analysis": _(
            "The analysis of weak spots is not available in this installation yet; it will "
            "appear here once it is."
        ),
        "no_weak_spots": _("No weak spots found."),
        "lacks": _("Lacks"),
        "neighbours_with_it": _("Neighbours that have it"),
        "rounds_open": _("Rounds open"),
        "exposure": _("Exposure"),
        "level": _("Level"),
        "barriers_missing": _("Barriers missing"),
        "data_tables": _("The figures in the charts"),
        "data_tables_note": _(
            "The data behind each chart, for readers who cannot see the pictures and for reuse."
        ),
        "colophon": _(
            "Made with Normmonitor from the answers as they stood then. Percentages count the "
            "ambitions achieved of those that apply; an unanswered ambition counts as not "
            "achieved."
        ),
    }


def _date(value: Any, fmt: str = "j F Y") -> str:
    if not isinstance(value, date):
        return ""
    return date_format(value, fmt)


def _percent(value: Any) -> str:
    if value is None:
        return "—"
    return as_percent(Fraction(value))


def environment() -> SandboxedEnvironment:
    """A sandboxed Jinja environment: a house-style template is a document an organisation
    uploads, so it may not reach beyond the context. Filters: ``date``, ``percent``,
    ``datum``/``maand`` (Dutch, whatever the language)."""
    # ChainableUndefined: a value a house-style template asks for that this report lacks (a
    # chart that was not drawn, say) prints as nothing instead of failing the report.
    env = SandboxedEnvironment(autoescape=True, undefined=ChainableUndefined)
    env.filters.update({"date": _date, "percent": _percent, "datum": datum, "maand": maand})
    return env


TABLE_MARKER = "[[normmonitor-table:{key}]]"


def _insert_tables(document: Any, charts: list[Chart]) -> None:
    """Replace each paragraph that holds only a table marker by the chart's data table."""
    by_marker = {TABLE_MARKER.format(key=chart.key): chart for chart in charts}
    for paragraph in list(document.paragraphs):
        chart = by_marker.get(paragraph.text.strip())
        if chart is None:
            continue
        table = document.add_table(rows=1, cols=len(chart.table.columns))
        try:
            table.style = template_build.TABLE_STYLE
        except (KeyError, ValueError):  # a house-style template without that style
            table.style = None
        for cell, text in zip(table.rows[0].cells, chart.table.columns, strict=True):
            cell.text = str(text)
        for values in chart.table.rows:
            for cell, text in zip(table.add_row().cells, values, strict=True):
                cell.text = str(text)
        columns = len(chart.table.columns)
        first = 4.0 if columns > 4 else 17 / columns
        template_build.set_widths(
            table, [first] + [(17 - first) / max(columns - 1, 1)] * (columns - 1)
        )
        if columns > 8:
            for row in table.rows:
                for cell in row.cells:
                    for run in cell.paragraphs[0].runs:
                        run.font.size = Pt(7)
        paragraph._p.addprevious(table._tbl)
        paragraph._p.getparent().remove(paragraph._p)


def _position_text(report: OrganisationReport) -> str:
    text = ""
    if report.position.rank:
        text = (
            _(
                "%(name)s is number %(rank)s of the %(peers)s organisations of type “%(type)s” in "
                "the region."
            )
            % {
                "name": report.organisation.name,
                "rank": report.position.rank,
                "peers": report.position.peers,
                "type": report.position.type_label.lower(),
            }
            + " "
        )
    return text + _(
        "Other organisations are not named, and their explanations are not part of this report."
    )


def _waterbed_text(report: OrganisationReport) -> str:
    waterbed = report.waterbed
    if waterbed is None or waterbed.exposure is None:
        return ""
    exposure = waterbed.exposure
    return _(
        "Exposure of %(name)s to a waterbed effect: %(level)s (%(value)s). It lacks %(missing)s "
        "barriers; %(spots)s of them its neighbours (or most of the region) do have: its weak "
        "spots."
    ) % {
        "name": report.organisation.name,
        "level": exposure.band_label,
        "value": exposure.exposure,
        "missing": exposure.missing,
        "spots": exposure.weak_spots,
    }


def _target_text(report: RegionReport) -> str:
    target = report.target
    if target.target_date is None:
        return _("No target date is set for this region.")
    parts = [
        _("Target date: %(date)s.") % {"date": _date(target.target_date)},
        _("Achieved at the reference date: %(percent)s.") % {"percent": report.total.percent},
    ]
    if target.change_per_year is not None:
        parts.append(
            _("Change per year: %(points)s percentage points.") % {"points": target.change_points}
        )
    if target.projected_date is not None:
        parts.append(
            _("At this pace 100%% is reached around %(date)s.")
            % {"date": _date(target.projected_date, "F Y")}
        )
    return " ".join(parts)


def context(
    tpl: DocxTemplate, report: OrganisationReport | RegionReport, charts: list[Chart]
) -> dict[str, Any]:
    chart_context = {}
    for chart in charts:
        width = PAGE_WIDTH_MM if chart.wide or chart.key == "map" else 150
        chart_context[chart.key] = {
            "image": DescribedImage(
                tpl, io.BytesIO(chart.png()), chart.description, width=Mm(width)
            ),
            "title": chart.title,
            "description": chart.description,
            "note": chart.note,
            "table": TABLE_MARKER.format(key=chart.key),
        }
    result: dict[str, Any] = {
        "report": report,
        "meta": report.meta,
        "t": labels(),
        "charts": chart_context,
        "chart_list": [
            {"title": chart.title, "table": TABLE_MARKER.format(key=chart.key)} for chart in charts
        ],
    }
    if isinstance(report, OrganisationReport):
        result["organisation"] = report.organisation
        result["position_text"] = _position_text(report)
        result["waterbed_text"] = _waterbed_text(report)
    else:
        result["target_text"] = _target_text(report)
    return result


def render_docx(
    report: OrganisationReport | RegionReport, charts: list[Chart], progress: Any = None
) -> bytes:
    organisation_code = report.organisation.code if isinstance(report, OrganisationReport) else None
    tpl = _open_template(report.meta.kind, organisation_code)
    if progress:
        progress(20, _("Drawing the charts"))
    data = context(tpl, report, charts)
    if progress:
        progress(70, _("Filling in the Word template"))
    tpl.render(data, jinja_env=environment(), autoescape=True)
    _insert_tables(tpl.docx, charts)
    properties = tpl.docx.core_properties
    properties.title = report.meta.title
    properties.subject = report.meta.subtitle
    properties.author = "Normmonitor"
    properties.language = "nl-NL" if report.meta.language.startswith("nl") else "en-GB"
    properties.keywords = report.meta.classification
    buffer = io.BytesIO()
    tpl.save(buffer)
    return buffer.getvalue()
