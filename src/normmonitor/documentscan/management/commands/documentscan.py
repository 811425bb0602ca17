"""normmonitor documentscan FILE --norm KEY [--norm-version V] [--kind apv|bibob|damocles] [--json]

Reads a document (text, PDF, DOCX, HTML or CVDR XML) and prints the findings of the norm's
detection rules: per requirement the verdict, the article found, the deciding sentence, the
confidence and why. Nothing is stored. ``--norm`` is the key of a loaded norm or the path of a
norm file."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from normmonitor.documentscan import selectors
from normmonitor.documentscan.scanner import (
    KINDS,
    DocumentReadError,
    Rule,
    guess_kind,
    read_document,
    rules_from_norm,
    scan,
)
from normmonitor.norms.models import NormVersion
from normmonitor.norms.normfile import FLEVOLANDSE_NORM_PATH, NormFileError, read_norm_file


class Command(BaseCommand):
    help = "Scan an APV, Bibob or Damocles policy against a norm's detection rules."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the document: .txt, .pdf, .docx, .html or CVDR .xml")
        parser.add_argument("--norm", required=True, help="norm key (loaded) or a norm file")
        parser.add_argument("--norm-version", help="the norm's version label (default: the latest)")
        parser.add_argument("--kind", choices=KINDS, help="default: recognised from the title")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from error
        try:
            document = read_document(data)
        except DocumentReadError as error:
            raise CommandError(f"{path}: {error}") from error
        kind = options["kind"] or guess_kind(document)
        if kind is None:
            raise CommandError(
                f"{path}: cannot tell what kind of document this is; pass --kind " + "|".join(KINDS)
            )
        norm, rules = self.rules(options["norm"], options["norm_version"])
        findings = scan(document, rules, kind=kind)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "file": str(path),
                        "kind": kind,
                        "norm": norm,
                        "document": {
                            "title": document.title,
                            "format": document.source_format,
                            "articles": len(document.articles),
                            "adopted_on": document.adopted_on.isoformat()
                            if document.adopted_on
                            else None,
                            "amending_ordinance": document.is_amendment,
                            "warnings": list(document.warnings),
                        },
                        "findings": [finding.to_dict() for finding in findings],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        self.stdout.write(f"{document.title or path.name}")
        self.stdout.write(
            f"{document.source_format}, {len(document.articles)} articles, kind {kind}; "
            f"rules of {norm['name']} {norm['version']}"
        )
        for warning in document.warnings:
            self.stdout.write(f"warning: {warning}")
        for finding in findings:
            where = f"artikel {finding.article}" if finding.article else "-"
            if finding.article_title:
                where += f" ({finding.article_title})"
            self.stdout.write(
                f"\n{finding.label:9} {finding.verdict:8} {where}  "
                f"[{round(100 * finding.confidence)}%]  {finding.topic}"
            )
            for quote in finding.quotes:
                self.stdout.write(
                    textwrap.fill(
                        f"“{quote.text}” ({quote.location})",
                        width=100,
                        initial_indent="    ",
                        subsequent_indent="    ",
                    )
                )
            if finding.why:
                self.stdout.write(
                    textwrap.fill(finding.why, 100, initial_indent="    ", subsequent_indent="    ")
                )
            if finding.also:
                self.stdout.write(f"    also in: {', '.join(finding.also)}")

    def rules(self, norm: str, version: str | None) -> tuple[dict[str, Any], list[Rule]]:
        """The rules of a norm file, or of the latest loaded revision (with rules) of a norm."""
        if norm.endswith((".yaml", ".yml")) or Path(norm).is_file():
            try:
                document = read_norm_file(norm)
            except NormFileError as error:
                raise CommandError(str(error)) from error
            return {"key": document.key, "name": document.name, "version": document.version}, (
                rules_from_norm(document.to_dict())
            )
        versions = NormVersion.objects.filter(norm__key=norm)
        if version:
            versions = versions.filter(version=version)
        try:
            latest = versions.order_by("-loaded_at").first()
            chosen = selectors.with_rules(latest) if latest is not None else None
        except DatabaseError:  # no database yet (not migrated): the norm file may still serve
            chosen = None
        if chosen is not None:
            return (
                {
                    "key": norm,
                    "name": chosen.name,
                    "version": chosen.version,
                    "revision": chosen.revision,
                },
                selectors.rules_of(chosen),
            )
        shipped = read_norm_file(FLEVOLANDSE_NORM_PATH)
        if shipped.key == norm and (not version or version == shipped.version):
            sys.stderr.write(
                f"note: {norm} is not loaded with detection rules; using "
                f"{FLEVOLANDSE_NORM_PATH.name} (load it with: normmonitor norm load FILE)\n"
            )
            return {"key": norm, "name": shipped.name, "version": shipped.version}, (
                rules_from_norm(shipped.to_dict())
            )
        raise CommandError(
            f"no norm {norm!r}{f' version {version}' if version else ''} with detection rules is "
            "loaded; load one with 'normmonitor norm load FILE' or pass a norm file"
        )
