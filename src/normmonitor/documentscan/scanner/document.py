"""A regulation as structured text: chapters and sections, articles with number and title,
members (leden), list items and sentences, all as offsets into one normalised text.

``parse_text`` works on plain text, which is what every reader (PDF, DOCX, HTML, CVDR XML)
produces. It recognises the ways Dutch regulations number their parts ("Artikel 2:28",
"Artikel 2.28", "Art. 2:28a", "Artikel IV", "Hoofdstuk 2", "Afdeling 8", "§ 3"), titles on the
heading line or the line below, tables of contents, the preamble ("gelet op ..."), the closing
formula ("Aldus vastgesteld ..."), explanatory notes (toelichting) and amending ordinances
("Artikel I ... A. Artikel 2:30 komt te luiden: ...").
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

# Parts of a document an article can belong to.
OPERATIVE = "operative"  # the regulation itself
AMENDMENT = "amendment"  # new text set by an amending ordinance (Artikel I, onderdeel A, ...)
EXPLANATORY = "explanatory"  # toelichting: explains, never counts as a provision

MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ),
        start=1,
    )
}


@dataclass(frozen=True)
class Sentence:
    """A sentence, a member's text or a list item. ``lead`` is the index (within the article)
    of the sentence that introduces the list this item belongs to ("weigert de vergunning
    als:"), or -1."""

    start: int
    end: int
    member: str = ""
    item: str = ""
    lead: int = -1


@dataclass(frozen=True)
class Article:
    number: str  # as written, spaces removed: "2:28a", "2.28", "IV", "3"
    title: str
    start: int  # offset of the heading
    end: int
    path: tuple[str, ...] = ()  # enclosing sections: ("Hoofdstuk 2 ...", "Afdeling 8 ...")
    part: str = OPERATIVE
    amended_by: str = ""  # "Artikel I, onderdeel A" for text set by an amending ordinance
    note: str = ""  # the amending instruction, or "vervalt"
    repealed: bool = False
    sentences: tuple[Sentence, ...] = ()
    heading: str = ""  # "Artikel" (also for "Art."), "§", or "" for a numbered heading

    @property
    def key(self) -> str:
        return number_key(self.number)

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}".strip()


@dataclass(frozen=True)
class Document:
    text: str
    articles: tuple[Article, ...]
    title: str = ""
    preamble: tuple[int, int] = (0, 0)
    adopted_on: dt.date | None = None
    is_amendment: bool = False
    source_format: str = "text"
    warnings: tuple[str, ...] = ()

    def quote(self, start: int, end: int) -> str:
        return " ".join(self.text[start:end].split())

    def article_at(self, offset: int) -> Article | None:
        for article in self.articles:
            if article.start <= offset < article.end:
                return article
        return None

    @property
    def operative_articles(self) -> list[Article]:
        return [article for article in self.articles if article.part != EXPLANATORY]


def number_key(number: str) -> str:
    """ "2.28A" and "2:28a" compare equal; roman numerals and plain numbers stay as they are."""
    return re.sub(r"\s+", "", number).replace(".", ":").lower()


# --------------------------------------------------------------------------------------------
# Normalisation

