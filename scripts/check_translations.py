"""Fails when a message is untranslated, fuzzy or stale, or when a .mo file is out of date.

Runs makemessages into a scratch copy of the catalogues so that the committed files are never
touched, then compares. Needs GNU gettext (msgfmt, xgettext)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "normmonitor"
LOCALE = PACKAGE / "locale"
LANGUAGES = ("nl", "en")


def entries(po: Path) -> dict[str, tuple[str, bool]]:
    """msgid → (msgstr, fuzzy) for every entry, plural forms folded into one string."""
    result: dict[str, tuple[str, bool]] = {}
    output = subprocess.run(
        ["msgcat", "--no-wrap", "--sort-output", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for block in output.split("\n\n"):
        lines = block.strip().splitlines()
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        msgid = "".join(_strings(lines, "msgid ")) + "".join(_strings(lines, "msgctxt "))
        msgstr = "".join(_strings(lines, "msgstr"))
        if msgid:
            result[msgid] = (msgstr, fuzzy)
    return result


def _strings(lines: list[str], prefix: str) -> list[str]:
    return [line.split(" ", 1)[1].strip('"') for line in lines if line.startswith(prefix)]


def main() -> int:
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "normmonitor"
        shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "normmonitor.conf.test"}
        for language in LANGUAGES:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "django",
                    "makemessages",
                    "-l",
                    language,
                    "--no-obsolete",
                    "--no-location",
                    "-i",
                    "migrations/*",
                ],
                cwd=copy,
                env=env,
                check=True,
                capture_output=True,
            )
        for language in LANGUAGES:
            committed = LOCALE / language / "LC_MESSAGES" / "django.po"
            fresh = copy / "locale" / language / "LC_MESSAGES" / "django.po"
            if not committed.exists():
                problems.append(f"{committed} is missing")
                continue
            old, new = entries(committed), entries(fresh)
            for msgid in sorted(set(new) - set(old)):
                problems.append(f"{language}: not in the catalogue (run makemessages): {msgid!r}")
            for msgid in sorted(set(old) - set(new)):
                problems.append(f"{language}: stale message (run makemessages): {msgid!r}")
            if language == "nl":
                for msgid, (msgstr, fuzzy) in sorted(old.items()):
                    if fuzzy:
                        problems.append(f"nl: fuzzy translation: {msgid!r}")
                    elif not msgstr:
                        problems.append(f"nl: untranslated: {msgid!r}")
            compiled = Path(scratch) / f"{language}.mo"
            subprocess.run(["msgfmt", "-o", str(compiled), str(committed)], check=True)
            mo = committed.with_suffix(".mo")
            if not mo.exists() or mo.read_bytes() != compiled.read_bytes():
                problems.append(f"{mo} is out of date (run compilemessages)")
    for problem in problems:
        print(problem)
    print("translations OK" if not problems else f"{len(problems)} translation problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
