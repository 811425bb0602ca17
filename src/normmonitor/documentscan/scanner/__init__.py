"""Document scan: read a regulation or policy, find the provisions a norm asks for.

Plain Python without Django (docs/document-scan.md):

    document = read_document(data, filename="apv.pdf")     # or parse_text(text)
    rules = rules_from_norm(norm_document.to_dict())         # the norm's detection data
    findings = scan(document, rules, kind="apv")
"""

from .document import AMENDMENT, EXPLANATORY, OPERATIVE, Article, Document, Sentence, parse_text
from .engine import (
    NOTE_AMENDMENT,
    NOTE_FEW_ARTICLES,
    Finding,
    Quote,
    guess_kind,
    has_provisions,
    scan,
)
from .readers import FORMATS, DocumentReadError, read_document, sniff
from .rules import KINDS, Rule, RuleError, compile_rule, rules_from_norm, validate

__all__ = [
    "AMENDMENT",
    "EXPLANATORY",
    "FORMATS",
    "KINDS",
    "NOTE_AMENDMENT",
    "NOTE_FEW_ARTICLES",
    "OPERATIVE",
    "Article",
    "Document",
    "DocumentReadError",
    "Finding",
    "Quote",
    "Rule",
    "RuleError",
    "Sentence",
    "compile_rule",
    "guess_kind",
    "has_provisions",
    "parse_text",
    "read_document",
    "rules_from_norm",
    "scan",
    "sniff",
    "validate",
]
