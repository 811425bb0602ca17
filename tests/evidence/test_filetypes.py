"""The content decides the type; hostile files are refused (pure, no database)."""

import io

import pytest

from normmonitor.evidence.filetypes import Limits, RejectedFile, inspect, safe_name
from tests.evidence import samples


def check(name: str, data: bytes, limits: Limits | None = None):
    return inspect(name, io.BytesIO(data), len(data), limits)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("beleid.pdf", "pdf"),
        ("notitie.txt", "txt"),
        ("bericht.eml", "eml"),
        ("kaart.png", "png"),
        ("foto.jpg", "jpg"),
        ("foto.jpeg", "jpg"),
        ("beleid.docx", "docx"),
        ("signalen.xlsx", "xlsx"),
        ("notulen.odt", "odt"),
        ("cijfers.ods", "ods"),
    ],
)
def test_every_accepted_kind_is_recognised_from_its_content(name, kind):
    assert check(name, samples.good_documents()[name]).code == kind


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("beleid.docx", samples.PDF),  # a PDF named as Word
        ("beleid.pdf", samples.png()),
        ("kaart.png", samples.jpeg()),
        ("notitie.txt", samples.PDF),
        ("bericht.eml", samples.TXT),  # no mail headers
        ("notulen.odt", samples.odf("application/vnd.oasis.opendocument.spreadsheet")),
    ],
)
def test_a_name_that_disagrees_with_the_content_is_refused(name, data):
    with pytest.raises(RejectedFile):
        check(name, data)


@pytest.mark.parametrize(
    "name", ["script.html", "image.svg", "run.exe", "archive.zip", "noextension", "macro.docm"]
)
def test_other_types_are_refused(name):
    with pytest.raises(RejectedFile, match="not accepted"):
        check(name, samples.TXT)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("kaart.png", samples.png(extra=samples.plain_zip())),  # PNG + ZIP polyglot
        ("kaart.png", samples.png(extra=b"<script>alert(1)</script>")),
        ("foto.jpg", samples.jpeg(b"<html><script>alert(1)</script>")),
        ("foto.jpg", samples.jpeg(samples.PDF)),
        ("beleid.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF"),
        ("notitie.txt", b"<!DOCTYPE html><html><script>alert(1)</script>"),
        ("notitie.txt", b"  <svg onload=alert(1)>"),
        ("notitie.txt", b"GIF89a/*<script>alert(1)</script>*/"),
        ("notitie.txt", b"text with a \x00 byte"),
        ("beleid.pdf", b"%PDF-1.4 truncated"),
    ],
)
def test_polyglots_and_damaged_files_are_refused(name, data):
    with pytest.raises(RejectedFile):
        check(name, data)


def test_a_zip_bomb_in_a_word_document_is_refused():
    bomb = samples.zip_bomb_docx(20)
    assert len(bomb) < 200_000  # small on disk ...
    with pytest.raises(RejectedFile, match="zip bomb"):
        check("beleid.docx", bomb)  # ... but inflates far beyond the ratio budget


def test_a_zip_bomb_in_a_workbook_is_refused():
    with pytest.raises(RejectedFile, match="zip bomb"):
        check("signalen.xlsx", samples.zip_bomb_xlsx(20))


def test_the_total_uncompressed_size_is_limited_too():
    limits = Limits(max_uncompressed_bytes=5_000, max_ratio=10_000)
    with pytest.raises(RejectedFile, match="zip bomb"):
        check("beleid.docx", samples.docx(), limits)


def test_macros_plain_archives_and_traversing_entries_are_refused():
    with pytest.raises(RejectedFile, match="macros"):
        check("beleid.docx", samples.docx({"word/vbaProject.bin": b"x"}))
    with pytest.raises(RejectedFile):
        check("beleid.docx", samples.plain_zip())
    with pytest.raises(RejectedFile, match="unsafe"):
        check("beleid.docx", samples.docx({"../../evil.txt": b"x"}))


def test_size_limits():
    with pytest.raises(RejectedFile, match="limit"):
        check("notitie.txt", b"x" * 2000, Limits(max_bytes=1000))
    with pytest.raises(RejectedFile, match="empty"):
        check("notitie.txt", b"")


@pytest.mark.parametrize(
    ("unsafe", "safe"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\win.ini.txt", "win.ini.txt"),
        ("C:\\Users\\x\\Beleid 2022.PDF", "Beleid 2022.pdf"),
        ("<img src=x onerror=alert(1)>.pdf", "_img src_x onerror_alert(1)_.pdf"),
        ("<script>alert(1)</script>.pdf", "script_.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("name\x00.txt.pdf", "name.txt.pdf"),
        ("a\u202eFDP.exe.pdf", "aFDP.exe.pdf"),  # right-to-left override removed
        ("", "document"),
        ("....pdf", "document.pdf"),
        ("x" * 300 + ".docx", "x" * 115 + ".docx"),
    ],
)
def test_names_are_sanitised(unsafe, safe):
    assert safe_name(unsafe) == safe
