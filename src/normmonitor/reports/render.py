"""Rendering one report in one format. The web (through jobs) and ``normmonitor report`` both
call ``report_file()``, so they produce the same files.

HTML here is the standalone, printable document (the same template as the PDF, charts embedded
as SVG data); the page inside the application is views.report_page.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from normmonitor.organisations.models import Organisation
from normmonitor.rounds.models import MonitoringRound

from .charts import Chart, charts_for
from .content import OrganisationReport, RegionReport, organisation_report, region_report

Progress = Callable[[int, str], None]
Report = OrganisationReport | RegionReport

STATIC_DIR = Path(__file__).resolve().parent / "static" / "reports"
REPORT_FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
}


@dataclass(frozen=True)
class RenderedFile:
    content: bytes
    filename: str
    content_type: str


def _no_progress(percent: int, message: str) -> None:
    return None


def build_report(
    monitoring_round: MonitoringRound,
    organisation: Organisation | None = None,
    *,
    language: str = "nl",
    classification: str | None = None,
) -> Report:
    with translation.override(language):
        if organisation is None:
            return region_report(monitoring_round, language=language, classification=classification)
        return organisation_report(
            monitoring_round, organisation, language=language, classification=classification
        )


def css_string(text: str) -> str:
    """A CSS string literal that cannot end the string or the style element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return '"' + escaped.replace("<", "\\3c ") + '"'


def page_rules(report: Report) -> str:
    """@page rules with the running header and footer: classification, title, date, page X of
    Y. In the template's <style>, so they carry the report's language."""
    meta = report.meta
    generated = _("Generated on %(date)s") % {"date": date_format(meta.generated_on, "j F Y")}
    page = _("page")
    of = _("of")
    return f"""
@page {{
  size: A4; margin: 22mm 18mm 20mm 18mm;
  @top-left {{ content: {css_string(meta.classification)}; font: 700 8pt "Liberation Sans", Arial,
    sans-serif; color: #b00020; text-transform: uppercase; letter-spacing: .05em; }}
  @top-right {{ content: {css_string(meta.title)}; font: 8pt "Liberation Sans", Arial, sans-serif;
    color: #535353; }}
  @bottom-left {{ content: {css_string(generated + " · Normmonitor")}; font: 8pt
    "Liberation Sans", Arial, sans-serif; color: #535353; }}
  @bottom-right {{ content: {css_string(page.capitalize() + " ")} counter(page)
    {css_string(" " + of + " ")} counter(pages); font: 8pt "Liberation Sans", Arial, sans-serif;
    color: #535353; }}
}}
@page landscape {{ size: A4 landscape; }}
"""


def document_html(report: Report, charts: list[Chart], progress: Progress = _no_progress) -> str:
    """The standalone document: the source of the PDF and the downloadable HTML file."""
    chart_src = {}
    for number, chart in enumerate(charts, start=1):
        data = base64.b64encode(chart.svg().encode("utf-8")).decode("ascii")
        chart_src[chart.key] = f"data:image/svg+xml;base64,{data}"
        progress(10 + 40 * number // len(charts), _("Drawing the charts"))
    return render_to_string(
        "reports/document/document.html",
        {
            "report": report,
            "charts": charts,
            "chart_map": {chart.key: chart for chart in charts},
            "chart_src": chart_src,
            "print": True,
            "stylesheet": mark_safe((STATIC_DIR / "document.css").read_text(encoding="utf-8")),  # noqa: S308 - our own file
            "page_rules": mark_safe(page_rules(report)),  # noqa: S308 - escaped by css_string
        },
    )


def render_report(report: Report, fmt: str, progress: Progress = _no_progress) -> RenderedFile:
    """One report in one format, in the report's language."""
    if fmt not in REPORT_FORMATS:
        raise ValueError(f"Unknown report format {fmt!r}; choose from {', '.join(REPORT_FORMATS)}")
    with translation.override(report.meta.language):
        charts = charts_for(report)
        progress(10, _("Drawing the charts"))
        if fmt == "docx":
            from .docx import render_docx

            content = render_docx(report, charts, progress)
        else:
            html = document_html(report, charts, progress)
            if fmt == "html":
                content = html.encode("utf-8")
            else:
                from .pdf import render_pdf

                progress(55, _("Laying out the pages"))
                content = render_pdf(html, progress)
    progress(100, _("Ready"))
    return RenderedFile(content, f"{report.meta.filename_stem}.{fmt}", REPORT_FORMATS[fmt])


def report_file(
    monitoring_round: MonitoringRound,
    organisation: Organisation | None,
    fmt: str,
    *,
    language: str = "nl",
    classification: str | None = None,
    progress: Progress = _no_progress,
) -> RenderedFile:
    progress(2, _("Collecting the figures"))
    report = build_report(
        monitoring_round, organisation, language=language, classification=classification
    )
    return render_report(report, fmt, progress)
