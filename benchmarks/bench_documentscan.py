"""Document scan: accuracy over the labelled corpus, and speed on one core.

    .venv/bin/python benchmarks/bench_documentscan.py [--megabytes 8] [--repeat 3]

Accuracy: precision and recall per requirement over tests/documentscan/corpus (the development
corpus) and tests/documentscan/corpus/heldout (written after the rules were frozen), as defined
in normmonitor.documentscan.scanner.evaluation.

Speed: the APV texts of the corpus are repeated (renumbered, so every copy adds articles) into
one text of the given size; the time to normalise, split into articles and apply every APV rule
is measured in CPU time of this single process (no threads or subprocesses are used). The
target of issue #6 is at least 1 MB of text per second. Reading PDF and DOCX adds the time of
pypdf and python-docx; it is reported separately, per page.

Results go to stdout as Markdown, for docs/document-scan.md. No Django and no database needed.
"""

from __future__ import annotations

import argparse
import io
import platform
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from pypdf import PdfReader  # noqa: E402

from normmonitor.documentscan.scanner import parse_text, read_document, rules_from_norm, scan  # noqa: E402
from normmonitor.documentscan.scanner.evaluation import as_markdown, evaluate  # noqa: E402
from normmonitor.norms.normfile import FLEVOLANDSE_NORM_PATH, read_norm_file  # noqa: E402

CORPUS = ROOT / "tests" / "documentscan" / "corpus"
APV_TEXTS = (
    "apv-oud-model.txt",
    "apv-nieuw-model.txt",
    "apv-punt-nummering.txt",
    "apv-negatief.txt",
)


def big_text(megabytes: float) -> str:
    """APV texts repeated until the size is reached; chapter numbers are shifted per copy so
    the articles of every copy are new articles ("Artikel 2:28" becomes "Artikel 102:28")."""
    sources = [(CORPUS / name).read_text(encoding="utf-8") for name in APV_TEXTS]
    parts: list[str] = []
    size = 0
    copy = 0
    while size < megabytes * 1_000_000:
        for source in sources:
            shifted = re.sub(
                r"(?m)^(Artikel|Art\.|Hoofdstuk) (\d+)",
                lambda m, c=copy: f"{m.group(1)} {int(m.group(2)) + 100 * c}",
                source,
            )
            parts.append(shifted)
            size += len(shifted.encode("utf-8"))
        copy += 1
    return "\n\n".join(parts)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def measure(function, repeat: int) -> tuple[float, float]:
    """(median CPU seconds, median wall seconds) over ``repeat`` runs."""
    cpu, wall = [], []
    for _ in range(repeat):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        function()
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start_wall)
    return statistics.median(cpu), statistics.median(wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=8.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    rules = rules_from_norm(read_norm_file(FLEVOLANDSE_NORM_PATH).to_dict())
    apv_rules = [rule for rule in rules if "apv" in rule.kinds]

    print("## Accuracy\n")
    print("### Development corpus (tests/documentscan/corpus)\n")
    report = evaluate(CORPUS, rules)
    print(as_markdown(report, rules))
    for case in report.mistakes:
        print(
            f"- mistake: {case.document} {case.requirement}: expected {case.expected} "
            f"{'/'.join(case.expected_articles)}, found {case.finding.verdict} "
            f"{case.finding.article}"
        )
    heldout = CORPUS / "heldout"
    if (heldout / "labels.yaml").exists():
        print("\n### Held-out corpus (tests/documentscan/corpus/heldout)\n")
        report = evaluate(heldout, rules)
        print(as_markdown(report, rules))
        for case in report.mistakes:
            print(
                f"- mistake: {case.document} {case.requirement}: expected {case.expected} "
                f"{'/'.join(case.expected_articles)}, found {case.finding.verdict} "
                f"{case.finding.article}"
            )

    text = big_text(args.megabytes)
    size_mb = len(text.encode("utf-8")) / 1_000_000
    document = parse_text(text)
    articles = len(document.articles)

    parse_cpu, parse_wall = measure(lambda: parse_text(text), args.repeat)
    scan_cpu, scan_wall = measure(lambda: scan(document, apv_rules, kind="apv"), args.repeat)
    total_cpu, total_wall = measure(
        lambda: scan(parse_text(text), apv_rules, kind="apv"), args.repeat
    )

    pdf = (CORPUS / "apv-pdf.pdf").read_bytes()
    docx = (CORPUS / "apv-docx.docx").read_bytes()
    pdf_cpu, _ = measure(lambda: read_document(pdf), args.repeat)
    docx_cpu, _ = measure(lambda: read_document(docx), args.repeat)
    pdf_pages = len(PdfReader(io.BytesIO(pdf)).pages)

    print("\n## Speed (one core)\n")
    print(
        f"Machine: {cpu_model()}, Python "
        f"{platform.python_version()}; text of {size_mb:.1f} MB with {articles} articles; "
        f"median of {args.repeat} runs, CPU time of one process.\n"
    )
    print("| step | CPU seconds | wall seconds | MB per second (CPU) |")
    print("| --- | ---: | ---: | ---: |")
    print(
        f"| normalise and split into articles | {parse_cpu:.2f} | {parse_wall:.2f} "
        f"| {size_mb / parse_cpu:.1f} |"
    )
    print(
        f"| apply the {len(apv_rules)} APV rules | {scan_cpu:.2f} | {scan_wall:.2f} "
        f"| {size_mb / scan_cpu:.1f} |"
    )
    print(
        f"| **text to findings** | **{total_cpu:.2f}** | {total_wall:.2f} "
        f"| **{size_mb / total_cpu:.1f}** |"
    )
    print(
        f"\nReading files (before the above): PDF {1000 * pdf_cpu / pdf_pages:.0f} ms per page "
        f"(pypdf), DOCX {1000 * docx_cpu:.0f} ms for the corpus file (python-docx)."
    )
    verdict = "meets" if size_mb / total_cpu >= 1 else "MISSES"
    print(f"\nTarget of at least 1 MB/s on one core: {verdict} ({size_mb / total_cpu:.1f} MB/s).")


if __name__ == "__main__":
    main()
