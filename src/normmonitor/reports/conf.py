"""Settings of the reports app, each with a default, so that no settings file has to change.

An installation sets them in its settings module (or, for the two marked *env*, in the
environment); docs/reports.md lists them.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

DEFAULT_CLASSIFICATION = "Vertrouwelijk"


def classification() -> str:
    """The classification line on every page of a PDF and Word report (*env*:
    ``NORMMONITOR_REPORT_CLASSIFICATION``). An empty string leaves the line out."""
    value = getattr(settings, "NORMMONITOR_REPORT_CLASSIFICATION", None)
    if value is None:
        value = os.environ.get("NORMMONITOR_REPORT_CLASSIFICATION", DEFAULT_CLASSIFICATION)
    return value


def pdf_variant() -> str:
    """WeasyPrint's PDF variant. The default, PDF/A-2a, is archival *and* tagged; the PDF also
    carries the PDF/UA-1 identification (see pdf.py)."""
    return getattr(settings, "NORMMONITOR_REPORT_PDF_VARIANT", "pdf/a-2a")


def template_dirs() -> list[Path]:
    """Folders searched for an installation's own Word templates, before the shipped ones: the
    setting ``NORMMONITOR_REPORT_TEMPLATE_DIR`` if set, then ``<DATA_DIR>/report-templates``."""
    folders = []
    configured = getattr(settings, "NORMMONITOR_REPORT_TEMPLATE_DIR", None)
    if configured:
        folders.append(Path(configured))
    data_dir = getattr(settings, "DATA_DIR", None)
    if data_dir:
        folders.append(Path(data_dir) / "report-templates")
    return folders


def worker_mode() -> str:
    """How queued jobs run (*env*: ``NORMMONITOR_REPORTS_WORKER``):

    - ``spawn`` (default): the web process starts ``normmonitor reports-worker --job ID`` as a
      separate process for each job, unless a long-running worker has reported in recently;
    - ``external``: only a long-running ``normmonitor reports-worker`` runs jobs;
    - ``inline``: the job runs inside the request (tests, or a single-user installation).
    """
    value = getattr(settings, "NORMMONITOR_REPORTS_WORKER", None)
    if value is None:
        value = os.environ.get("NORMMONITOR_REPORTS_WORKER", "spawn")
    if value not in {"spawn", "external", "inline"}:
        raise ValueError(f"NORMMONITOR_REPORTS_WORKER: unknown mode {value!r}")
    return value


def job_retention_hours() -> int:
    """How long a finished job's file can be downloaded before the worker deletes it."""
    return int(getattr(settings, "NORMMONITOR_REPORTS_KEEP_HOURS", 24))


# Offline workbooks: limits applied before a single byte is parsed as XML.
WORKBOOK_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
WORKBOOK_MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
WORKBOOK_MAX_MEMBERS = 200
WORKBOOK_MAX_RATIO = 200  # uncompressed / compressed size of any one member
