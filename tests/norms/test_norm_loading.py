"""Loading norm files into the database and reading them back."""

import json
from pathlib import Path

import pytest

from normmonitor.norms.models import Norm, NormVersion, Requirement, ScaleLevel, Theme
from normmonitor.norms.normfile import FLEVOLANDSE_NORM_PATH, parse_norm, read_norm_file
from normmonitor.norms.selectors import get_norm_version, norm_tree
from normmonitor.norms.services import load_norm, load_norm_file

pytestmark = pytest.mark.django_db

DATA_DIR = Path(__file__).parent / "data"
WATERSCHAP_PATH = DATA_DIR / "voorbeeldnorm-waterschap.yaml"


def snapshot(norm_version: NormVersion) -> list[tuple]:
    return list(
        Requirement.objects.filter(norm_version=norm_version)
        .order_by("order")
        .values_list("pk", "code", "text", "parent__code", "applies_to", "derived", "depth")
    )


def test_load_creates_the_tree(flevoland):
    result = load_norm(flevoland)
    assert result.created
    assert "created" in result.message
    version = result.norm_version
    assert (version.norm.key, version.version, version.revision) == ("flevolandse-norm", "1.0", 1)
    assert version.content_hash == flevoland.content_hash
    assert version.document == json.loads(json.dumps(flevoland.to_dict()))
    assert version.signatories[0]["name"] == "Dhr. L. Verbeek"

    assert version.themes.count() == 4
    assert version.requirements.count() == 39
    assert version.requirements.filter(parent=None).count() == 22
    assert list(version.scale.values_list("code", flat=True)) == [
        "behaald",
        "gedeeltelijk",
        "niet-behaald",
        "nvt",
    ]
    assert version.scale.get(code="gedeeltelijk").weight == pytest.approx(0.5)
    assert version.scale.get(code="nvt").weight is None

    r = {req.code: req for req in version.requirements.select_related("parent", "theme")}
    assert r["3.2.2.A"].parent == r["3.2.2"]
    assert r["3.2.2"].parent == r["3.2"]
    assert (r["3.2.2.A"].depth, r["3.2.2.A"].label) == (2, "3.2.2 A")
    assert r["3.5.I"].theme.code == "3"
    assert r["3.5"].derived and not r["3.4"].derived
    assert r["3.5.A"].applies_to == ["gemeente"]
    assert r["3.5.G"].applies_to == ["gemeente", "provincie"]
    assert r["4.1"].recurrence == "P2Y"
    # order is depth first over the whole tree
    ordered = list(version.requirements.order_by("order").values_list("code", flat=True))
    assert ordered.index("3.2.5") < ordered.index("3.3") < ordered.index("3.5.A")
    assert (
        sum(1 for req in r.values() if "provincie" in req.applies_to and req.parent is None) == 11
    )


def test_load_is_idempotent(flevoland):
    first = load_norm(flevoland)
    before = snapshot(first.norm_version)
    second = load_norm(read_norm_file(FLEVOLANDSE_NORM_PATH))
    assert not second.created
    assert "unchanged" in second.message
    assert second.norm_version.pk == first.norm_version.pk
    assert NormVersion.objects.count() == 1
    assert snapshot(second.norm_version) == before


def test_changed_text_creates_a_new_revision_and_leaves_the_old_one(flevoland):
    first = load_norm(flevoland).norm_version
    before = snapshot(first)
    text = FLEVOLANDSE_NORM_PATH.read_text(encoding="utf-8").replace(
        "Alle gemeenten zijn aangesloten op Meld Misdaad Anoniem;",
        "Alle gemeenten zijn aangesloten op Meld Misdaad Anoniem (M.)",
    )
    result = load_norm(parse_norm(text))
    assert result.created
    second = result.norm_version
    assert (second.version, second.revision) == ("1.0", 2)
    assert second.content_hash != first.content_hash
    assert second.requirements.get(code="2.2").text.endswith("(M.)")

    first.refresh_from_db()
    assert first.revision == 1
    assert first.content_hash == flevoland.content_hash
    assert snapshot(first) == before
    assert first.requirements.get(code="2.2").text.endswith("Anoniem;")
    assert get_norm_version("flevolandse-norm") == second
    assert Norm.objects.count() == 1

    # Loading revision 2's content again changes nothing; going back adds revision 3.
    assert not load_norm(parse_norm(text)).created
    third = load_norm(flevoland).norm_version
    assert third.revision == 3
    assert Requirement.objects.count() == 3 * 39
    assert Theme.objects.count() == 12 and ScaleLevel.objects.count() == 12


def test_a_failing_load_leaves_nothing_behind(flevoland, monkeypatch):
    from normmonitor.norms import services

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "_create_tree", broken)
    with pytest.raises(RuntimeError):
        load_norm(flevoland)
    assert NormVersion.objects.count() == 0
    assert Norm.objects.count() == 0
    assert ScaleLevel.objects.count() == 0


def test_get_norm_version_picks_latest(flevoland):
    load_norm(flevoland)
    text = FLEVOLANDSE_NORM_PATH.read_text(encoding="utf-8")
    v2 = load_norm(
        parse_norm(
            text.replace('version: "1.0"', 'version: "2.0"').replace("2021-05-20", "2023-01-01")
        )
    ).norm_version
    assert get_norm_version("flevolandse-norm") == v2
    assert get_norm_version("flevolandse-norm", "1.0").version == "1.0"
    with pytest.raises(NormVersion.DoesNotExist):
        get_norm_version("flevolandse-norm", "9.9")
    with pytest.raises(NormVersion.DoesNotExist):
        get_norm_version("onbekend")


def test_norm_tree_matches_the_file(flevoland, waterschap):
    for document, path in ((flevoland, FLEVOLANDSE_NORM_PATH), (waterschap, WATERSCHAP_PATH)):
        version = load_norm_file(path).norm_version
        tree = norm_tree(version)
        json.dumps(tree)
        assert tree["content_hash"] == document.content_hash
        assert [level["code"] for level in tree["scale"]] == [s.code for s in document.scale]

        def strip(node):
            # The tree adds database ids; otherwise it is the document's own shape.
            return {
                **{k: v for k, v in node.items() if k not in {"id", "children"}},
                "children": [strip(child) for child in node["children"]],
            }

        for theme_tree, theme in zip(tree["themes"], document.to_dict()["themes"], strict=True):
            assert theme_tree["code"] == theme["code"]
            assert [strip(n) for n in theme_tree["requirements"]] == theme["requirements"]