_TRANSLATION = str.maketrans(
    {
        "\u00a0": " ",  # no-break space
        "\u2007": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200b": None,  # zero-width space
        "\u00ad": None,  # soft hyphen
        "\ufeff": None,  # byte-order mark
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\t": " ",
        "\f": "\n",
        "\v": "\n",
    }
)
# Page numbers and running footers left in text copied from a PDF: "Pagina 9 van 31", "- 9 -".
PAGE_LINE = re.compile(
    r"^(?:-\s*)?(?:pagina|blz\.?|page)\s*\d{1,4}(?:\s*(?:van|/|of)\s*\d{1,4})?(?:\s*-)?$|^-\s*\d{1,4}\s*-$",
    re.IGNORECASE,
)
_PAGE_LINES = re.compile(
    r"^(?:(?:-\s*)?(?:pagina|blz\.?|page)\s*\d{1,4}(?:\s*(?:van|/|of)\s*\d{1,4})?(?:\s*-)?"
    r"|-\s*\d{1,4}\s*-)(?:\n|\Z)",
    re.IGNORECASE | re.MULTILINE,
)
_LINE_EDGES = re.compile(r"^ +| +$", re.MULTILINE)
_SPECIAL = re.compile("[" + "".join(re.escape(chr(code)) for code in _TRANSLATION) + "]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SPACES = re.compile(r" {2,}")
# "ver-\nboden" is one word; "woon-\nen leefsituatie" and "Drank-\nen Horecawet" are not.
_HYPHENATED = re.compile(r"(?<=[a-zà-ÿ])-\n(?!(?:en|of|tot|dan|noch)\b)(?=[a-zà-ÿ])")
_BLANK_LINES = re.compile(r"\n{3,}")


def normalise(text: str) -> str:
    """One canonical form for every reader: NFC, \\n line ends, straight quotes, hyphenation
    at line ends undone, runs of spaces collapsed, lines stripped."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # str.translate looks up every character; substituting only the few special ones is faster.
    text = _SPECIAL.sub(lambda match: _TRANSLATION[ord(match.group())] or "", text)
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _LINE_EDGES.sub("", text)
    text = _PAGE_LINES.sub("", text)
    text = _HYPHENATED.sub("", text)
    return _BLANK_LINES.sub("\n\n", text).strip("\n")


# --------------------------------------------------------------------------------------------
# Headings

_NUMBER = (
    r"(?:\d+[a-zA-Z]?(?:\s?[.:]\s?\d+[a-zA-Z]?)*(?:\s[a-z](?=\s+[A-Z(]|\s*$))?|[IVXLC]+(?![\w]))"
)
_ARTICLE = re.compile(
    rf"^(?P<label>Artikel|ARTIKEL|Art\.|ART\.|Art|§)\s*(?P<number>{_NUMBER})"
    r"(?:\s*[.:\-]\s*|\s+|$)(?P<title>.*)$"
)
_SECTION = re.compile(
    rf"^(?P<kind>Hoofdstuk|HOOFDSTUK|Afdeling|AFDELING|Paragraaf|PARAGRAAF|Titel|TITEL|Deel|DEEL)"
    rf"\s+(?P<number>{_NUMBER})(?:\s*[.:\-]\s*|\s+|$)(?P<title>.*)$"
)
_SECTION_LEVEL = {"hoofdstuk": 1, "deel": 1, "titel": 1, "afdeling": 2, "paragraaf": 3, "§": 3}
# A numbered heading of a policy document without articles: "3.2 Horeca", "4. Coffeeshops".
_NUMBERED_HEADING = re.compile(r"^(?P<number>\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(?P<title>[A-Z].*)$")
# Words that start a sentence, not a title: "Artikel 1:8 is van overeenkomstige toepassing."
_NOT_A_TITLE = re.compile(
    r"^(?:is|zijn|wordt|worden|komt|komen|vervalt|vervallen|blijft|blijven|geldt|gelden|luidt|"
    r"kan|kunnen|van|en|of|lid|leden|eerste|tweede|derde|vierde|vijfde|zesde|zevende|achtste|"
    r"onder|tot|in|op|aan|na|voor|met|juncto|jo\.?|bepaalt|bedoeld|genoemd|sub|t/m|,|;)\b",
)
# A line of a table of contents: dot leaders before a page number. (Without leaders a contents
# line reads as a heading without body, and is dropped when the real article follows.)
_TOC_ENTRY = re.compile(r"(?:\.{3,}|…+)\s*\d{1,4}$")
_TOELICHTING = re.compile(
    r"^(?:(?:algemene|artikelsgewijze|artikelgewijze|nota van)\s+)?toelichting\b[^.;]{0,60}$",
    re.IGNORECASE,
)
# The closing formula, the signatures and appendices end the article before them.
_CLOSING = re.compile(
    r"^(?:aldus (?:vastgesteld|besloten|gedaan)|ondertekening\b|vastgesteld (?:in de|door de)"
    r"|de (?:voorzitter|griffier|burgemeester),?$|bijlagen?\b[^.]{0,80}$)",
    re.IGNORECASE,
)
_INSTRUCTION = re.compile(
    r"^(?:(?P<part>(?-i:[A-Z]{1,2})|\d{1,2})[.)]?\s+)?"
    r"(?P<text>(?:(?:in|na|aan|voor|het opschrift van|de titel van)\s+)?"
    r"(?:artikel|afdeling|hoofdstuk|paragraaf)\s+(?P<number>\d+[a-z]?(?:[.:]\d+[a-z]?)*)\b.*?"
    r"(?:komt te luiden|komen te luiden|wordt\b.*?\bingevoegd|worden\b.*?\bingevoegd"
    r"|wordt\b.*?\btoegevoegd|worden\b.*?\btoegevoegd|vervalt|vervallen|wordt\b.*?\bgewijzigd"
    r"|wordt\b.*?\bvervangen|wordt vernummerd).*)$",
    re.IGNORECASE,
)
_AMENDS = re.compile(r"\b(?:wordt|worden) als volgt gewijzigd\b", re.IGNORECASE)
_PART_LABEL = re.compile(r"^(?:[A-Z]{1,2}|[IVX]{1,4}|\d{1,2})\.?$")
_REPEAL = re.compile(r"\b(?:vervalt|vervallen)\b", re.IGNORECASE)

# Members and list items at the start of a line.
_MEMBER = re.compile(r"^(?P<n>\d{1,2}[a-z]?)(?:\.(?=\s|$)|\)|\s(?=[A-Z\"'(]))\s*")

_ITEM = re.compile(r"^(?P<n>[a-z]{1,2}|[ivx]{1,4}|\d{1,2}°)[.)]\s+|^(?P<b>[-•*·])\s+")
_INLINE_ITEM = re.compile(r"(?<=[;:])\s+(?=(?:[a-z]{1,2}|\d{1,2}°)[.)]\s)")
_SENTENCE_END = re.compile(r"(?<=[.;?!])\s+(?=[\"'(]?[A-Z0-9])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:art|artt|jo|o\.a|bijv|nr|nrs|m\.b\.t|e\.d|i\.c|c\.q|z\.s\.m|resp|enz|etc|d\.d|"
    r"t\.a\.v|mr|dhr|mw|sub|jl|blz|ca|incl|excl|max|min|n\.v\.t|Stb|Stcrt|Gmb)|\b[A-Z])\.$"
)
_DATE_WORDS = re.compile(
    r"\b(?P<day>\d{1,2})\s+(?P<month>" + "|".join(MONTHS) + r")\s+(?P<year>(?:19|20)\d{2})\b",
    re.IGNORECASE,
)
_DATE_NUMBERS = re.compile(
    r"\b(?P<day>\d{1,2})[-/](?P<month>\d{1,2})[-/](?P<year>(?:19|20)\d{2})\b"
)
_ADOPTED = re.compile(r"vastgesteld|besloten|vergadering van", re.IGNORECASE)

MAX_SENTENCE = 4000  # longer "sentences" (tables, lists without punctuation) are cut for matching


def _plausible_title(title: str) -> bool:
    if not title:
        return True
    if len(title) > 160 or title.endswith((";", ",")) or _NOT_A_TITLE.match(title):
        return False
    return len(title.split()) <= 20


@dataclass
class _Open:
    """An article being collected."""

    number: str
    title: str
    start: int
    body_start: int
    path: tuple[str, ...]
    part: str
    heading: str
    amended_by: str = ""
    note: str = ""
    repealed: bool = False
    title_pending: bool = False
    title_continues: bool = False  # a title wrapped onto the next line (PDF)
    end: int | None = None  # set when explanatory text or a closing formula cuts it short


def parse_text(text: str, *, source_format: str = "text", normalised: bool = False) -> Document:
    """Split a regulation's text into its articles (see the module docstring)."""
    if not normalised:
        text = normalise(text)
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)

    articles: list[_Open] = []
    path: list[tuple[int, str]] = []
    part = OPERATIVE
    seen_operative: set[str] = set()
    last_operative = ""  # the number of the last operative article
    explanatory_articles = 0  # articles read since the explanatory part began
    current: _Open | None = None
    amendment_context = ""  # "Artikel I" while inside an amending article
    pending_amendment: tuple[str, str, str] | None = None  # (amended_by, number, instruction)
    pending_part = ""  # "A" on a line of its own before the instruction it labels
    first_heading: int | None = None
    warnings: list[str] = []
    has_articles = any(_ARTICLE.match(line) for line in lines)

    def close(at: int) -> None:
        nonlocal current
        if current is not None and current.end is None:
            current.end = at
        current = None

    index = 0
    while index < len(lines):
        line = lines[index]
        start = offsets[index]
        index += 1
        if not line:
            continue

        if current is not None and current.title_pending:
            current.title_pending = False
            if _looks_like_title(line, lines[index] if index < len(lines) else ""):
                current.title = line.rstrip(".")
                current.body_start = offsets[index]
                continue
        if current is not None and current.title_continues:
            current.title_continues = False
            following = lines[index] if index < len(lines) else ""
            if (
                line[:1].islower()
                and len(line.split()) <= 6
                and not re.search(r"[.;:,]$", line)
                and not following[:1].islower()
            ):
                current.title = f"{current.title} {line}".rstrip(".")
                current.body_start = offsets[index]
                continue

        if amendment_context and _PART_LABEL.match(line):
            close(start)
            pending_part = line.rstrip(".")
            continue

        if _AMENDS.search(line) and not amendment_context:
            amendment_context = "wijziging"
        instruction = _INSTRUCTION.match(line) if amendment_context else None
        if instruction:
            part_label = instruction.group("part") or pending_part
            pending_part = ""
            context = amendment_context if amendment_context != "wijziging" else ""
            where = (
                ", ".join(
                    piece
                    for piece in (context, f"onderdeel {part_label}" if part_label else "")
                    if piece
                )
                or "wijziging"
            )
            number = instruction.group("number")
            text_of = instruction.group("text")
            if _REPEAL.search(text_of) and text_of.lower().startswith("artikel"):
                close(start)
                articles.append(
                    _Open(
                        number=number,
                        title="",
                        start=start,
                        body_start=offsets[index],
                        path=tuple(title for _level, title in path),
                        part=AMENDMENT,
                        heading="Artikel",
                        amended_by=where,
                        note=text_of,
                        repealed=True,
                        end=offsets[index] - 1,
                    )
                )
                pending_amendment = None
                continue
            close(start)
            pending_amendment = (where, number, text_of)
            # The new text follows: either a complete article with its own heading, or the
            # wording of a member or a sentence, which then belongs to the named article.
            following = _next_nonempty(lines, index)
            if following is not None and _ARTICLE.match(lines[following].lstrip("\"'")):
                continue
            current = _Open(
                number=number,
                title="",
                start=start,
                body_start=offsets[index],
                path=tuple(title for _level, title in path),
                part=AMENDMENT,
                heading="Artikel",
                amended_by=where,
                note=text_of,
            )
            articles.append(current)
            continue

        if _TOELICHTING.match(line) and len(line) < 80:
            close(start)
            part = EXPLANATORY
            explanatory_articles = 0
            continue

        if _CLOSING.match(line):
            close(start)
            continue

        article = _ARTICLE.match(line.lstrip("\"'"))
        if article and article.group("label") == "§" and has_articles:
            article = None  # with real articles, "§ 3" is a section
        if article is not None:
            title = article.group("title").strip()
            number = re.sub(r"\s+", "", article.group("number"))
            if _TOC_ENTRY.search(title) and not title.endswith("."):
                continue  # a line of the table of contents
            if not _plausible_title(title):
                article = None
            else:
                if (
                    part == EXPLANATORY
                    and explanatory_articles == 0
                    and number_key(number) not in seen_operative
                    and _follows(number, last_operative)
                ):
                    # The numbering goes on: that was a note on one article, and the regulation
                    # continues. An explanatory part repeats (or goes back to) earlier numbers.
                    part = OPERATIVE
                if part == EXPLANATORY:
                    explanatory_articles += 1
                close(start)
                amended_by = ""
                note = ""
                article_part = part
                if pending_amendment is not None:
                    amended_by, _target, note = pending_amendment
                    article_part = AMENDMENT if part != EXPLANATORY else part
                    pending_amendment = None
                elif re.fullmatch(r"[IVXLC]+", number) and part == OPERATIVE:
                    amendment_context = f"Artikel {number}"
                else:
                    amendment_context = "" if part == OPERATIVE else amendment_context
                current = _Open(
                    number=number,
                    title=title.rstrip("."),
                    start=start,
                    body_start=offsets[index],
                    path=tuple(title for _level, title in path),
                    part=article_part,
                    heading="§" if article.group("label") == "§" else "Artikel",
                    amended_by=amended_by,
                    note=note,
                    title_pending=not title,
                    title_continues=bool(title),
                )
                articles.append(current)
                if article_part == OPERATIVE:
                    seen_operative.add(number_key(number))
                    last_operative = number
                if first_heading is None:
                    first_heading = start
                continue

        section = _SECTION.match(line)
        if section is None and line.startswith("§") and has_articles:
            section = re.match(
                rf"^(?P<kind>§)\s*(?P<number>{_NUMBER})\s*[.:\-]?\s*(?P<title>.*)$", line
            )
        if section is not None and _plausible_title(section.group("title").strip()):
            title = section.group("title").strip()
            if _TOC_ENTRY.search(title) and not title.endswith("."):
                continue
            if not title and index < len(lines):
                following = lines[index]
                if _looks_like_title(following, lines[index + 1] if index + 1 < len(lines) else ""):
                    title = following
                    index += 1
            kind = section.group("kind").lower()
            level = _SECTION_LEVEL.get(kind, 2)
            while path and path[-1][0] >= level:
                path.pop()
            label = f"{section.group('kind').capitalize()} {section.group('number')}"
            path.append((level, f"{label} {title}".strip()))
            close(start)
            if first_heading is None:
                first_heading = start
            continue

        if not has_articles:
            heading = _NUMBERED_HEADING.match(line)
            following_line = lines[index] if index < len(lines) else ""
            if (
                heading is not None
                and len(line) <= 90
                and not re.search(r"[.;:,]$", line)
                and not _TOC_ENTRY.search(heading.group("title"))
                and not (following_line[:1].islower())
                and _plausible_title(heading.group("title"))
                and not re.search(r"\b(?:de|het|een|van|en|of|dat|die|te|in|op)$", line)
            ):
                close(start)
                current = _Open(
                    number=heading.group("number"),
                    title=heading.group("title").strip(),
                    start=start,
                    body_start=offsets[index],
                    path=tuple(title for _level, title in path),
                    part=part,
                    heading="",
                )
                articles.append(current)
                if first_heading is None:
                    first_heading = start
                continue

    close(len(text))

    built: list[Article] = []
    for candidate in articles:
        end = candidate.end if candidate.end is not None else len(text)
        end = max(end, candidate.body_start if candidate.body_start <= len(text) else len(text))
        body_start = min(candidate.body_start, end)
        sentences = () if candidate.repealed else _sentences(text, body_start, end)
        built.append(
            Article(
                number=candidate.number,
                title=candidate.title,
                start=candidate.start,
                end=min(end, len(text)),
                path=candidate.path,
                part=candidate.part,
                amended_by=candidate.amended_by,
                note=candidate.note,
                repealed=candidate.repealed,
                sentences=sentences,
                heading=candidate.heading,
            )
        )
    built = _drop_empty_duplicates(built)

    preamble_end = first_heading if first_heading is not None else len(text)
    if not built:
        warnings.append("no articles or numbered sections were recognised")
    return Document(
        text=text,
        articles=tuple(built),
        title=_title(text, preamble_end),
        preamble=(0, preamble_end),
        adopted_on=_adoption_date(text),
        is_amendment=any(a.part == AMENDMENT for a in built),
        source_format=source_format,
        warnings=tuple(warnings),
    )


