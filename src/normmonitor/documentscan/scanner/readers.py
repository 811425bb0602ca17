"""Reading uploaded files into text: plain text, PDF, DOCX, HTML and the CVDR XML of
lokaleregelgeving.overheid.nl.

The format is decided from the content, never from the file name (``sniff``). Every reader has
limits, so a hostile file costs bounded memory and time: the input size, the text size, PDF
pages, the unpacked size of a DOCX, and for XML the number and depth of elements. XML is read
with expat directly and refused when it declares a DTD or entities, so nothing external is
fetched and nothing expands (the protection defusedxml gives, without the dependency).
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections import Counter
from html.parser import HTMLParser
from xml.etree.ElementTree import Element, TreeBuilder
from xml.parsers import expat

from .document import Document, normalise, parse_text

FORMATS = ("text", "pdf", "docx", "html", "cvdr")

MAX_BYTES = 20 * 1024 * 1024
MAX_TEXT = 10_000_000
MAX_PDF_PAGES = 2000
MAX_DOCX_UNPACKED = 100 * 1024 * 1024
MAX_DOCX_MEMBERS = 5000
MAX_XML_ELEMENTS = 1_000_000
MAX_XML_DEPTH = 200

_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def gettext_noop(message: str) -> str:
    """Marks a message for translation (makemessages finds it) without needing Django."""
    return message


class DocumentReadError(ValueError):
    """The file cannot be read: unsupported, damaged, too large or unsafe. ``message`` is an
    English message id with ``%(name)s`` placeholders filled from ``params``, for the service to
    translate."""

    def __init__(self, message: str, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(message % params if params else message)


def read_document(data: bytes, *, max_bytes: int = MAX_BYTES) -> Document:
    """Sniff, extract and parse. Raises DocumentReadError."""
    if len(data) > max_bytes:
        raise DocumentReadError(
            gettext_noop("The file is larger than %(limit)s MB."), limit=max_bytes // (1024 * 1024)
        )
    kind = sniff(data)
    text = extract_text(data, kind)
    if len(text) > MAX_TEXT:
        raise DocumentReadError(gettext_noop("The document holds more text than can be scanned."))
    if not text.strip():
        raise DocumentReadError(
            gettext_noop(
                "No text was found in the file (a scanned PDF without a text layer cannot be read)."
            )
        )
    return parse_text(text, source_format=kind)


def extract_text(data: bytes, kind: str) -> str:
    readers = {
        "text": _read_text,
        "pdf": _read_pdf,
        "docx": _read_docx,
        "html": _read_html,
        "cvdr": _read_cvdr,
    }
    return readers[kind](data)


# --------------------------------------------------------------------------------------------
# Sniffing

_XML_START = re.compile(rb"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<(?P<tag>[!\w:.-]+)", re.S)


def sniff(data: bytes) -> str:
    """One of FORMATS, from the bytes themselves. Raises DocumentReadError otherwise."""
    head = data[:4096]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        _check_docx(data)
        return "docx"
    text_head = _decode(head, strict=False).lstrip("\ufeff").lstrip()
    lowered = text_head[:2048].lower()
    if lowered.startswith("<"):
        if lowered.startswith(("<!doctype html", "<html")) or re.search(r"<html[\s>]", lowered):
            return "html"
        match = _XML_START.match(text_head.encode("utf-8", "replace"))
        if match is not None:
            tag = match.group("tag").decode("ascii", "replace").split(":")[-1].lower()
            if tag == "!doctype":
                raise DocumentReadError(
                    gettext_noop("XML with a document type declaration is not accepted.")
                )
            if tag in {"cvdr", "regeling", "gemeenteblad"} or "regeling" in tag:
                return "cvdr"
            if tag in {"body", "div", "p", "section", "article", "main", "h1", "table"}:
                return "html"
        raise DocumentReadError(
            gettext_noop("This XML is not a regulation in the CVDR format of lokaleregelgeving.")
        )
    if _looks_like_text(head):
        return "text"
    raise DocumentReadError(
        gettext_noop("This type of file is not accepted: upload text, PDF, DOCX, HTML or CVDR XML.")
    )


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    text = _decode(head, strict=False)
    if not text:
        return False
    printable = sum(1 for char in text if char.isprintable() or char in "\n\r\t\f")
    return printable / len(text) > 0.97


def _decode(data: bytes, *, strict: bool = True) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="strict" if strict else "replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # A cut at the end of a sniffed head is no reason to give up on UTF-8.
        if not strict and error.start >= len(data) - 3:
            return data[: error.start].decode("utf-8-sig")
        return data.decode("cp1252", errors="replace")


# --------------------------------------------------------------------------------------------
# Plain text


def _read_text(data: bytes) -> str:
    return _decode(data)


# --------------------------------------------------------------------------------------------
# PDF

_PAGE_NUMBER = re.compile(
    r"^(?:-\s*)?(?:pagina|blz\.?|page)?\s*\d{1,4}(?:\s*(?:van|/|of)\s*\d{1,4})?(?:\s*-)?$", re.I
)


def _read_pdf(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentReadError(gettext_noop("The PDF is encrypted."))
        if len(reader.pages) > MAX_PDF_PAGES:
            raise DocumentReadError(
                gettext_noop("The PDF has more than %(pages)s pages."), pages=MAX_PDF_PAGES
            )
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentReadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError) as error:
        raise DocumentReadError(gettext_noop("The PDF is damaged and cannot be read.")) from error
    return _strip_running_lines([normalise(page) for page in pages])


def _strip_running_lines(pages: list[str]) -> str:
    """Drop page numbers and the headers and footers that repeat on most pages."""
    page_lines = [page.split("\n") for page in pages]
    edges: Counter[str] = Counter()
    for lines in page_lines:
        for line in {*lines[:2], *lines[-2:]}:
            edges[re.sub(r"\d+", "#", line)] += 1
    repeated = {line for line, count in edges.items() if count >= 2 and count > len(pages) / 2}
    kept: list[str] = []
    for lines in page_lines:
        for position, line in enumerate(lines):
            at_edge = position < 2 or position >= len(lines) - 2
            if at_edge and (_PAGE_NUMBER.match(line) or re.sub(r"\d+", "#", line) in repeated):
                continue
            kept.append(line)
    return "\n".join(kept)


# --------------------------------------------------------------------------------------------
# DOCX


def _check_docx(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise DocumentReadError(
            gettext_noop("The file looks like a ZIP archive but is damaged.")
        ) from error
    with archive:
        members = archive.infolist()
        if len(members) > MAX_DOCX_MEMBERS:
            raise DocumentReadError(gettext_noop("The DOCX holds too many parts."))
        if sum(member.file_size for member in members) > MAX_DOCX_UNPACKED:
            raise DocumentReadError(
                gettext_noop("The DOCX unpacks to more data than can be scanned.")
            )
        names = {member.filename for member in members}
        if "word/document.xml" not in names or "[Content_Types].xml" not in names:
            raise DocumentReadError(
                gettext_noop("Of ZIP-based files only Word documents (DOCX) are accepted.")
            )
        content_types = archive.read("[Content_Types].xml")
        if _DOCX_MAIN.encode() not in content_types:
            raise DocumentReadError(
                gettext_noop("Only DOCX is accepted (not DOCM, templates or other Office files).")
            )


def _read_docx(data: bytes) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    _check_docx(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many kinds on damaged files
        raise DocumentReadError(gettext_noop("The DOCX is damaged and cannot be read.")) from error
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = []
                for cell in row.cells:
                    if cell.text and (not cells or cells[-1] != cell.text):
                        cells.append(cell.text)
                lines.append(" | ".join(cells))
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# HTML

_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul", "title",
}  # fmt: skip
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "button", "select"}
_MARKER = re.compile(r"^\s*(?:\d{1,2}[a-z]?[.)]|[a-z]{1,2}[.)]|\d{1,2}°)\s")


def _letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters


class _HTMLText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.lists: list[list] = []  # [kind, counter]
        self.pending_marker = ""

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
            return
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag in {"ol", "ul"}:
            kind = "ul"
            if tag == "ol":
                kind = "a" if dict(attrs).get("type") in {"a", "A"} else "1"
            self.lists.append([kind, 0])
        elif tag == "li" and self.lists:
            current = self.lists[-1]
            current[1] += 1
            if current[0] == "1":
                self.pending_marker = f"{current[1]}. "
            elif current[0] == "a":
                self.pending_marker = f"{_letters(current[1])}. "
            else:
                self.pending_marker = "- "
        elif tag in {"td", "th"}:
            self.parts.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
            return
        if tag in {"ol", "ul"} and self.lists:
            self.lists.pop()
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.pending_marker and data.strip():
            if not _MARKER.match(data):
                data = self.pending_marker + data.lstrip()
            self.pending_marker = ""
        self.parts.append(data.replace("\n", " "))


def _read_html(data: bytes) -> str:
    text = _decode(data)
    parser = _HTMLText()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError) as error:  # html.parser is lenient; be safe anyway
        raise DocumentReadError(gettext_noop("The HTML cannot be read.")) from error
    return "".join(parser.parts)


# --------------------------------------------------------------------------------------------
# CVDR XML (lokaleregelgeving.overheid.nl)


def parse_xml(data: bytes) -> Element:
    """Parse XML with expat, refusing DTDs and entity declarations, with size limits."""
    builder = TreeBuilder()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    counts = {"elements": 0, "depth": 0}

    def refuse(*_args) -> None:
        raise DocumentReadError(
            gettext_noop("XML with a document type declaration or entities is not accepted.")
        )

    def start(name: str, attributes: dict[str, str]) -> None:
        counts["elements"] += 1
        counts["depth"] += 1
        if counts["elements"] > MAX_XML_ELEMENTS or counts["depth"] > MAX_XML_DEPTH:
            raise DocumentReadError(gettext_noop("The XML is too large or too deeply nested."))
        builder.start(
            name.rsplit(" ", 1)[-1], {k.rsplit(" ", 1)[-1]: v for k, v in attributes.items()}
        )

    def end(name: str) -> None:
        counts["depth"] -= 1
        builder.end(name.rsplit(" ", 1)[-1])

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise DocumentReadError(gettext_noop("The XML is not well-formed.")) from error
    return builder.close()


_STRUCTURE = {"hoofdstuk", "afdeling", "paragraaf", "titeldeel", "deel", "titel", "divisie"}
_INLINE_SKIP = {"meta-data", "redactie", "noot", "extref-noot"}


def _text_of(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _read_cvdr(data: bytes) -> str:
    root = parse_xml(data)
    lines: list[str] = []
    title = next((_text_of(e) for e in root.iter("title")), "")
    if title:
        lines += [title, ""]
    regeling = next(root.iter("regeling"), None)
    if regeling is None:
        regeling = root
    _emit(regeling, lines)
    return "\n".join(lines)


def _emit(element: Element, lines: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag in _INLINE_SKIP or tag == "meta":
            continue
        if tag == "kop":
            continue  # written by the parent
        if tag in _STRUCTURE or tag == "artikel":
            kop = child.find("kop")
            if kop is not None:
                label = _text_of(kop.find("label")) if kop.find("label") is not None else ""
                number = _text_of(kop.find("nr")) if kop.find("nr") is not None else ""
                heading_title = _text_of(kop.find("titel")) if kop.find("titel") is not None else ""
                if tag == "artikel" and not label:
                    label = "Artikel"
                if not label:
                    label = tag.capitalize()
                lines += ["", " ".join(part for part in (label, number, heading_title) if part)]
            _emit(child, lines)
        elif tag == "lid":
            number = child.find("lidnr")
            prefix = _text_of(number) if number is not None else ""
            _emit_block(child, lines, prefix)
        elif tag == "li":
            number = child.find("li.nr")
            prefix = _text_of(number) if number is not None else child.get("nr", "")
            _emit_block(child, lines, prefix)
        elif tag in {"lidnr", "li.nr"}:
            continue
        elif tag in {"al", "context.al", "tussenkop"}:
            lines.append(_text_of(child))
        elif tag in {"toelichting", "artikelgewijze-toelichting", "algemene-toelichting"}:
            lines += ["", "Toelichting"]
            _emit(child, lines)
        elif tag in {"regeling-sluiting", "slotformulering"}:
            lines.append("")
            _emit(child, lines)
        elif tag in {"table", "tabel", "tgroup", "tbody", "thead"}:
            for row in child.iter("row"):
                lines.append(" | ".join(_text_of(entry) for entry in row))
        elif len(child):
            _emit(child, lines)
        else:
            text = _text_of(child)
            if text:
                lines.append(text)


def _emit_block(element: Element, lines: list[str], prefix: str) -> None:
    first = True
    for child in element:
        if child.tag in {"lidnr", "li.nr"}:
            continue
        if child.tag == "al" and first:
            lines.append(f"{prefix} {_text_of(child)}".strip())
        else:
            if first and prefix:
                lines.append(prefix)
            _emit(_wrap(child), lines)
        first = False
    if first and prefix:
        lines.append(prefix)


def _wrap(child: Element) -> Element:
    holder = Element("wrapper")
    holder.append(child)
    return holder
