"""``scan(document, rules)``: one finding per rule, with the article and the sentence that
decided it.

How a rule is applied (docs/document-scan.md has the full story):

1. Candidates. Every clause of ``find`` is tried on every sentence of the operative text
   (articles of the regulation or set by an amending ordinance; never the preamble, the
   explanatory notes or an article that defines words). A sentence of a list item is read
   together with the sentence that introduces the list. Cross-references are blanked out
   first, so "als bedoeld in artikel 3:4" or "artikel 30c van de Wet op de kansspelen" cannot
   supply the words a clause looks for.
2. Completeness. A clause with verdict ``found`` is *present* when the ``complete`` patterns
   match in its regime: the article itself, a sentence elsewhere that cites the article's
   number, or a refusal article ("Weigeringsgronden") that follows it in the same section.
   Otherwise it is *partial*. "Slecht levensgedrag" in an event article therefore never
   completes a horeca licence.
3. Choice. The strongest verdict wins (present or risk before partial), then the higher
   confidence, the earlier clause and the earlier place in the document. Other articles that
   matched are listed in ``also``.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from . import references
from .document import EXPLANATORY, MAX_SENTENCE, Article, Document
from .rules import Rule

_VERDICT_RANK = {"present": 3, "risk": 3, "partial": 2, "absent": 0}
# Titles of the articles that complete a licence article that precedes them.
_LINKED_TITLES = re.compile(r"weiger|intrek|eisen|voorwaarden|vereisten", re.IGNORECASE)
_FOLLOWING = 3
# Regulations (verordeningen) always number their provisions as articles. For them, a numbered
# heading in a letter or memo ("2. Sluitingsbevoegdheid") describes, it does not regulate.
# Policies (Bibob, Damocles) may be written in numbered paragraphs and are read as they are.
_REGULATION_KINDS = frozenset({"apv"})

NOTE_AMENDMENT = "amending_ordinance"
NOTE_FEW_ARTICLES = "few_articles"


@dataclass(frozen=True)
class Quote:
    text: str
    start: int
    end: int
    article: str = ""
    member: str = ""
    item: str = ""
    lead: str = ""

    @property
    def location(self) -> str:
        """ "2:28 lid 3 onder b" – where in the article the sentence stands."""
        parts = [self.article] if self.article else []
        if self.member:
            parts.append(f"lid {self.member}")
        if self.item:
            parts.append(f"onder {self.item}")
        return " ".join(parts)


@dataclass(frozen=True)
class Finding:
    requirement: str
    label: str
    topic: str
    verdict: str  # present, partial, absent, risk
    confidence: float
    why: str
    reason: str  # complete, incomplete, found, clause, absent
    propose: str  # achieved, partial, not_achieved, not_applicable, none
    article: str = ""
    article_title: str = ""
    article_start: int = -1
    article_end: int = -1
    amended_by: str = ""
    quote: Quote | None = None
    quotes: tuple[Quote, ...] = ()
    also: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["confidence"] = round(self.confidence, 2)
        for quote in [data["quote"], *data["quotes"]]:
            if quote:
                quote["location"] = Quote(**quote).location
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        def quote(raw: dict[str, Any] | None) -> Quote | None:
            if not raw:
                return None
            return Quote(**{k: v for k, v in raw.items() if k != "location"})

        values = dict(data)
        values["quote"] = quote(data.get("quote"))
        values["quotes"] = tuple(q for q in (quote(raw) for raw in data.get("quotes", ())) if q)
        values["also"] = tuple(data.get("also", ()))
        values["notes"] = tuple(data.get("notes", ()))
        return cls(**values)


@dataclass(frozen=True)
class _Option:
    verdict: str
    confidence: float
    clause_rank: int
    position: int
    article_index: int
    why: str
    reason: str
    quotes: tuple[int, ...]  # sentence positions, the deciding one first


class _Index:
    """The document prepared once for all rules: masked text, every operative sentence in
    order, list items per lead-in sentence, and which sentences cite which article."""

    def __init__(self, document: Document) -> None:
        self.document = document
        # Line breaks read as spaces, so that "slecht\nlevensgedrag" matches "slecht levensgedrag".
        self.text = document.text.replace("\n", " ")
        self.masked = references.mask(self.text)
        # Case-insensitive search over a whole document is slow in Python's re; searching the
        # lower-cased text with a case-sensitive pattern is several times faster. Only when
        # lower-casing keeps every offset (it does for Dutch text).
        lower = self.text.lower()
        self.lower: dict[bool, str] | None = None
        if len(lower) == len(self.text):
            self.lower = {False: lower, True: self.masked.lower()}
        self.starts: list[int] = []
        self.entries: list[tuple[int, int]] = []
        self.position_of: dict[tuple[int, int], int] = {}
        self.article_positions: dict[int, list[int]] = {}
        for article_index, article in enumerate(document.articles):
            if article.part == EXPLANATORY or article.repealed:
                continue
            for sentence_index, sentence in enumerate(article.sentences):
                self.position_of[(article_index, sentence_index)] = len(self.starts)
                self.article_positions.setdefault(article_index, []).append(len(self.starts))
                self.starts.append(sentence.start)
                self.entries.append((article_index, sentence_index))
        self.led: dict[int, list[int]] = {}
        for position, (article_index, sentence_index) in enumerate(self.entries):
            lead = document.articles[article_index].sentences[sentence_index].lead
            if lead >= 0:
                lead_position = self.position_of[(article_index, lead)]
                self.led.setdefault(lead_position, []).append(position)
        self._citations: dict[str, set[int]] | None = None
        self._anchor_cache: dict[tuple[str, bool], set[int]] = {}

    # -- sentences ------------------------------------------------------------------------

    def sentence(self, position: int):
        article_index, sentence_index = self.entries[position]
        article = self.document.articles[article_index]
        return article, article.sentences[sentence_index]

    def match_text(self, position: int, *, masked: bool) -> str:
        source = self.masked if masked else self.text
        article, sentence = self.sentence(position)
        own = source[sentence.start : min(sentence.end, sentence.start + MAX_SENTENCE)]
        if sentence.lead >= 0:
            lead = article.sentences[sentence.lead]
            return source[lead.start : min(lead.end, lead.start + MAX_SENTENCE)] + " " + own
        return own

    def positions_at(self, pattern: re.Pattern[str], *, masked: bool) -> set[int]:
        """Sentences in which the pattern starts a match, plus the items they introduce."""
        key = (pattern.pattern, masked)
        cached = self._anchor_cache.get(key)
        if cached is not None:
            return cached
        found: set[int] = set()
        fast = _case_sensitive(pattern.pattern) if self.lower is not None else None
        if fast is not None and self.lower is not None:
            matches = fast.finditer(self.lower[masked])
        else:
            matches = pattern.finditer(self.masked if masked else self.text)
        for match in matches:
            position = bisect.bisect_right(self.starts, match.start()) - 1
            if position < 0:
                continue
            _article, sentence = self.sentence(position)
            if match.start() >= sentence.end:
                continue  # a heading, the preamble or text between articles
            found.add(position)
            found.update(self.led.get(position, ()))
        self._anchor_cache[key] = found
        return found

    # -- citations ------------------------------------------------------------------------

    def citing(self, key: str) -> set[int]:
        """Sentences that cite article ``key`` (an item whose introduction cites it, too)."""
        if self._citations is None:
            self._citations = {}
            for start, numbers in references.citations(self.text):
                position = bisect.bisect_right(self.starts, start) - 1
                if position < 0 or start >= self.sentence(position)[1].end:
                    continue
                for number in numbers:
                    cited = self._citations.setdefault(number, set())
                    cited.add(position)
                    cited.update(self.led.get(position, ()))
        return self._citations.get(key, set())

    def regime(self, article_index: int, within: str) -> set[int] | None:
        """Sentence positions that may complete the article (None: the whole document)."""
        if within == "document":
            return None
        positions = set(self.article_positions.get(article_index, ()))
        if within == "article":
            return positions
        article = self.document.articles[article_index]
        positions |= self.citing(article.key)
        articles = self.document.articles
        for following in range(
            article_index + 1, min(len(articles), article_index + 1 + _FOLLOWING)
        ):
            other = articles[following]
            if other.path != article.path or other.part != article.part:
                break
            if _LINKED_TITLES.search(other.title):
                positions.update(self.article_positions.get(following, ()))
        return positions


@functools.cache
def _case_sensitive(source: str) -> re.Pattern[str] | None:
    """The pattern for lower-cased text, if it has no capitals to miss (escapes like \\S aside)."""
    if any(char.isupper() for char in re.sub(r"\\.", "", source)):
        return None
    return re.compile(source)


def scan(document: Document, rules: Sequence[Rule], *, kind: str | None = None) -> list[Finding]:
    """One finding per rule (per rule for ``kind`` only, when given), in the rules' order."""
    index = _Index(document)
    return [_evaluate(rule, index) for rule in rules if kind is None or kind in rule.kinds]


