"""Mapping files between norm versions: parsing, completeness, loading, and version paths."""

from dataclasses import replace
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from normmonitor.norms.mapping import (
    FLEVOLANDSE_MAPPING_PATH,
    FLEVOLANDSE_NORM_2_PATH,
    ItemMap,
    Link,
    MappingDocument,
    MappingError,
    parse_mapping,
    read_mapping_file,
)
from normmonitor.norms.models import NormMapping
from normmonitor.norms.normfile import FLEVOLANDSE_NORM_PATH, read_norm_file
from normmonitor.norms.selectors import carry_over_codes, item_codes, version_path
from normmonitor.norms.services import load_mapping_file, load_norm, load_norm_file

HEADER = 'format: normmonitor/norm-mapping@1\nnorm: n\nfrom: "1"\nto: "2"\n'


def codes(document):
    return [spec.code for _t, spec, _p, _d in document.walk()]


def test_shipped_norm_2_is_labelled_illustrative_and_has_the_new_partners():
    norm2 = read_norm_file(FLEVOLANDSE_NORM_2_PATH)
    assert (norm2.key, norm2.version) == ("flevolandse-norm", "2.0")
    assert "ILLUSTRATIEF" in norm2.source
    assert set(norm2.organisation_types) == {"gemeente", "provincie", "waterschap", "politie", "om"}
    assert [theme.title for theme in norm2.themes][3:] == ["Handhaving", "Integriteit"]


def test_shipped_mapping_fits_both_versions():
    mapping = read_mapping_file(FLEVOLANDSE_MAPPING_PATH)
    norm1 = read_norm_file(FLEVOLANDSE_NORM_PATH)
    norm2 = read_norm_file(FLEVOLANDSE_NORM_2_PATH)
    item_map = mapping.resolve(codes(norm1), codes(norm2))
    assert item_map.counts() == {"same": 35, "split": 1, "merged": 1, "new": 5, "dropped": 1}
    assert item_map.successors("3.8") == ("4.1", "4.2")
    assert item_map.predecessors("5.1") == ("4.1", "4.2")
    assert item_map.successors("3.5.D") == ("3.5.D",)  # implicit: same code
    assert item_map.link_to("3.8").relation == "new"  # 2.0's 3.8 is another item
    assert item_map.link_from("2.2").relation == "dropped"
    # Every item of both versions is accounted for exactly once.
    assert sorted(c for link in item_map.links for c in link.sources) == sorted(codes(norm1))
    assert sorted(c for link in item_map.links for c in link.targets) == sorted(codes(norm2))


def test_inverse_turns_split_into_merge_and_new_into_dropped():
    item_map = ItemMap(
        (
            Link("split", ("a",), ("b", "c")),
            Link("merged", ("d", "e"), ("f",)),
            Link("new", (), ("g",)),
            Link("dropped", ("h",), ()),
        )
    )
    inverse = item_map.inverse()
    assert inverse.link_from("b").relation == "merged"
    assert inverse.link_to("d").relation == "split"
    assert inverse.link_from("g").relation == "dropped"
    assert inverse.link_to("h").relation == "new"
    assert inverse.inverse() == item_map


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ('  - {relation: same, from: "a", to: ["b", "c"]}', "needs one item from and one item to"),
        ('  - {relation: split, from: "a", to: "b"}', "two or more to"),
        ('  - {relation: merged, from: "a", to: "b"}', "two or more items from"),
        ('  - {relation: new, from: "a", to: "b"}', "items to only"),
        ('  - {relation: dropped, to: "b"}', "items from only"),
        ('  - {relation: moved, from: "a", to: "b"}', "must be one of same, split"),
        ("  - {relation: same, from: 3.10, to: b}", 'write it in quotes: "3.1"'),
        (
            '  - {relation: same, from: "a", to: "b"}\n  - {relation: dropped, from: "a"}',
            "item 'a' is already mapped in items[0]",
        ),
        ('  - {relation: same, form: "a", to: "b"}', "did you mean 'from'?"),
    ],
)
def test_malformed_links_are_reported(items, message):
    with pytest.raises(MappingError) as caught:
        parse_mapping(HEADER + "items:\n" + items + "\n")
    assert message in str(caught.value)


def test_wrong_format_and_same_versions_are_reported():
    text = 'format: normmonitor/norm@1\nnorm: n\nfrom: "1"\nto: "1"\nitems: []\n'
    with pytest.raises(MappingError) as caught:
        parse_mapping(text)
    messages = [problem.message for problem in caught.value.problems]
    assert "must be 'normmonitor/norm-mapping@1', not 'normmonitor/norm@1'" in messages
    assert "a mapping links two different versions" in messages
    assert caught.value.problems[0].line == 1


def test_resolve_requires_every_item_accounted_for():
    document = parse_mapping(HEADER + 'items:\n  - {relation: same, from: "a", to: "x"}\n')
    with pytest.raises(MappingError) as caught:
        document.resolve(["a", "b", "c"], ["x", "c", "d"])
    text = str(caught.value)
    assert "item 'b' of version 1 is not mapped" in text
    assert "item 'd' of version 2 is not mapped" in text
    assert "'c'" not in text  # c continues as c implicitly
    with pytest.raises(MappingError, match="version 2 has no item 'zz'"):
        parse_mapping(HEADER + 'items:\n  - {relation: new, to: "zz"}\n').resolve([], [])


