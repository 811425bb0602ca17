"""Every labelled case of the corpus (README.md there says what the files are)."""

import pytest

from normmonitor.documentscan.scanner import read_document, scan
from normmonitor.documentscan.scanner.document import number_key
from normmonitor.documentscan.scanner.evaluation import evaluate, load_labels

from .conftest import CORPUS, flevoland_rules

HELDOUT = CORPUS / "heldout"
LABELS = {
    f"{folder.name}/{name}" if folder == HELDOUT else name: (folder / name, label)
    for folder in (CORPUS, HELDOUT)
    for name, label in load_labels(folder).items()
}
CASES = [
    (name, rule.requirement)
    for name, (_path, label) in LABELS.items()
    for rule in flevoland_rules()
    if label["kind"] in rule.kinds
]


@pytest.fixture(scope="module")
def findings(rules):
    return {
        name: {
            f.requirement: f
            for f in scan(read_document(path.read_bytes()), rules, kind=label["kind"])
        }
        for name, (path, label) in LABELS.items()
    }


@pytest.mark.parametrize(("name", "requirement"), CASES)
def test_labelled_case(findings, name, requirement):
    wanted = (LABELS[name][1].get("expect") or {}).get(requirement, {"verdict": "absent"})
    finding = findings[name][requirement]
    assert finding.verdict == wanted["verdict"], finding.why
    if wanted["verdict"] == "absent":
        assert finding.article == "" and finding.quote is None
        return
    articles = wanted["article"]
    articles = [articles] if isinstance(articles, str) else articles
    assert number_key(finding.article) in {number_key(a) for a in articles}
    # The deciding sentence is quoted from the document, with where it stands.
    assert finding.quote is not None and finding.quote.text
    assert finding.quote.article


def test_every_corpus_file_is_labelled_and_described():
    documents = {
        path.name
        for path in CORPUS.iterdir()
        if path.suffix in {".txt", ".xml", ".html", ".docx", ".pdf"}
    }
    assert documents == set(load_labels(CORPUS))
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in documents)


def test_corpus_totals(rules):
    reports = [evaluate(CORPUS, rules), evaluate(HELDOUT, rules)]
    assert sum(report.total.cases for report in reports) == len(CASES)
    assert [case for report in reports for case in report.mistakes] == []