def has_provisions(document: Document, kind: str) -> bool:
    """Whether the document has anything a rule of ``kind`` can read: articles for a
    regulation, articles or numbered sections for a policy."""
    return any(
        article.sentences
        and article.part != EXPLANATORY
        and (kind not in _REGULATION_KINDS or article.heading == "Artikel")
        for article in document.articles
    )


def _skipped(rule: Rule, article: Article) -> bool:
    if article.heading != "Artikel" and set(rule.kinds) <= _REGULATION_KINDS:
        return True
    return any(pattern.search(article.title) for pattern in rule.skip_titles)


def _clause_hits(clause, rule: Rule, index: _Index) -> Iterable[int]:
    articles = index.document.articles
    if not clause.sentence:  # title only: the article's first sentence stands for it
        for article_index, positions in index.article_positions.items():
            article = articles[article_index]
            if _skipped(rule, article) or not all(p.search(article.title) for p in clause.title):
                continue
            first = positions[0]
            if not any(p.search(index.match_text(first, masked=True)) for p in clause.exclude):
                yield first
        return
    for position in sorted(index.positions_at(clause.sentence[0], masked=True)):
        article, _sentence = index.sentence(position)
        if _skipped(rule, article):
            continue
        if clause.title and not all(p.search(article.title) for p in clause.title):
            continue
        text = index.match_text(position, masked=True)
        if all(p.search(text) for p in clause.sentence[1:]) and not any(
            p.search(text) for p in clause.exclude
        ):
            yield position


