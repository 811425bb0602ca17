"""What an uploaded file really is, decided from its content and never from its name.

Pure Python, no Django. ``inspect(name, stream, ...)`` reads the file once, checks that the
content is one of the accepted kinds and that the name's extension agrees with it, and returns a
``FileKind``; anything else raises ``RejectedFile`` with a message for the user.

The checks, per kind (docs/security.md, "Evidence"):

- PDF: ``%PDF-`` at offset 0 and an ``%%EOF`` marker in the last kilobyte; no HTML in the first
  kilobyte (what a browser would sniff).
- PNG: the signature, then well-formed chunks up to ``IEND`` and nothing after it (a PNG with a
  ZIP or a script appended is a polyglot and is refused).
- JPEG: ``FF D8 FF`` at the start and ``FF D9`` at the end; no embedded PDF, ZIP or HTML.
- DOCX, XLSX (OOXML) and ODT, ODS (ODF) are ZIP containers: every entry is decompressed in a
  streaming way under a budget (total uncompressed size, ratio to the upload, number of entries)
  so that a zip bomb is stopped however its headers lie; the inner structure must be that of the
  claimed kind; macros (``vbaProject.bin``), encrypted entries and unsafe entry names are refused.
- TXT and EML: UTF-8 text without NUL bytes that does not start like HTML, SVG or a binary
  format; an e-mail must start with RFC 5322 header lines.
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO


def gettext_noop(message: str) -> str:
    """Marks a message for translation (``makemessages`` finds it) without needing Django."""
    return message


class RejectedFile(ValueError):
    """The upload is not accepted. ``message`` is an English message id with ``%(name)s``
    placeholders filled from ``params``; the service translates it for the user."""

    def __init__(self, message: str, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(message % params if params else message)


@dataclass(frozen=True)
class FileKind:
    code: str
    content_type: str
    extensions: tuple[str, ...]


KINDS: dict[str, FileKind] = {
    kind.code: kind
    for kind in (
        FileKind("pdf", "application/pdf", ("pdf",)),
        FileKind(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ("docx",),
        ),
        FileKind(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ("xlsx",),
        ),
        FileKind("odt", "application/vnd.oasis.opendocument.text", ("odt",)),
        FileKind("ods", "application/vnd.oasis.opendocument.spreadsheet", ("ods",)),
        FileKind("png", "image/png", ("png",)),
        FileKind("jpg", "image/jpeg", ("jpg", "jpeg")),
        FileKind("txt", "text/plain", ("txt",)),
        FileKind("eml", "message/rfc822", ("eml",)),
    )
}
EXTENSIONS: dict[str, FileKind] = {ext: kind for kind in KINDS.values() for ext in kind.extensions}


@dataclass(frozen=True)
class Limits:
    """Budgets for one upload. The defaults are those of the application settings."""

    max_bytes: int = 20 * 1024 * 1024
    max_uncompressed_bytes: int = 100 * 1024 * 1024
    max_ratio: int = 100
    max_entries: int = 2000


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ZIP_LOCAL = b"PK\x03\x04"
ZIP_END = b"PK\x05\x06"
MARKUP = re.compile(
    rb"<\s*(!doctype\s+html|html|head|body|script|svg|iframe|object|embed|meta|\?xml-stylesheet)",
    re.IGNORECASE,
)
BINARY_SIGNATURES = (b"%PDF", PNG_SIGNATURE, b"\xff\xd8\xff", ZIP_LOCAL, b"GIF8", b"MZ", b"\x7fELF")
HEADER_LINE = re.compile(rb"^[!-9;-~]+:[ \t]?")
MAIL_HEADERS = {b"from", b"to", b"subject", b"date", b"received", b"message-id", b"return-path"}
CHUNK = 64 * 1024
TOO_LARGE = gettext_noop("The file is larger than the limit of %(limit)s MB.")
ZIP_BOMB = gettext_noop(
    "The document expands to far more data than its size suggests (a possible zip bomb) and is "
    "refused."
)


def safe_name(name: str, *, max_length: int = 120) -> str:
    """A file name fit to store and show: the last path component only, NFC-normalised, without
    control, separator or shell-special characters, not hidden, at most ``max_length`` long,
    extension kept and lower-cased. Never empty."""
    name = unicodedata.normalize("NFKC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(
        character
        for character in name
        if unicodedata.category(character)[0] not in {"C", "Z"} or character == " "
    )
    name = re.sub(r"[^\w .()+,-]", "_", name)
    name = re.sub(r"\s+", " ", name).strip(" ")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    stem = stem.strip(" .") or "document"
    extension = extension.lower()[:10]
    room = max_length - (len(extension) + 1 if extension else 0)
    stem = stem[:room].rstrip(" .") or "document"
    return f"{stem}.{extension}" if extension else stem


def extension_of(name: str) -> str:
    _stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot else ""


def inspect(name: str, stream: BinaryIO, size: int, limits: Limits | None = None) -> FileKind:
    """Decide the kind of the upload; raise RejectedFile unless it is acceptable."""
    limits = limits or Limits()
    if size <= 0:
        raise RejectedFile(gettext_noop("The file is empty."))
    if size > limits.max_bytes:
        raise RejectedFile(TOO_LARGE, limit=limits.max_bytes // (1024 * 1024))
    claimed = EXTENSIONS.get(extension_of(name))
    if claimed is None:
        accepted = ", ".join(sorted({k.code.upper() for k in KINDS.values()}))
        raise RejectedFile(
            gettext_noop("This type of file is not accepted. Accepted: %(accepted)s."),
            accepted=accepted,
        )
    stream.seek(0)
    data = stream.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise RejectedFile(TOO_LARGE, limit=limits.max_bytes // (1024 * 1024))
    detected = _detect(data, limits)
    if detected.code != claimed.code:
        raise RejectedFile(
            gettext_noop("The content of the file is %(detected)s, but its name says %(claimed)s."),
            detected=detected.code.upper(),
            claimed=claimed.code.upper(),
        )
    return detected


def _detect(data: bytes, limits: Limits) -> FileKind:
    if data.startswith(b"%PDF-"):
        _check_pdf(data)
        return KINDS["pdf"]
    if data.startswith(PNG_SIGNATURE):
        _check_png(data)
        return KINDS["png"]
    if data.startswith(b"\xff\xd8\xff"):
        _check_jpeg(data)
        return KINDS["jpg"]
    if data.startswith(ZIP_LOCAL):
        return _check_zip(data, limits)
    return _check_text(data)


def _check_pdf(data: bytes) -> None:
    if b"%%EOF" not in data[-1024:]:
        raise RejectedFile(gettext_noop("The PDF file is incomplete or damaged."))
    if MARKUP.search(data[:1024]):
        raise RejectedFile(gettext_noop("The file mixes PDF with web content and is refused."))


def _check_png(data: bytes) -> None:
    position = len(PNG_SIGNATURE)
    while True:
        if position + 8 > len(data):
            raise RejectedFile(gettext_noop("The PNG image is incomplete or damaged."))
        length, chunk_type = struct.unpack(">I4s", data[position : position + 8])
        position += 12 + length
        if position > len(data):
            raise RejectedFile(gettext_noop("The PNG image is incomplete or damaged."))
        if chunk_type == b"IEND":
            break
    if data[position:].strip(b"\x00"):
        raise RejectedFile(
            gettext_noop("The PNG image carries other data after its end and is refused.")
        )


def _check_jpeg(data: bytes) -> None:
    if not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        raise RejectedFile(
            gettext_noop("The JPEG image is incomplete or carries other data after its end.")
        )
    if b"%PDF-" in data or ZIP_LOCAL in data or MARKUP.search(data):
        raise RejectedFile(
            gettext_noop("The image contains another kind of content and is refused.")
        )


def _check_text(data: bytes) -> FileKind:
    if any(data.startswith(signature) for signature in BINARY_SIGNATURES) or b"\x00" in data:
        raise RejectedFile(gettext_noop("The file is not plain text and not of an accepted type."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise RejectedFile(
                gettext_noop("The text file is not UTF-8 or Windows-1252 text.")
            ) from error
    if any(
        unicodedata.category(c) == "Cc" and c not in "\t\n\r\f" for c in text[:CHUNK]
    ) or MARKUP.search(data.lstrip()[:512]):
        raise RejectedFile(
            gettext_noop("The text file contains control characters or web content.")
        )
    return KINDS["eml"] if _looks_like_mail(data) else KINDS["txt"]


def _looks_like_mail(data: bytes) -> bool:
    head = data.lstrip(b"\xef\xbb\xbf").split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    lines = [line for line in head.splitlines() if line]
    if not lines or not HEADER_LINE.match(lines[0]):
        return False
    names = {
        line.split(b":", 1)[0].strip().lower()
        for line in lines
        if HEADER_LINE.match(line) and line[:1] not in b" \t"
    }
    return len(names & MAIL_HEADERS) >= 2


OOXML_MAIN = {
    "docx": ("word/document.xml", b"wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", b"spreadsheetml.sheet.main+xml"),
}
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}


def _check_zip(data: bytes, limits: Limits) -> FileKind:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise RejectedFile(
            gettext_noop("The document is damaged (not a valid ZIP container).")
        ) from error
    with archive:
        if len(entries) > limits.max_entries:
            raise RejectedFile(gettext_noop("The document contains too many parts."))
        names = set()
        for entry in entries:
            _check_entry_name(entry.filename)
            if entry.flag_bits & 0x1:
                raise RejectedFile(gettext_noop("Encrypted documents are not accepted."))
            if entry.filename.lower().endswith("vbaproject.bin"):
                raise RejectedFile(gettext_noop("Documents with macros are not accepted."))
            if entry.filename in names:
                raise RejectedFile(gettext_noop("The document contains a part twice."))
            names.add(entry.filename)
        contents = _read_within_budget(archive, entries, len(data), limits)
    if "mimetype" in names:
        return _check_odf(entries, contents)
    return _check_ooxml(names, contents)


def _check_entry_name(name: str) -> None:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or ":" in name or "\x00" in name:
        raise RejectedFile(gettext_noop("The document contains an unsafe part name."))


def _read_within_budget(
    archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo], upload_size: int, limits: Limits
) -> dict[str, bytes]:
    """Decompress every entry, counting real output bytes (headers can lie), and keep the small
    structural ones. Stops at the first byte over the budget."""
    budget = min(limits.max_uncompressed_bytes, max(upload_size, 1) * limits.max_ratio)
    total = 0
    kept: dict[str, bytes] = {}
    keep = {"mimetype", "[Content_Types].xml", "META-INF/manifest.xml"}
    for entry in entries:
        if entry.is_dir():
            continue
        buffer = bytearray() if entry.filename in keep else None
        entry_total = 0
        try:
            with archive.open(entry) as member:
                while chunk := member.read(CHUNK):
                    total += len(chunk)
                    entry_total += len(chunk)
                    if total > budget:
                        raise RejectedFile(ZIP_BOMB)
                    if (
                        entry.compress_size
                        and entry_total > 1024 * 1024
                        and entry_total > entry.compress_size * limits.max_ratio
                    ):
                        raise RejectedFile(ZIP_BOMB)
                    if buffer is not None and len(buffer) < 1024 * 1024:
                        buffer.extend(chunk)
        except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError, zlib.error) as error:
            raise RejectedFile(gettext_noop("The document is damaged.")) from error
        if buffer is not None:
            kept[entry.filename] = bytes(buffer)
    return kept


def _check_odf(entries: list[zipfile.ZipInfo], contents: dict[str, bytes]) -> FileKind:
    first = entries[0]
    if first.filename != "mimetype" or first.compress_type != zipfile.ZIP_STORED:
        raise RejectedFile(
            gettext_noop("The OpenDocument file is damaged (mimetype is not its first part).")
        )
    code = ODF_MIMETYPES.get(contents.get("mimetype", b"").strip())
    if code is None:
        raise RejectedFile(
            gettext_noop("Only OpenDocument text (ODT) and spreadsheets (ODS) are accepted.")
        )
    if "META-INF/manifest.xml" not in contents or "content.xml" not in {
        entry.filename for entry in entries
    }:
        raise RejectedFile(gettext_noop("The OpenDocument file is damaged (parts are missing)."))
    return KINDS[code]


def _check_ooxml(names: set[str], contents: dict[str, bytes]) -> FileKind:
    content_types = contents.get("[Content_Types].xml")
    if content_types is None:
        raise RejectedFile(
            gettext_noop("A ZIP archive is not accepted; upload the documents themselves.")
        )
    if b"macroEnabled" in content_types:
        raise RejectedFile(gettext_noop("Documents with macros are not accepted."))
    for code, (main_part, content_type) in OOXML_MAIN.items():
        if main_part in names and content_type in content_types:
            return KINDS[code]
    raise RejectedFile(
        gettext_noop("Only Word documents (DOCX) and Excel workbooks (XLSX) are accepted.")
    )
