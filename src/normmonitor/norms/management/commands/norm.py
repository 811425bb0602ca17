"""``normmonitor norm validate|load|show|list``: norm files on the command line.

Mapping files (``format: normmonitor/norm-mapping@1``) can be given to ``validate`` and
``load`` beside norm files; they are recognised by their format line, checked against the
norm files given with them (or the stored versions) and loaded after every norm file."""

from __future__ import annotations

import json
import textwrap

from django.core.management.base import BaseCommand, CommandError, CommandParser

from normmonitor.beheer.services import norm_load
from normmonitor.norms.mapping import (
    MappingDocument,
    MappingError,
    is_mapping_text,
    read_mapping_file,
)
from normmonitor.norms.models import NormMapping, NormVersion
from normmonitor.norms.normfile import NormDocument, NormFileError, read_norm_file
from normmonitor.norms.selectors import get_norm_version, item_codes, norm_tree
from normmonitor.norms.services import load_mapping


class Command(BaseCommand):
    help = "Validate, load, show and list norms (see docs/norm-format.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="COMMAND")
        validate = subcommands.add_parser(
            "validate", help="check norm and mapping files without loading"
        )
        validate.add_argument("files", nargs="+", metavar="FILE")
        load = subcommands.add_parser("load", help="load norm and mapping files")
        load.add_argument("files", nargs="+", metavar="FILE")
        show = subcommands.add_parser("show", help="print a stored norm")
        show.add_argument("key", metavar="KEY")
        show.add_argument("--version", dest="norm_version", metavar="V", help="version label")
        show.add_argument("--json", dest="as_json", action="store_true", help="print as JSON")
        subcommands.add_parser("list", help="list the stored norm versions and mappings")

    def handle(self, *args, subcommand: str, **options) -> None:
        getattr(self, f"handle_{subcommand}")(**options)

    # -- subcommands ----------------------------------------------------------------------

    def handle_validate(self, files: list[str], **options) -> None:
        documents, mappings = self._read_all(files)
        for path, document in documents.items():
            self.stdout.write(f"OK {path}: {_summary(document)}")
        for path, mapping in mappings.items():
            checked = self._check_mapping(path, mapping, documents, use_database=False)
            self.stdout.write(f"OK {path}: {_mapping_summary(mapping)}{checked}")

    def handle_load(self, files: list[str], **options) -> None:
        # Validate every file before loading any, so that a broken file loads nothing.
        documents, mappings = self._read_all(files)
        for path, mapping in mappings.items():
            self._check_mapping(path, mapping, documents, use_database=True)
        for path, document in documents.items():
            # Through the audited service, like an upload on the management pages: the trail
            # shows every new norm version, whoever loaded it (the system, here).
            result = norm_load(actor=None, document=document)
            style = self.style.SUCCESS if result.created else (lambda text: text)
            self.stdout.write(style(f"{path}: {result.message}"))
        for path, mapping in mappings.items():
            try:
                loaded = load_mapping(mapping)
            except MappingError as exc:  # pragma: no cover - checked above
                raise CommandError(str(exc)) from exc
            style = self.style.SUCCESS if loaded.created else (lambda text: text)
            self.stdout.write(style(f"{path}: {loaded.message}"))

    def handle_show(self, key: str, norm_version: str | None, as_json: bool, **options) -> None:
        try:
            version = get_norm_version(key, norm_version)
        except NormVersion.DoesNotExist as exc:
            raise CommandError(str(exc)) from exc
        tree = norm_tree(version)
        if as_json:
            self.stdout.write(json.dumps(tree, ensure_ascii=False, indent=2))
        else:
            self.stdout.write("\n".join(_outline(tree)))

    def handle_list(self, **options) -> None:
        versions = NormVersion.objects.select_related("norm").order_by(
            "norm__key", "version", "revision"
        )
        if not versions:
            self.stdout.write("No norms loaded. Load one with: normmonitor norm load FILE")
        for version in versions:
            date = version.date.isoformat() if version.date else "-"
            self.stdout.write(
                f"{version.norm.key}  {version.version}  rev {version.revision}  {date}  "
                f"{version.requirements.count()} requirements  "
                f"{version.content_hash[:12]}  {version.name}"
            )
        mappings = NormMapping.objects.select_related(
            "norm", "from_version", "to_version"
        ).order_by("norm__key", "from_version__version", "to_version__version", "loaded_at")
        for mapping in mappings:
            self.stdout.write(
                f"{mapping.norm.key}  mapping {mapping.from_version.version} rev "
                f"{mapping.from_version.revision} → {mapping.to_version.version} rev "
                f"{mapping.to_version.revision}  {mapping.content_hash[:12]}  "
                f"loaded {mapping.loaded_at:%Y-%m-%d %H:%M}"
            )

    # -- helpers --------------------------------------------------------------------------

    def _read_all(
        self, files: list[str]
    ) -> tuple[dict[str, NormDocument], dict[str, MappingDocument]]:
        """Parse every file, printing one line per problem (FILE:LINE: path: message)."""
        documents: dict[str, NormDocument] = {}
        mappings: dict[str, MappingDocument] = {}
        failed = 0
        for path in files:
            try:
                if _is_mapping_file(path):
                    mappings[path] = read_mapping_file(path)
                else:
                    documents[path] = read_norm_file(path)
            except NormFileError as exc:  # MappingError is a NormFileError
                failed += 1
                for problem in exc.problems:
                    self.stderr.write(problem.format(path))
        if failed:
            raise CommandError(f"{failed} of {len(files)} norm file(s) have problems")
        return documents, mappings

    def _check_mapping(
        self,
        path: str,
        mapping: MappingDocument,
        documents: dict[str, NormDocument],
        *,
        use_database: bool,
    ) -> str:
        """Check a mapping against the two versions it links: taken from the norm files given
        in the same command, else (when loading) from the database. Returns a note on what it
        was checked against."""
        codes: dict[str, list[str]] = {}
        for document in documents.values():
            if document.key == mapping.norm:
                codes[document.version] = [spec.code for _t, spec, _p, _d in document.walk()]
        for label in (mapping.from_version, mapping.to_version):
            if label in codes or not use_database:
                continue
            try:
                codes[label] = item_codes(get_norm_version(mapping.norm, label))
            except NormVersion.DoesNotExist as exc:
                raise CommandError(f"{path}: {exc}; give its norm file too") from exc
        if mapping.from_version not in codes or mapping.to_version not in codes:
            return " (structure only: give both norm files to check it against the versions)"
        try:
            item_map = mapping.resolve(codes[mapping.from_version], codes[mapping.to_version])
        except MappingError as exc:
            for problem in exc.problems:
                self.stderr.write(problem.format(path))
            raise CommandError(f"{path}: the mapping does not fit the two versions") from exc
        counts = ", ".join(f"{n} {relation}" for relation, n in item_map.counts().items() if n)
        return f"; fits both versions ({counts})"