def _follows(number: str, previous: str) -> bool:
    """Whether article ``number`` comes after ``previous`` in the numbering (2:30 after 2:28a)."""
    order, before = _order(number), _order(previous) if previous else None
    return order is not None and before is not None and order > before


def _order(number: str) -> tuple | None:
    """2:28a -> ((2, ""), (28, "a")) for comparing positions; None for roman numerals."""
    parts = []
    for piece in number_key(number).split(":"):
        match = re.fullmatch(r"(\d+)([a-z]*)", piece)
        if match is None:
            return None
        parts.append((int(match.group(1)), match.group(2)))
    return tuple(parts)


def _next_nonempty(lines: list[str], index: int) -> int | None:
    while index < len(lines):
        if lines[index]:
            return index
        index += 1
    return None


def _looks_like_title(line: str, following: str) -> bool:
    """The line after a bare "Artikel 2:28": a title, or already the first sentence?"""
    if _MEMBER.match(line) or _ITEM.match(line) or _ARTICLE.match(line) or _SECTION.match(line):
        return False
    if len(line) > 100 or re.search(r"[.;:,]$", line) or not line[:1].isupper():
        return False
    if following[:1].islower():  # a sentence wrapped over two lines
        return False
    return len(line.split()) <= 12


def _drop_empty_duplicates(articles: list[Article]) -> list[Article]:
    """A table of contents without page numbers repeats every heading without a body."""
    with_body = {
        (a.key, a.part) for a in articles if a.sentences or a.repealed or a.part == AMENDMENT
    }
    return [
        a
        for a in articles
        if a.sentences or a.repealed or a.part == AMENDMENT or (a.key, a.part) not in with_body
    ]