def test_round_trip_through_json_keeps_the_hash():
    mapping = read_mapping_file(FLEVOLANDSE_MAPPING_PATH)
    again = MappingDocument.from_dict(mapping.to_dict())
    assert again == mapping
    assert again.content_hash == mapping.content_hash


@pytest.mark.django_db
def test_load_is_idempotent_and_needs_both_versions():
    load_norm_file(FLEVOLANDSE_NORM_PATH)
    with pytest.raises(MappingError, match="load the norm files before the mapping"):
        load_mapping_file(FLEVOLANDSE_MAPPING_PATH)
    load_norm_file(FLEVOLANDSE_NORM_2_PATH)
    first = load_mapping_file(FLEVOLANDSE_MAPPING_PATH)
    assert first.created
    assert "1 split, 1 merged, 5 new, 1 dropped" in first.message
    again = load_mapping_file(FLEVOLANDSE_MAPPING_PATH)
    assert not again.created
    assert NormMapping.objects.count() == 1


@pytest.mark.django_db
def test_version_path_goes_forward_backward_and_through_revisions():
    one = load_norm_file(FLEVOLANDSE_NORM_PATH).norm_version
    two = load_norm_file(FLEVOLANDSE_NORM_2_PATH).norm_version
    assert version_path(one, two) is None  # no mapping loaded yet
    load_mapping_file(FLEVOLANDSE_MAPPING_PATH)
    assert version_path(one, one) == []
    (forward,) = version_path(one, two)
    assert forward.successors("3.9") == ("4.3",)
    (backward,) = version_path(two, one)
    assert backward.successors("4.3") == ("3.9",)
    assert backward.link_from("4.1").relation == "merged"  # read backwards, the split merges

    # A corrected revision of 1.0 (one item removed) is reached through the 1.0 it revises.
    document = read_norm_file(FLEVOLANDSE_NORM_PATH)
    theme = document.themes[0]
    shorter = replace(theme, requirements=theme.requirements[:-1])
    revised = replace(document, themes=(shorter, *document.themes[1:]))
    revision = load_norm(revised).norm_version
    assert revision.revision == 2
    steps = version_path(revision, two)
    assert len(steps) == 2
    assert steps[0].link_to("1.4").relation == "new"  # 1.4 is missing from the revision
    assert "1.4" not in item_codes(revision)


@pytest.mark.django_db
def test_norm_command_validates_and_loads_mappings_with_the_norms():
    out = StringIO()
    files = [
        str(FLEVOLANDSE_MAPPING_PATH),
        str(FLEVOLANDSE_NORM_PATH),
        str(FLEVOLANDSE_NORM_2_PATH),
    ]
    call_command("norm", "validate", *files, stdout=out)
    assert "fits both versions (35 same, 1 split, 1 merged, 5 new, 1 dropped)" in out.getvalue()
    out = StringIO()
    call_command("norm", "load", *files, stdout=out)
    lines = out.getvalue().splitlines()
    assert "created: mapping flevolandse-norm 1.0 → 2.0" in lines[-1]  # after both norms
    out = StringIO()
    call_command("norm", "list", stdout=out)
    assert "mapping 1.0 rev 1 → 2.0 rev 1" in out.getvalue()


@pytest.mark.django_db
def test_norm_command_reports_a_mapping_that_does_not_fit(tmp_path):
    path = tmp_path / "bad.mapping.yaml"
    path.write_text(
        'format: normmonitor/norm-mapping@1\nnorm: flevolandse-norm\nfrom: "1.0"\nto: "2.0"\n'
        "items: []\n",
        encoding="utf-8",
    )
    err = StringIO()
    with pytest.raises(CommandError, match="does not fit"):
        call_command(
            "norm",
            "validate",
            str(path),
            str(FLEVOLANDSE_NORM_PATH),
            str(FLEVOLANDSE_NORM_2_PATH),
            stdout=StringIO(),
            stderr=err,
        )
    assert "item '3.9' of version 1.0 is not mapped" in err.getvalue()
    assert "item '5.1' of version 2.0 is not mapped" in err.getvalue()


@pytest.mark.django_db
def test_carry_over_codes_follow_the_mapping():
    one = load_norm_file(FLEVOLANDSE_NORM_PATH).norm_version
    two = load_norm_file(FLEVOLANDSE_NORM_2_PATH).norm_version
    assert carry_over_codes(one, two) is None
    load_mapping_file(FLEVOLANDSE_MAPPING_PATH)
    codes = carry_over_codes(one, two)
    assert codes["4.3"] == "3.9"  # renumbered
    assert codes["4.1"] == codes["4.2"] == "3.8"  # split
    assert codes["3.5.D"] == "3.5.D"
    assert "5.1" not in codes  # merged from 4.1 and 4.2: not carried
    assert "1.5" not in codes and "3.8" not in codes  # new
    assert carry_over_codes(one, one)["4.1"] == "4.1"
