"""The waterbed analysis as first written, organisation by organisation: the oracle that
tests/analysis/test_waterbed.py holds the optimised ``normmonitor.analysis.waterbed.analyse`` to."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

from normmonitor.analysis.waterbed import (
    RELEVANT,
    Basis,
    Exposure,
    Gap,
    WaterbedConfig,
    WaterbedResult,
    _status,
    ambition_of,
    barriers,
)
from normmonitor.scoring import ItemOutcome, NormModel


def analyse(
    norm: NormModel,
    outcomes: Mapping[str, Mapping[str, ItemOutcome | str]],
    neighbours: Mapping[str, Iterable[str]],
    config: WaterbedConfig | None = None,
) -> WaterbedResult:
    """The waterbed analysis of one round.

    ``outcomes``: organisation → item code → its scoring outcome (or just the status), for
    the organisations taking part; items missing from an organisation's mapping count as not
    applying to it. ``neighbours``: organisation → its neighbours; neighbours that take no part
    are ignored. The rules are in docs/waterbed.md."""
    config = config or WaterbedConfig()
    statuses = {
        organisation: {code: _status(value) for code, value in items.items()}
        for organisation, items in outcomes.items()
    }
    members = sorted(statuses)
    adjacent = {
        organisation: sorted(set(neighbours.get(organisation, ())) & set(members) - {organisation})
        for organisation in members
    }
    order = {item.code: index for index, item in enumerate(norm.items)}
    gaps_of: dict[str, list[Gap]] = {organisation: [] for organisation in members}
    barrier_counts = dict.fromkeys(members, 0)

    for item in barriers(norm):
        relevant = [o for o in members if statuses[o].get(item.code) in RELEVANT]
        holders = {o for o in relevant if statuses[o][item.code] == "achieved"}
        ambition = ambition_of(norm, item.code)
        weight = config.weight(item.theme)
        for organisation in relevant:
            barrier_counts[organisation] += 1
            if organisation in holders:
                continue
            others = [o for o in relevant if o != organisation]
            region_share = Fraction(len(holders & set(others)), len(others)) if others else None
            peers = [n for n in adjacent[organisation] if n in relevant]
            basis: Basis = "neighbours" if peers else "region"
            if not peers:
                peers = others
            peer_holders = tuple(p for p in peers if p in holders)
            pressure = Fraction(len(peer_holders), len(peers)) if peers else Fraction(0)
            weak = (
                pressure > 0
                and weight > 0
                and region_share is not None
                and region_share > config.majority
            )
            gaps_of[organisation].append(
                Gap(
                    organisation=organisation,
                    item=item.code,
                    ambition=ambition,
                    theme=item.theme,
                    status=statuses[organisation][item.code],
                    basis=basis,
                    holders=peer_holders,
                    peers=tuple(peers),
                    pressure=pressure,
                    region_share=region_share,
                    weight=weight,
                    weak_spot=weak,
                )
            )

    exposure = {}
    for organisation in members:
        gaps = tuple(gaps_of[organisation])
        by_theme = dict.fromkeys(norm.themes, Fraction(0))
        for gap in gaps:
            by_theme[gap.theme] += gap.contribution
        exposure[organisation] = Exposure(
            organisation=organisation,
            total=sum(by_theme.values(), Fraction(0)),
            by_theme=by_theme,
            gaps=gaps,
            barriers=barrier_counts[organisation],
            has_neighbours=bool(adjacent[organisation]),
        )
    weak_spots = sorted(
        (gap for e in exposure.values() for gap in e.gaps if gap.weak_spot),
        key=lambda gap: (
            -gap.contribution,
            gap.status == "unanswered",  # a confirmed gap before an unknown one
            -(gap.region_share or 0),
            -len(gap.holders),
            gap.organisation,
            order[gap.item],
        ),
    )
    return WaterbedResult(exposure=exposure, weak_spots=tuple(weak_spots))