def _completion(rule: Rule, index: _Index, article_index: int) -> int | None:
    complete = rule.complete
    assert complete is not None
    candidates = index.positions_at(complete.sentence[0], masked=False)
    scope = index.regime(article_index, complete.within)
    if scope is not None:
        candidates = candidates & scope
    for position in sorted(candidates):
        text = index.match_text(position, masked=False)
        if all(p.search(text) for p in complete.sentence[1:]):
            return position
    return None


def _evaluate(rule: Rule, index: _Index) -> Finding:
    options: list[_Option] = []
    completions: dict[int, int | None] = {}
    for rank, clause in enumerate(rule.find):
        for position in _clause_hits(clause, rule, index):
            article_index = index.entries[position][0]
            verdict, why, confidence = clause.verdict, clause.why, clause.confidence
            quotes: tuple[int, ...] = (position,)
            reason = "clause"
            if verdict == "found":
                if rule.complete is None:
                    verdict, why, reason = "present", why or rule.found, "found"
                else:
                    if article_index not in completions:
                        completions[article_index] = _completion(rule, index, article_index)
                    completed = completions[article_index]
                    if completed is not None:
                        verdict, reason = "present", "complete"
                        why = why or rule.found
                        confidence = min(confidence, rule.complete.confidence)
                        quotes = (completed, position) if completed != position else quotes
                    else:
                        verdict, reason = "partial", "incomplete"
                        why = rule.complete.missing or why
            options.append(
                _Option(verdict, confidence, rank, position, article_index, why, reason, quotes)
            )

    document = index.document
    if not options:
        notes = []
        confidence = 0.8
        if document.is_amendment:
            notes.append(NOTE_AMENDMENT)
            confidence = 0.4
        readable = [
            article_index
            for article_index in index.article_positions
            if not _skipped(rule, document.articles[article_index])
        ]
        if len(readable) < 3:
            notes.append(NOTE_FEW_ARTICLES)
            confidence = min(confidence, 0.4)
        return Finding(
            requirement=rule.requirement,
            label=rule.label,
            topic=rule.topic,
            verdict="absent",
            confidence=confidence,
            why=rule.absent,
            reason="absent",
            propose=rule.propose.get("absent", "none"),
            notes=tuple(notes),
        )

    best = max(
        options,
        key=lambda o: (_VERDICT_RANK[o.verdict], o.confidence, -o.clause_rank, -o.position),
    )
    article = document.articles[best.article_index]
    quotes = tuple(_quote(index, position) for position in best.quotes)
    also: list[str] = []
    for option in sorted(options, key=lambda o: o.position):
        number = document.articles[option.article_index].number
        if option.article_index != best.article_index and number not in also:
            also.append(number)
    return Finding(
        requirement=rule.requirement,
        label=rule.label,
        topic=rule.topic,
        verdict=best.verdict,
        confidence=round(best.confidence, 2),
        why=best.why,
        reason=best.reason,
        propose=rule.propose.get(best.verdict, "none"),
        article=article.number,
        article_title=article.title,
        article_start=article.start,
        article_end=article.end,
        amended_by=article.amended_by,
        quote=quotes[0],
        quotes=quotes,
        also=tuple(also),
    )


def _quote(index: _Index, position: int) -> Quote:
    article, sentence = index.sentence(position)
    lead = ""
    if sentence.lead >= 0:
        introduction = article.sentences[sentence.lead]
        lead = index.document.quote(introduction.start, introduction.end)
    return Quote(
        text=index.document.quote(sentence.start, sentence.end),
        start=sentence.start,
        end=sentence.end,
        article=article.number,
        member=sentence.member,
        item=sentence.item,
        lead=lead,
    )


_KIND_TITLES = (
    ("damocles", re.compile(r"damocles|13b\W+(?:van\s+de\s+)?opiumwet", re.IGNORECASE)),
    ("bibob", re.compile(r"\bbibob\b|integriteitsbeoordeling", re.IGNORECASE)),
    ("apv", re.compile(r"algemene\s+plaatselijke\s+verordening|\bapv\b", re.IGNORECASE)),
)


def guess_kind(document: Document) -> str | None:
    """apv, bibob or damocles from the title, else from the opening text; None if unclear."""
    for text in (
        document.title,
        document.text[: document.preamble[1]][:3000],
        document.text[:3000],
    ):
        for kind, pattern in _KIND_TITLES:
            if pattern.search(text):
                return kind
    return None
