"""``normmonitor norm validate|load|show|list``: norm files on the command line."""

from __future__ import annotations

import json
import textwrap

from django.core.management.base import BaseCommand, CommandError, CommandParser

from normmonitor.norms.models import NormVersion
from normmonitor.norms.normfile import NormDocument, NormFileError, read_norm_file
from normmonitor.norms.selectors import get_norm_version, norm_tree
from normmonitor.norms.services import load_norm


class Command(BaseCommand):
    help = "Validate, load, show and list norms (see docs/norm-format.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="COMMAND")
        validate = subcommands.add_parser("validate", help="check norm files without loading")
        validate.add_argument("files", nargs="+", metavar="FILE")
        load = subcommands.add_parser("load", help="load norm files into the database")
        load.add_argument("files", nargs="+", metavar="FILE")
        show = subcommands.add_parser("show", help="print a stored norm")
        show.add_argument("key", metavar="KEY")
        show.add_argument("--version", dest="norm_version", metavar="V", help="version label")
        show.add_argument("--json", dest="as_json", action="store_true", help="print as JSON")
        subcommands.add_parser("list", help="list the stored norm versions")

    def handle(self, *args, subcommand: str, **options) -> None:
        getattr(self, f"handle_{subcommand}")(**options)

    # -- subcommands ----------------------------------------------------------------------

    def handle_validate(self, files: list[str], **options) -> None:
        documents = self._read_all(files)
        for path, document in documents.items():
            self.stdout.write(f"OK {path}: {_summary(document)}")

    def handle_load(self, files: list[str], **options) -> None:
        # Validate every file before loading any, so that a broken file loads nothing.
        for path, document in self._read_all(files).items():
            result = load_norm(document)
            style = self.style.SUCCESS if result.created else (lambda text: text)
            self.stdout.write(style(f"{path}: {result.message}"))

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

    # -- helpers --------------------------------------------------------------------------

    def _read_all(self, files: list[str]) -> dict[str, NormDocument]:
        """Parse every file, printing one line per problem (FILE:LINE: path: message)."""
        documents: dict[str, NormDocument] = {}
        failed = 0
        for path in files:
            try:
                documents[path] = read_norm_file(path)
            except NormFileError as exc:
                failed += 1
                for problem in exc.problems:
                    self.stderr.write(problem.format(path))
        if failed:
            raise CommandError(f"{failed} of {len(files)} norm file(s) have problems")
        return documents


def _summary(document: NormDocument) -> str:
    requirements = sum(1 for _ in document.walk())
    return (
        f"{document.key} {document.version}: {len(document.themes)} themes, "
        f"{len(document.ambitions)} ambitions, {requirements} requirements, "
        f"{len(document.scale)} scale levels (sha256 {document.content_hash[:12]})"
    )


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
