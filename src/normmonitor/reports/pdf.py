"""PDF with WeasyPrint: archival (PDF/A-2a) and accessible (tagged, PDF/UA-1 identification).

PDF/A-2a already requires what PDF/UA-1 asks of a generator: a tagged structure tree, the
document language, a title shown in the window (DisplayDocTitle), embedded fonts and an output
intent. WeasyPrint writes one variant's identification, so the PDF/UA-1 identification
(``pdfuaid:part``) is added to the same XMP description. Images carry their alt text; the
running headers and footers are artifacts.

Only ``data:`` URLs are fetched: a report never reaches the network or the file system.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

# WeasyPrint logs each step at INFO (even its own stylesheets on import); they become the job's
# progress instead of log lines.
_PROGRESS_LOGGER = logging.getLogger("weasyprint.progress")
_PROGRESS_LOGGER.propagate = False

from weasyprint import HTML  # noqa: E402
from weasyprint.pdf.metadata import NS, DocumentMetadata  # noqa: E402
from weasyprint.urls import URLFetcher  # noqa: E402

from . import conf  # noqa: E402

RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_STEP = re.compile(r"Step (\d)")


class _ProgressHandler(logging.Handler):
    """Maps WeasyPrint's steps 1–7 onto 55–95% of the job."""

    def __init__(self, progress: Callable[[int, str], None]) -> None:
        super().__init__(logging.INFO)
        self.progress = progress

    def emit(self, record: logging.LogRecord) -> None:
        match = _STEP.search(record.getMessage())
        if match:
            self.progress(55 + 40 * int(match.group(1)) // 7, "PDF")


class _ArchivalAccessibleMetadata(DocumentMetadata):
    """Adds ``pdfuaid:part="1"`` next to the PDF/A identification in the XMP metadata."""

    def generate_rdf_metadata(self, variant, version, conformance):  # type: ignore[override]
        xml = super().generate_rdf_metadata(variant, version, conformance)
        if variant == "ua":
            return xml
        root = ET.fromstring(xml)  # noqa: S314 - generated above, not input
        description = root.find(f"{RDF}Description")
        if description is not None:
            description.set(f"{{{NS['pdfuaid']}}}part", "1")
        return ET.tostring(root)


def render_pdf(html: str, progress: Callable[[int, str], None] | None = None) -> bytes:
    handler = _ProgressHandler(progress) if progress is not None else None
    if handler is not None:
        _PROGRESS_LOGGER.addHandler(handler)
        _PROGRESS_LOGGER.setLevel(logging.INFO)
    try:
        fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
        document = HTML(string=html, url_fetcher=fetcher, base_url=None).render()
        variant = conf.pdf_variant()
        if variant.startswith("pdf/a-") and variant.endswith("a"):
            document.metadata.__class__ = _ArchivalAccessibleMetadata
        return document.write_pdf(pdf_variant=variant)
    finally:
        if handler is not None:
            _PROGRESS_LOGGER.removeHandler(handler)
