"""Cross-references: "als bedoeld in artikel 3:4", "op grond van artikel 174 van de Gemeentewet",
"(artikel 2:28)".

A reference names a provision; it is not the provision. ``mask`` blanks every reference out of
a text (keeping its length, so offsets stay valid) before rules look for the words that make an
article what it is: "artikel 30c van de Wet op de kansspelen" then cannot make an article look
like a gambling licence. ``cited_numbers`` lists the article numbers a sentence refers to, which
links a refusal article ("De vergunning als bedoeld in artikel 3:4 wordt geweigerd ...") to the
licence it belongs to.
"""

from __future__ import annotations

import re

from .document import number_key

_NUMBER = r"\d+[a-z]?(?:[.:]\d+[a-z]?)*"
_NUMBER_LIST = rf"{_NUMBER}(?:\s*(?:,|en|of|tot en met|t/m|-)\s*{_NUMBER})*"
_MODIFIER = (
    r"(?:\s*,?\s*(?:(?:het\s+|de\s+)?\w+\s+(?:lid|leden|volzin)|lid\s+\d+|leden\s+\d+(?:\s*en\s*\d+)?"
    r"|onder\s+[a-z0-9]{1,3}°?|sub\s+[a-z0-9]{1,3}|aanhef(?:\s+en\s+onder\s+[a-z0-9]{1,3})?"
    r"|onderdeel\s+[a-z0-9]{1,3}))*"
)
# The name of a law or regulation after "van de" / "van het": capitalised words and the small
# words between them ("Wet op de kansspelen", "Algemene wet bestuursrecht", "Burgerlijk
# Wetboek"), or "deze verordening".
_LAW = (
    r"(?:deze\s+(?:verordening|regeling|beleidsregels?)"
    r"|[A-Z][\w-]*(?:\s+(?:op|de|het|der|en|inzake|tot|ter|van|[A-Z][\w-]*|\w*wet\w*"
    r"|bestuursrecht|kansspelen|bijzondere|openbare|orde|bevordering|integriteitsbeoordelingen"
    r"|door|het|openbaar|bestuur))*)"
)
_KIND = r"(?i:artikel(?:en)?|art\.|artt\.|hoofdstuk|afdeling|paragraaf|titel|§)"
_REFERENCE_CORE = (
    rf"(?:(?i:het|de)\s+(?i:\w+)\s+(?i:lid|volzin)\s+(?i:van)\s+)?"
    rf"{_KIND}\s*{_NUMBER_LIST}{_MODIFIER}"
    rf"(?:\s*,?\s+(?i:van)\s+(?i:de|het)?\s*{_LAW})?"
)
_TRIGGER = (
    r"(?i:(?:(?:als|zoals)\s+)?(?:bedoeld|genoemd|vermeld|omschreven|gesteld|opgenomen|geregeld)"
    r"\s+in|op\s+grond\s+van|krachtens|ingevolge|gelet\s+op|overeenkomstig|op\s+basis\s+van"
    r"|in\s+de\s+zin\s+van|het\s+bepaalde\s+(?:in|bij)|onverminderd|in\s+afwijking\s+van"
    r"|met\s+inachtneming\s+van|bedoeld\s+bij|van\s+toepassing\s+op|conform)"
)
REFERENCE = re.compile(rf"\b{_TRIGGER}\s+(?:(?i:het|de)\s+)?{_REFERENCE_CORE}")
# A reference in brackets, and a bare reference to another law: "artikel 13b Opiumwet".
BRACKETED = re.compile(rf"\((?i:zie\s+)?{_REFERENCE_CORE}[^)]{{0,80}}\)")
EXTERNAL = re.compile(
    rf"\b{_KIND}\s*{_NUMBER_LIST}{_MODIFIER}\s*,?\s+(?:(?i:van)\s+(?i:de|het)\s+)?"
    r"(?:[A-Z][\w-]*wet\b|Wet\s+[\w\s]{2,40}?\b(?=[,.;:)]|\s+(?:is|wordt|kan|en|of)\b|$)"
    r"|Wetboek\s+van\s+\w+|Burgerlijk\s+Wetboek|Algemene\s+wet\s+bestuursrecht|Awb|Grondwet)"
)

_CITATION = re.compile(
    rf"(?i:\b(?:artikel(?:en)?|art\.|artt\.))\s*(?P<numbers>{_NUMBER_LIST})"
    rf"(?P<after>{_MODIFIER}\s*,?\s*(?:van\s+(?:de|het)\s+(?P<law>{_LAW}))?)"
)
_SPLIT_NUMBERS = re.compile(_NUMBER)


def spans(text: str) -> list[tuple[int, int]]:
    """Where the references are, as (start, end) offsets, merged and sorted."""
    found = [
        m.span() for pattern in (REFERENCE, BRACKETED, EXTERNAL) for m in pattern.finditer(text)
    ]
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mask(text: str) -> str:
    """The text with every reference replaced by spaces of the same length."""
    pieces: list[str] = []
    position = 0
    for start, end in spans(text):
        pieces.append(text[position:start])
        pieces.append(" " * (end - start))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def citations(text: str) -> list[tuple[int, set[str]]]:
    """(offset, keys) of every citation of articles of *this* regulation in a text; references
    to articles of other laws ("artikel 13b van de Opiumwet") are left out."""
    found = []
    for match in _CITATION.finditer(text):
        law = match.group("law") or ""
        if law and not law.lower().startswith("deze"):
            continue
        found.append(
            (match.start(), {number_key(n) for n in _SPLIT_NUMBERS.findall(match.group("numbers"))})
        )
    return found


def cited_numbers(text: str) -> set[str]:
    """Keys of the articles of this regulation that a text cites."""
    return {key for _offset, keys in citations(text) for key in keys}