def _summary(document: NormDocument) -> str:
    requirements = sum(1 for _ in document.walk())
    return (
        f"{document.key} {document.version}: {len(document.themes)} themes, "
        f"{len(document.ambitions)} ambitions, {requirements} requirements, "
        f"{len(document.scale)} scale levels (sha256 {document.content_hash[:12]})"
    )


def _mapping_summary(mapping: MappingDocument) -> str:
    return (
        f"mapping {mapping.norm} {mapping.from_version} → {mapping.to_version}: "
        f"{len(mapping.links)} explicit links (sha256 {mapping.content_hash[:12]})"
    )


def _is_mapping_file(path: str) -> bool:
    try:
        with open(path, encoding="utf-8") as handle:
            return is_mapping_text(handle.read(4096))
    except (OSError, UnicodeDecodeError):
        return False  # read_norm_file reports it


def _outline(tree: dict) -> list[str]:
    revision = f", revision {tree['revision']}" if tree["revision"] > 1 else ""
    lines = [f"{tree['name']} {tree['version']} ({tree['key']}{revision}, {tree['date'] or '-'})"]
    scale = " / ".join(
        f"{level['label']}" + ("" if level["not_applicable"] else f" ({level['weight']:g})")
        for level in tree["scale"]
    )
    lines.append(f"Scale: {scale}")

    def requirement(node: dict, depth: int) -> None:
        indent = "  " * (depth + 1)
        pad = indent + " " * (len(node["label"]) + 2)
        applies = ", ".join(node["applies_to"])
        extra = " (derived)" if node["rating"] == "derived" else ""
        extra += f" every {node['recurrence']}" if node["recurrence"] else ""
        wrapped = textwrap.wrap(node["text"], width=max(40, 100 - len(pad)))
        lines.append(f"{indent}{node['label']}  {wrapped[0] if wrapped else ''}")
        lines.extend(pad + line for line in wrapped[1:])
        lines.append(f"{pad}[{applies}]{extra}")
        for child in node["children"]:
            requirement(child, depth + 1)

    for theme in tree["themes"]:
        lines.append("")
        lines.append(f"{theme['code']}. {theme['title']}")
        group = None
        for node in theme["requirements"]:
            if node["group"] and node["group"] != group:
                lines.append(f"  — {node['group']}")
            group = node["group"]
            requirement(node, 0)
    return lines