def _sentences(text: str, start: int, end: int) -> tuple[Sentence, ...]:
    """Blocks (members, list items, paragraphs) and the sentences within them."""
    blocks: list[tuple[int, int, str, str]] = []  # (start, end, member, item)
    member = ""
    in_list = False
    position = start
    block_start = -1
    block_member = ""
    block_item = ""
    last_block_colon = False

    def flush(at: int) -> None:
        nonlocal block_start, last_block_colon
        if block_start >= 0:
            stop = at
            while stop > block_start and text[stop - 1] in " \n":
                stop -= 1
            if stop > block_start:
                blocks.append((block_start, stop, block_member, block_item))
                last_block_colon = text[stop - 1] == ":"
        block_start = -1

    for raw in text[start:end].split("\n"):
        line_start = position
        position += len(raw) + 1
        if not raw:
            flush(line_start)
            continue
        item = _ITEM.match(raw)
        numbered = _MEMBER.match(raw)
        if item is not None and not (
            numbered is not None and item.group("n") and item.group("n")[0].isdigit()
        ):
            flush(line_start)
            block_start = line_start + item.end()
            block_member = member
            block_item = item.group("n") or item.group("b") or ""
            in_list = True
            continue
        if numbered is not None:
            label = numbered.group("n")
            expected = str(int(re.sub(r"\D", "", member) or 0) + 1)
            if in_list and last_block_colon and label != expected:
                flush(line_start)
                block_start = line_start + numbered.end()
                block_member = member
                block_item = label
                continue
            flush(line_start)
            member = label
            in_list = False
            block_start = line_start + numbered.end()
            block_member = member
            block_item = ""
            continue
        if block_start < 0:
            block_start = line_start
            block_member = member
            block_item = ""
            in_list = False
    flush(min(position, end))

    sentences: list[Sentence] = []
    lead = -1
    for block_start, block_end, block_member, block_item in blocks:
        if not block_item:
            lead = -1
        pieces = _split_sentences(text, block_start, block_end)
        for number, (piece_start, piece_end) in enumerate(pieces):
            item = block_item if number == 0 else ""
            inline = _ITEM.match(text[piece_start:piece_end]) if number else None
            if inline is not None:
                item = inline.group("n") or inline.group("b") or ""
                piece_start += inline.end()
            sentences.append(
                Sentence(
                    start=piece_start,
                    end=piece_end,
                    member=block_member,
                    item=item,
                    lead=lead if item else -1,
                )
            )
            if text[piece_end - 1] == ":":
                lead = len(sentences) - 1
    return tuple(sentences)


