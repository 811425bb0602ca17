"""Reading files: the type comes from the content, and hostile files are refused."""

import io
import zipfile

import pytest

from normmonitor.documentscan.scanner import DocumentReadError, read_document, sniff
from normmonitor.documentscan.scanner.readers import extract_text, parse_xml

from .conftest import CORPUS


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("apv-oud-model.txt", "text"),
        ("apv-pdf.pdf", "pdf"),
        ("apv-docx.docx", "docx"),
        ("apv-html.html", "html"),
        ("apv-cvdr.xml", "cvdr"),
    ],
)
def test_sniff_by_content(name, kind):
    assert sniff((CORPUS / name).read_bytes()) == kind


def test_formats_give_the_same_structure():
    pdf = read_document((CORPUS / "apv-pdf.pdf").read_bytes())
    assert pdf.source_format == "pdf"
    assert "Gemeenteblad 2021" not in pdf.text  # running header
    assert "Pagina" not in pdf.text  # page numbers
    assert [a.number for a in pdf.articles] == [
        "2:24",
        "2:25",
        "2:28",
        "2:30",
        "2:39",
        "2:50a",
        "3:4",
    ]
    docx = read_document((CORPUS / "apv-docx.docx").read_bytes())
    assert docx.title == "Algemene plaatselijke verordening Veenhoven 2022"
    assert "slecht levensgedrag" in extract_text((CORPUS / "apv-docx.docx").read_bytes(), "docx")
    html = read_document((CORPUS / "apv-html.html").read_bytes())
    assert "dataLayer" not in html.text and "cookies" in html.text
    cvdr = read_document((CORPUS / "apv-cvdr.xml").read_bytes())
    assert cvdr.title == "Algemene plaatselijke verordening Oostermeer 2022"
    assert "gelet op artikel 149" in cvdr.text[slice(*cvdr.preamble)]
    horeca = next(a for a in cvdr.articles if a.number == "2:28")
    assert [(s.member, s.item) for s in horeca.sentences] == [
        ("1", ""),
        ("2", ""),
        ("2", "a"),
        ("2", "b"),
    ]


def test_text_encodings():
    assert read_document("Artikel 1 Één\nTekst.".encode("cp1252")).articles[0].title == "Één"
    assert read_document("Artikel 1 Één\nTekst.".encode("utf-16")).articles[0].title == "Één"


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff",  # a Windows executable named .pdf
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
    ],
)
def test_unsupported_types_are_refused(data):
    with pytest.raises(DocumentReadError):
        read_document(data)


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_zip_files_other_than_docx_are_refused():
    with pytest.raises(DocumentReadError, match="DOCX"):
        sniff(_zip({"readme.txt": b"hello"}))
    macro = (
        b'<Types><Override ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/>'
        b"</Types>"
    )
    with pytest.raises(DocumentReadError, match="DOCM"):
        sniff(_zip({"[Content_Types].xml": macro, "word/document.xml": b"<w/>"}))


def test_zip_bombs_are_refused():
    bomb = _zip(
        {
            "[Content_Types].xml": b"x",
            "word/document.xml": b"\0" * (101 * 1024 * 1024),
        }
    )
    assert len(bomb) < 1024 * 1024
    with pytest.raises(DocumentReadError, match="unpacks"):
        sniff(bomb)


def test_size_limit():
    with pytest.raises(DocumentReadError, match="larger"):
        read_document(b"Artikel 1 Test\n" * 100, max_bytes=100)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<cvdr><body><regeling><al>&lol2;</al></regeling></body></cvdr>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE cvdr [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<cvdr><al>&secret;</al></cvdr>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE cvdr SYSTEM "http://example.invalid/cvdr.dtd"><cvdr/>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD])
def test_xml_with_dtd_or_entities_is_refused(data):
    with pytest.raises(DocumentReadError):
        read_document(data)
    with pytest.raises(DocumentReadError):
        parse_xml(data)


def test_xml_limits():
    deep = b"<cvdr>" + b"<a>" * 300 + b"</a>" * 300 + b"</cvdr>"
    with pytest.raises(DocumentReadError, match="nested"):
        parse_xml(deep)
    with pytest.raises(DocumentReadError, match="well-formed"):
        parse_xml(b"<cvdr><al>open")


def test_damaged_pdf_and_scans_without_text():
    with pytest.raises(DocumentReadError):
        read_document(b"%PDF-1.7\n" + b"garbage " * 50)
