"""The detection.scan format: validation, compilation and the Flevolandse Norm's rules."""

import pytest

from normmonitor.documentscan.scanner import RuleError, compile_rule, validate
from normmonitor.norms.normfile import FLEVOLANDSE_NORM_PATH, NormFileError, parse_norm

MINIMAL = {"kinds": ["apv"], "topic": "Test", "find": [{"sentence": ["verboden"]}]}


def test_flevoland_rules(rules):
    assert [rule.requirement for rule in rules] == [
        *("3.2.1", "3.2.2.A", "3.2.2.B", "3.2.2.C", "3.2.3", "3.2.4", "3.2.5"),
        *(f"3.5.{letter}" for letter in "ABCDEFGHI"),
        "3.7",
    ]
    by_code = {rule.requirement: rule for rule in rules}
    assert by_code["3.2.2.A"].label == "3.2.2 A"
    assert by_code["3.2.2.A"].complete.within == "regime"
    assert by_code["3.7"].kinds == ("damocles",)
    assert by_code["3.2.5"].propose["risk"] == "none"
    assert by_code["3.2.1"].propose["present"] == "achieved"


def test_minimal_rule_compiles():
    rule = compile_rule("X.1", MINIMAL)
    assert rule.find[0].verdict == "found" and rule.find[0].confidence == 0.9
    assert rule.skip_titles  # definitions are skipped by default


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        ({"kinds": ["apv", "wob"]}, "scan.kinds[1]", "must be one of"),
        ({"kinds": []}, "scan.kinds", "non-empty"),
        ({"find": []}, "scan.find", "non-empty"),
        ({"find": [{"verdict": "present"}]}, "scan.find[0]", "needs 'sentence' or 'title'"),
        ({"find": [{"sentence": ["(unclosed"]}]}, "scan.find[0].sentence[0]", "regular expression"),
        ({"find": [{"sentence": ["x"], "verdict": "maybe"}]}, "scan.find[0].verdict", "one of"),
        ({"find": [{"sentence": ["x"], "confidence": 2}]}, "scan.find[0].confidence", "at most 1"),
        ({"find": [{"sentence": ["x"], "extra": 1}]}, "scan.find[0].extra", "unknown field"),
        ({"complete": {"within": "regime"}}, "scan.complete.sentence", "required"),
        ({"complete": {"sentence": ["x"], "within": "book"}}, "scan.complete.within", "one of"),
        ({"propose": {"present": "perfect"}}, "scan.propose.present", "one of"),
        ({"topic": ""}, "scan.topic", "non-empty"),
        ({"colour": "blue"}, "scan.colour", "unknown field"),
    ],
)
def test_validation(change, where, message):
    problems = validate({**MINIMAL, **change})
    assert any(path == where and message in text for path, text in problems), problems
    with pytest.raises(RuleError):
        compile_rule("X.1", {**MINIMAL, **change})


def test_norm_file_reports_rule_problems_with_their_line():
    text = FLEVOLANDSE_NORM_PATH.read_text(encoding="utf-8").replace(
        "kinds: [damocles]", "kinds: [damokles]"
    )
    with pytest.raises(NormFileError) as error:
        parse_norm(text, filename="norm.yaml")
    (problem,) = error.value.problems
    assert problem.location.endswith("detection.scan.kinds[0]")
    assert problem.line is not None
    assert text.splitlines()[problem.line - 1].strip() == "kinds: [damokles]"


def test_other_detection_keys_pass_unchecked():
    text = FLEVOLANDSE_NORM_PATH.read_text(encoding="utf-8").replace(
        "detection:\n", "detection:\n  keywords: [a]\n", 1
    )
    # Indentation of the inserted key must match its block; build it from the first rule.
    first = text.index("detection:")
    indent = text[text.rindex("\n", 0, first) + 1 : first]
    text = text.replace(
        "detection:\n  keywords: [a]\n", f"detection:\n{indent}  keywords: [a]\n", 1
    )
    document = parse_norm(text)
    assert document.requirement("3.2.1").detection["keywords"] == ["a"]