def _split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    chunk = text[start:end]
    cuts = [0]
    for match in _SENTENCE_END.finditer(chunk):
        if _ABBREVIATION.search(chunk[: match.start()][-12:]):
            continue
        cuts.append(match.end())
    for match in _INLINE_ITEM.finditer(chunk):
        cuts.append(match.end())
    cuts = sorted(set(cuts))
    pieces = []
    for position, cut in enumerate(cuts):
        stop = cuts[position + 1] if position + 1 < len(cuts) else len(chunk)
        piece = chunk[cut:stop]
        stripped_end = len(piece.rstrip())
        if stripped_end:
            pieces.append((start + cut, start + cut + stripped_end))
    return pieces


_TITLE_WORDS = re.compile(
    r"verordening|beleidsregel|beleid\b|besluit|regeling|\bapv\b|damocles|bibob", re.IGNORECASE
)


def _title(text: str, preamble_end: int) -> str:
    """The line that names the regulation, else the first line of some length."""
    lines = [line.strip() for line in text[:preamble_end].split("\n")[:30]]
    candidates = [line for line in lines if len(line.split()) >= 2 and len(line) <= 300]
    for line in candidates:
        if _TITLE_WORDS.search(line) and not line.lower().startswith(("gelet op", "gelezen")):
            return line
    return candidates[0] if candidates else ""


def _adoption_date(text: str) -> dt.date | None:
    """The date the regulation was adopted ("Aldus vastgesteld in de vergadering van 12 juli
    2022"), or failing that the first date near "vastgesteld"."""
    for match in _ADOPTED.finditer(text):
        window = text[match.start() : match.start() + 160]
        found = _DATE_WORDS.search(window) or _DATE_NUMBERS.search(window)
        if found is None:
            continue
        month = found.group("month").lower()
        try:
            return dt.date(
                int(found.group("year")),
                MONTHS[month] if month in MONTHS else int(month),
                int(found.group("day")),
            )
        except ValueError:
            continue
    return None
