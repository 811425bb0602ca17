"""The shipped Flevolandse Norm file against the source documents."""

import re
from collections import Counter

import pytest

from normmonitor.norms.normfile import FLEVOLANDSE_NORM_PATH, parse_norm


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def skeleton(text: str) -> str:
    # Letters and digits only: survives hyphenation breaks, list markers and quote styles.
    return re.sub(r"[^0-9a-zà-ÿ]", "", text.lower())


def test_counts(flevoland):
    assert [theme.code for theme in flevoland.themes] == ["1", "2", "3", "4"]
    assert [len(theme.requirements) for theme in flevoland.themes] == [4, 3, 10, 5]
    assert len(flevoland.ambitions) == 22
    assert [a.code for a in flevoland.ambitions] == [
        *("1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3"),
        *(f"3.{n}" for n in range(1, 11)),
        *(f"4.{n}" for n in range(1, 6)),
    ]
    assert all(a.kind == "ambition" for a in flevoland.ambitions)

    r32 = flevoland.requirement("3.2")
    assert [c.code for c in r32.children] == [f"3.2.{n}" for n in range(1, 6)]
    r322 = flevoland.requirement("3.2.2")
    assert [c.code for c in r322.children] == ["3.2.2.A", "3.2.2.B", "3.2.2.C"]
    assert [c.label for c in r322.children] == ["3.2.2 A", "3.2.2 B", "3.2.2 C"]
    r35 = flevoland.requirement("3.5")
    assert [c.code for c in r35.children] == [f"3.5.{letter}" for letter in "ABCDEFGHI"]
    assert r35.children[0].label == "3.5 A"

    assert {r.code for _, r, _, _ in flevoland.walk() if r.derived} == {"3.2", "3.2.2", "3.5"}
    # 22 ambitions + 5 + 3 + 9 sub-items
    assert sum(1 for _ in flevoland.walk()) == 39


def test_applicability(flevoland):
    for_provincie = [a.code for a in flevoland.ambitions if "provincie" in a.applies_to]
    # The "De gemeenten en de provincie ..." ambitions, plus 3.5 (details 3.4) and 3.8, 4.3,
    # 4.4 and 4.5 (see the applicability notes in the file).
    assert for_provincie == [
        *("1.1", "2.1", "3.4", "3.5", "3.6", "3.8"),
        *("4.1", "4.2", "4.3", "4.4", "4.5"),
    ]
    assert len(for_provincie) == 11
    assert all("gemeente" in a.applies_to for a in flevoland.ambitions)

    branches = {c.code[-1]: c.applies_to for c in flevoland.requirement("3.5").children}
    assert {k for k, v in branches.items() if v == ("gemeente",)} == set("ABCDEF")
    assert {k for k, v in branches.items() if v == ("gemeente", "provincie")} == set("GHI")
    # Wherever a judgement was made the file says why.
    for code in ("1.3", "1.4", "3.2", "3.5", "3.5.A", "3.10", "4.3", "4.4", "4.5"):
        assert flevoland.requirement(code).applicability_note, code


def test_groups_recurrence_and_metadata(flevoland):
    groups = {a.code: a.group for a in flevoland.themes[2].requirements}
    assert Counter(groups.values()) == {
        "APV": 3,
        "Bibob": 3,
        "Opiumwet (Wet Damocles)": 1,
        "Handhaving": 3,
    }
    assert flevoland.requirement("3.2.2.B").group == "APV"  # inherited from 3.2
    assert {r.code: r.recurrence for _, r, _, _ in flevoland.walk() if r.recurrence} == {
        "3.3": "P1Y",
        "4.1": "P2Y",
        "4.5": "P1Y",
    }
    assert flevoland.date.isoformat() == "2021-05-20"
    assert flevoland.organisation_types == ("gemeente", "provincie")
    assert [s.name for s in flevoland.signatories] == [
        "Dhr. L. Verbeek",
        "Dhr. F.M. Weerwind",
        "Dhr. A. Elzakalai",
        "Dhr. C.H. van den Bos",
        "Dhr. J.P. Gebben",
        "Dhr. Joh. C. Westmaas",
        "Dhr. G.J. Gorter",
    ]
    assert [level.code for level in flevoland.scale] == [
        "behaald",
        "gedeeltelijk",
        "niet-behaald",
        "nvt",
    ]
    assert [level.weight for level in flevoland.scale] == [1, 0.5, 0, None]


def test_every_text_is_verbatim_in_seed_003(flevoland, seed_text):
    source = normalise(seed_text("003_05fa1be7602d595a.txt"))
    # The only extraction artefact that sits inside the numbering: "4.2** De gemeenten ...".
    norm_part = source[source.index("De Flevolandse Norm 1. Bewustwording") :].replace("**", "")
    for theme in flevoland.themes:
        assert f"{theme.code}. {theme.title}" in norm_part
    for _theme, requirement, _parent, _depth in flevoland.walk():
        # In its place, too: after its own number ("3.2.1 ...") or letter ("A) ...").
        last = requirement.code.rsplit(".", 1)[-1]
        marker = f"{last})" if last.isalpha() else requirement.code
        assert f"{marker} {normalise(requirement.text)}" in norm_part, requirement.code


def test_texts_match_seed_002_apart_from_the_noted_differences(flevoland, seed_text):
    source = skeleton(seed_text("002_c7e1dadf43e78dfb.txt"))
    differences = {"3.2.3": ("vergunningsplicht", "vergunningplicht")}
    for _theme, requirement, _parent, _depth in flevoland.walk():
        text = requirement.text
        if requirement.code in differences:
            ours, theirs = differences[requirement.code]
            text = text.replace(ours, theirs)
        assert skeleton(text) in source, requirement.code
    assert skeleton("Bewustwording bij bestuur als ambtelijke organisatie") in source


def test_file_has_no_extraction_artefacts(flevoland):
    for _theme, requirement, _parent, _depth in flevoland.walk():
        assert "**" not in requirement.text
        assert not requirement.text.startswith(("-", "A)", " "))


def test_to_dict_round_trips_through_json_and_hash_is_stable(flevoland):
    import json

    data = json.loads(json.dumps(flevoland.to_dict()))
    assert data["themes"][2]["requirements"][4]["children"][8]["code"] == "3.5.I"
    assert len(flevoland.content_hash) == 64

    text = FLEVOLANDSE_NORM_PATH.read_text(encoding="utf-8")
    # Comments and layout do not change the hash; a change of meaning does.
    reformatted = parse_norm(
        "# another comment\n" + text.replace('  - code: "4"', '  - code: "4"   ')
    )
    assert reformatted.content_hash == flevoland.content_hash
    changed = parse_norm(text.replace("recurrence: P2Y", "recurrence: P3Y"))
    assert changed.content_hash != flevoland.content_hash


@pytest.mark.parametrize("code", ["3.2", "3.2.2", "3.5"])
def test_derived_requirements_have_children(flevoland, code):
    assert flevoland.requirement(code).children
