"""Small, real documents of every accepted kind, and hostile variants, built in memory."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
    b"trailer <</Root 1 0 R>>\n%%EOF\n"
)
TXT = b"Beleidsregel Bibob, vastgesteld 1 maart 2022.\nZie bijlage.\n"
EML = (
    b"From: burgemeester@almere.invalid\r\nTo: werkgroep@flevoland.invalid\r\n"
    b"Subject: Bibob-beleid\r\nDate: Tue, 1 Mar 2022 10:00:00 +0100\r\n\r\nZie bijlage.\r\n"
)


def png(extra: bytes = b"") -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
        + extra
    )


def jpeg(middle: bytes = b"") -> bytes:
    return (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + middle
        + (b"\xff\xd9")
    )


def docx(extra: dict[str, bytes] | None = None) -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("Integriteitsbeleid gemeente Almere")
    document.save(buffer)
    return _with_entries(buffer.getvalue(), extra) if extra else buffer.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active["A1"] = "Signalen 2022"
    workbook.save(buffer)
    return buffer.getvalue()


def odf(mimetype: str = "application/vnd.oasis.opendocument.text") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            "content.xml",
            '<?xml version="1.0"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>',
            compress_type=zipfile.ZIP_DEFLATED,
        )
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return buffer.getvalue()


def _with_entries(container: bytes, extra: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(container))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            archive.writestr(entry, source.read(entry.filename))
        for name, data in extra.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buffer.getvalue()


def zip_bomb_docx(megabytes: int = 20) -> bytes:
    """A genuine Word document with one part of zeros that inflates a thousandfold."""
    return docx({"word/media/image1.bin": b"\x00" * (megabytes * 1024 * 1024)})


def zip_bomb_xlsx(megabytes: int = 20) -> bytes:
    return _with_entries(xlsx(), {"xl/media/image1.bin": b"\x00" * (megabytes * 1024 * 1024)})


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


GOOD = {
    "beleid.pdf": PDF,
    "notitie.txt": TXT,
    "bericht.eml": EML,
    "kaart.png": png(),
    "foto.jpg": jpeg(),
    "foto.jpeg": jpeg(),
}


def good_documents() -> dict[str, bytes]:
    return {
        **GOOD,
        "beleid.docx": docx(),
        "signalen.xlsx": xlsx(),
        "notulen.odt": odf(),
        "cijfers.ods": odf("application/vnd.oasis.opendocument.spreadsheet"),
    }


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)
