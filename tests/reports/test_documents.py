"""The formats: PDF (PDF/A-2a + PDF/UA-1, tagged, Dutch), Word from a replaceable template,
standalone HTML; and the command gives the same files. PDF rendering is slow: two PDFs only."""

import io
import re
from pathlib import Path

import docx as python_docx
import pytest
from django.core.management import call_command
from pypdf import PdfReader

from normmonitor.audit.models import AuditEvent
from normmonitor.organisations.models import Organisation
from normmonitor.reports.render import build_report, render_report, report_file

from .conftest import ALMERE

pytestmark = pytest.mark.django_db


def _pdf_text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def test_region_pdf_is_archival_accessible_dutch_and_numbered(scored_round, earlier_round):
    rendered = report_file(scored_round, None, "pdf")
    assert rendered.filename == "rapport-flevoland-test.pdf"
    reader = PdfReader(io.BytesIO(rendered.content))
    xmp = reader.xmp_metadata.stream.get_data().decode()
    assert 'pdfaid:part="2"' in xmp and 'pdfaid:conformance="A"' in xmp
    assert 'pdfuaid:part="1"' in xmp
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert "/OutputIntents" in root
    assert reader.metadata.title.startswith("Monitoring report") or "District Flevoland" in (
        reader.metadata.title
    )
    text = _pdf_text(reader)
    pages = len(reader.pages)
    assert pages >= 4
    assert "VERTROUWELIJK" in text.upper()
    assert re.search(rf"1\s+\S+\s+{pages}", text)  # "Pagina 1 van N" in any language
    assert "139 van de 143 ambities behaald" in text.replace("\n", " ")
    # Charts are embedded as vectors: no raster image in the whole PDF.
    for page in reader.pages:
        resources = page["/Resources"]
        xobjects = resources.get("/XObject", {}) if resources else {}
        for name in xobjects:
            assert xobjects[name].get_object()["/Subtype"] != "/Image"


def test_organisation_pdf_with_own_classification(scored_round, settings):
    settings.NORMMONITOR_REPORT_CLASSIFICATION = "Departementaal vertrouwelijk"
    rendered = report_file(scored_round, Organisation.objects.get(code=ALMERE), "pdf")
    text = _pdf_text(PdfReader(io.BytesIO(rendered.content)))
    assert "DEPARTEMENTAAL VERTROUWELIJK" in text.upper()
    assert "Almere" in text and "Half klaar." in text  # its own explanations are in it


def _docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
    return "\n".join(parts)


def test_organisation_docx(scored_round, earlier_round):
    rendered = report_file(scored_round, Organisation.objects.get(code=ALMERE), "docx")
    assert rendered.filename.endswith(".docx")
    document = python_docx.Document(io.BytesIO(rendered.content))
    text = _docx_text(document)
    assert "{{" not in text and "{%" not in text and "[[normmonitor" not in text
    assert "Almere heeft in de ronde Flevoland test" in text
    assert "VERTROUWELIJK" in text
    assert "Half klaar." in text and "Beleidsadviseur OOV" in text
    # A CSV/Excel-style formula stays plain text in Word as well.
    assert '=HYPERLINK("http://x")' in text
    pictures = document.inline_shapes
    assert len(pictures) == 3
    for picture in pictures:
        assert len(picture._inline.docPr.get("descr")) > 40  # the text alternative
    assert document.core_properties.language == "nl-NL"


def test_region_docx_has_the_map_and_data_tables(scored_round):
    rendered = report_file(scored_round, None, "docx")
    document = python_docx.Document(io.BytesIO(rendered.content))
    text = _docx_text(document)
    assert "Grenzen: © CBS / PDOK, vereenvoudigd" in text
    assert len(document.inline_shapes) == 6  # five charts and the waterbed map
    descriptions = " ".join(p._inline.docPr.get("descr") for p in document.inline_shapes)
    assert "Noordoostpolder" in descriptions
    assert "GM0184" in text  # the map's data table lists the CBS codes


def test_an_installation_template_replaces_the_default(scored_round, settings):
    folder = Path(settings.DATA_DIR) / "report-templates" / ALMERE
    folder.mkdir(parents=True)
    house = python_docx.Document()
    house.add_paragraph("Huisstijl {{ organisation.name }}: {{ report.total.percent }}")
    house.add_paragraph("{{ charts.themes.image }}")
    house.save(folder / "organisation.docx")
    rendered = report_file(scored_round, Organisation.objects.get(code=ALMERE), "docx")
    document = python_docx.Document(io.BytesIO(rendered.content))
    assert document.paragraphs[0].text == "Huisstijl Almere: 91%"
    assert len(document.inline_shapes) == 1
    # Another organisation still gets the default.
    other = report_file(scored_round, Organisation.objects.get(code="GM0995"), "docx")
    assert "Huisstijl" not in _docx_text(python_docx.Document(io.BytesIO(other.content)))


def test_a_template_cannot_reach_outside_its_context(scored_round, settings):
    folder = Path(settings.DATA_DIR) / "report-templates"
    folder.mkdir(parents=True)
    hostile = python_docx.Document()
    hostile.add_paragraph("[{{ report.__class__.__init__.__globals__ }}]")
    hostile.add_paragraph("[{{ meta.title.__class__.__mro__ }}]")
    hostile.save(folder / "region.docx")
    document = python_docx.Document(io.BytesIO(report_file(scored_round, None, "docx").content))
    # The sandbox hands out nothing beyond the values: both print as nothing.
    assert [p.text for p in document.paragraphs] == ["[]", "[]"]


def test_standalone_html_embeds_svg_and_needs_no_script(scored_round):
    rendered = report_file(scored_round, None, "html")
    html = rendered.content.decode()
    assert html.startswith("<!DOCTYPE html>") and '<html lang="nl">' in html
    assert html.count("data:image/svg+xml;base64,") == 6
    assert "<script" not in html
    assert "@page" in html and "counter(pages)" in html
    assert "hyphens: auto" in html


def test_the_command_writes_the_same_file_as_the_web(scored_round, tmp_path, client, users):
    output = tmp_path / "report.html"
    call_command(
        "report",
        "--round",
        scored_round.key,
        "--organisation",
        ALMERE,
        "--format",
        "html",
        "-o",
        str(output),
    )
    client.force_login(users["almere"])
    response = client.post(
        f"/rapporten/{scored_round.key}/{ALMERE}/maken/", {"format": "html"}, follow=True
    )
    link = re.search(r'href="(/rapporten/taak/[^"]+/bestand/)"', response.content.decode())
    download = client.get(link.group(1))
    assert b"".join(download.streaming_content if download.streaming else [download.content]) == (
        output.read_bytes()
    )
    assert AuditEvent.objects.filter(name="report.downloaded").count() == 2  # command and web


def test_report_language_follows_the_request(scored_round):
    report = build_report(scored_round, language="en")
    html = render_report(report, "html").content.decode()
    assert '<html lang="en">' in html
    assert "Summary" in html
    # The summary itself is Dutch whatever the language (it goes to Dutch councils).
    assert 'lang="nl"' in html and "ambities behaald" in html


def test_a_draft_round_still_gives_a_report(draft_round):
    """No answers yet: every format still renders (empty charts, no trend)."""
    for fmt in ("html", "docx"):
        assert report_file(draft_round, None, fmt).content
