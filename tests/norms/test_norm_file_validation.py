"""The parser on a differently shaped norm and on broken files."""

import json
from pathlib import Path

import pytest

from normmonitor.norms.normfile import (
    NormFileError,
    Problem,
    default_label,
    parse_norm,
    read_norm_file,
)

DATA_DIR = Path(__file__).parent / "data"
BROKEN_DIR = DATA_DIR / "broken"


def test_waterschap_norm_has_its_own_shape(waterschap):
    assert waterschap.key == "voorbeeldnorm-waterschap"
    assert waterschap.date.isoformat() == "2024-03-01"  # given as a quoted string
    assert [theme.code for theme in waterschap.themes] == ["A", "B", "C", "D", "E"]
    assert len(waterschap.ambitions) == 7
    assert all(a.text.startswith("Wij ") for a in waterschap.ambitions)
    assert waterschap.organisation_types == ("waterschap", "politie", "om", "gemeente")

    assert [(level.code, level.achieved, level.weight) for level in waterschap.scale] == [
        ("uitgevoerd", True, 1),
        ("in-ontwikkeling", False, 0.4),
        ("ontbreekt", False, 0),
    ]
    assert not any(level.not_applicable for level in waterschap.scale)
    assert waterschap.scale[0].description.startswith("De maatregel")

    a1 = waterschap.requirement("A.1")
    assert [(c.code, c.label, c.kind) for c in a1.children] == [
        ("A.1.a", "A.1 a", "indicator"),
        ("A.1.b", "A.1 b", "indicator"),
    ]
    assert a1.children[0].applies_to == ("waterschap", "gemeente")  # inherited
    assert a1.children[1].applies_to == ("waterschap",)
    assert a1.recurrence == "P6M"
    assert waterschap.requirement("A.2").label == "A2"  # explicit label wins
    assert waterschap.requirement("B.1").derived
    assert waterschap.requirement("B.1.b").detection == {
        "keywords": ["signaal", "doorzetten", "werkdagen"],
        "weight": 2,
    }
    assert waterschap.requirement("C.2").applicability_note.startswith("Fictitious")
    json.dumps(waterschap.to_dict())


@pytest.mark.parametrize(
    ("code", "label"),
    [("3.2.2.A", "3.2.2 A"), ("3.5.I", "3.5 I"), ("3.10", "3.10"), ("A.1.a", "A.1 a"), ("A", "A")],
)
def test_default_label(code, label):
    assert default_label(code) == label


# Every problem each broken file must report: (line, location, part of the message).
EXPECTED = {
    "malformed.yaml": [(9, "", "malformed YAML")],
    "not-a-mapping.yaml": [(2, "", "must be a mapping, not a list")],
    "missing-fields.yaml": [
        (2, "name", "required field is missing"),
        (2, "version", "required field is missing"),
        (7, "scale[1].weight", "required for a level that can be rated"),
        (9, "themes[0].title", "required field is missing"),
        (11, "themes[0].requirements[0].text", "required field is missing"),
        (13, "themes[0].requirements[1].applies_to", "required field is missing"),
    ],
    "duplicate-codes.yaml": [
        (9, "scale[1].code", "duplicate scale level 'ja'"),
        (20, "themes[0].requirements[0].children[1].code", "duplicate requirement code '1.1.1'"),
        (22, "themes[1].code", "duplicate theme code '1'"),
        (25, "themes[1].requirements[0].code", "duplicate requirement code '1.1'"),
        (28, "themes[1].requirements[0].text", "duplicate field (first on line 26)"),
    ],
    "unknown-references.yaml": [
        (6, "organisation_types[1]", "unknown organisation type 'gemeentes'"),
        (7, "scale", "needs at least one achieved level"),
        (8, "scale[0].acheived", "unknown field (did you mean 'achieved'?)"),
        (16, "themes[0].requirements[0].applies_to[0]", "'waterschap' is not one of the norm's"),
        (17, "themes[0].requirements[1].applies_to", "required field is missing"),
        (19, "themes[0].requirements[1].aplies_to", "did you mean 'applies_to'?"),
    ],
    "bad-subset.yaml": [
        (
            19,
            "themes[0].requirements[0].children[0].applies_to[1]",
            "'provincie' is not in the applies_to of parent 1.1",
        ),
    ],
    "bad-scale.yaml": [
        (9, "scale[1].achieved", "achieved level 'ja' must come before non-achieved level"),
        (9, "scale[1].weight", "weight 1 is higher than the weight 0.5 of 'deels'"),
        (10, "scale[2].weight", "required for a level that can be rated"),
        (11, "scale[3].weight", "a not-applicable level has no weight"),
        (12, "scale[4].not_applicable", "only one level can be not applicable"),
    ],
    "bad-values.yaml": [
        (2, "format", "must be 'normmonitor/norm@1'"),
        (3, "key", "is not valid"),
        (5, "version", 'must be a string, not the number 1.0 (write it in quotes: "1.0")'),
        (6, "date", "is not a date"),
        (14, "themes[0].requirements[0].code", "must be a string, not the number 3.1"),
        (18, "themes[0].requirements[1].text", "must not be empty"),
        (20, "themes[0].requirements[1].recurrence", "is not an ISO 8601 period"),
        (24, "themes[0].requirements[2].rating", "a derived rating needs children"),
        (25, "themes[0].requirements[2].kind", "must be one of ambition, subitem, indicator"),
    ],
}


def test_every_broken_file_is_covered():
    assert {path.name for path in BROKEN_DIR.glob("*.yaml")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_reports_all_problems(name):
    with pytest.raises(NormFileError) as caught:
        read_norm_file(BROKEN_DIR / name)
    found = [(p.line, p.location, p.message) for p in caught.value.problems]
    expected = EXPECTED[name]
    assert len(found) == len(expected), "\n".join(map(str, found))
    for (line, location, message), (e_line, e_location, e_message) in zip(
        sorted(found), sorted(expected), strict=True
    ):
        assert (line, location) == (e_line, e_location)
        assert e_message in message
    assert str(BROKEN_DIR / name) in str(caught.value)


MINIMAL = """\
format: normmonitor/norm@1
key: mini
name: Mini
version: "1"
organisation_types: [gemeente, provincie]
scale:
  - {code: ja, label: Ja, achieved: true, weight: 1}
  - {code: nee, label: Nee, weight: 0}
themes:
  - code: "1"
    title: Thema
    requirements:
      - code: "1.1"
        text: Een.
        applies_to: [gemeente, provincie]
"""


def test_minimal_file_parses_with_defaults():
    document = parse_norm(MINIMAL)
    requirement = document.requirement("1.1")
    assert (requirement.kind, requirement.rating, requirement.label) == (
        "ambition",
        "direct",
        "1.1",
    )
    assert document.date is None
    assert document.signatories == ()


@pytest.mark.parametrize(
    ("replace", "by", "location", "message"),
    [
        ("Een.", "''", "themes[0].requirements[0].text", "must not be empty"),
        ("weight: 0}", "weight: 2}", "scale[1].weight", "between 0 and 1"),
        ("weight: 0}", "weight: 0, not_applicable: true}", "scale[1].weight", "no weight"),
        ("key: mini", "key: mini\nkey: maxi", "key", "duplicate field"),
        (
            "applies_to: [gemeente, provincie]\n",
            "applies_to: []\n",
            "themes[0].requirements[0].applies_to",
            "non-empty",
        ),
        (
            "applies_to: [gemeente, provincie]\n",
            "applies_to: [gemeente, gemeente]\n",
            "themes[0].requirements[0].applies_to[1]",
            "listed twice",
        ),
        (
            "        text: Een.",
            "        text: Een.\n        recurrence: P1X",
            "themes[0].requirements[0].recurrence",
            "ISO 8601",
        ),
        (
            "        text: Een.",
            "        text: Een.\n        detection: [a]",
            "themes[0].requirements[0].detection",
            "mapping",
        ),
        (
            "        text: Een.",
            "        text: Een.\n        children: []\n        rating: derived",
            "themes[0].requirements[0].rating",
            "needs children",
        ),
        ("title: Thema", "title: Thema\n    extra: 1", "themes[0].extra", "unknown field"),
        ("themes:\n", "themes: {}\nx:\n", "themes", "must be a list"),
    ],
)
def test_single_problems(replace, by, location, message):
    text = MINIMAL.replace(replace, by, 1)
    assert text != MINIMAL
    with pytest.raises(NormFileError) as caught:
        parse_norm(text)
    problems = caught.value.problems
    assert any(p.location == location and message in p.message for p in problems), problems
    assert all(p.line for p in problems)


def test_empty_file():
    with pytest.raises(NormFileError) as caught:
        parse_norm("# nothing here\n")
    assert [p.message for p in caught.value.problems] == ["the file is empty"]


def test_alias_cycle_is_reported_not_recursed():
    text = MINIMAL.replace(
        '      - code: "1.1"\n', '      - &loop\n        code: "1.1"\n        children: [*loop]\n'
    )
    with pytest.raises(NormFileError) as caught:
        parse_norm(text)
    assert any("nested more than" in p.message for p in caught.value.problems)


def test_unsafe_tags_are_refused():
    with pytest.raises(NormFileError) as caught:
        parse_norm("!!python/object/apply:os.system ['true']\n")
    assert "malformed YAML" in caught.value.problems[0].message


def test_problem_format():
    assert Problem("key", "bad", 3).format("norm.yaml") == "norm.yaml:3: key: bad"
    assert Problem("", "bad", None).format("norm.yaml") == "norm.yaml: bad"
    assert str(Problem("key", "bad", 3)) == "3: key: bad"


def test_example_in_the_documentation_parses():
    docs = Path(__file__).resolve().parents[2] / "docs" / "norm-format.md"
    example = docs.read_text(encoding="utf-8").split("```yaml\n", 1)[1].split("```", 1)[0]
    document = parse_norm(example, filename=str(docs))
    assert document.requirement("3.2.2.A").label == "3.2.2 A"
    assert document.requirement("3.2.2.A").group == "APV"
