"""The waterbed analysis: where a barrier is missing that the neighbours (and most of the region)
have. Pure Python over scoring outcomes; the method and a worked example are in
docs/waterbed.md.

"Wanneer één gemeente flinke barrières opwerpt, zoeken de criminelen hun heil elders": a
missing barrier matters most where the neighbours have put it up. The unit of analysis is the
**barrier**, a directly rated item (an ambition without sub-items, or a sub-item such as the
Bibob branch 3.5 D); derived items only summarise their barriers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from normmonitor.scoring import Item, ItemOutcome, NormModel

Basis = Literal["neighbours", "region"]
RELEVANT = frozenset({"achieved", "not_achieved", "unanswered"})


@dataclass(frozen=True)
class WaterbedConfig:
    """A region's settings: the weight of each theme (default 1; 0 leaves a theme out) and the
    share of the rest of the region that must have a barrier for a gap to be a weak spot
    (strictly more than ``majority``)."""

    theme_weights: Mapping[str, Fraction] = field(default_factory=dict)
    majority: Fraction = Fraction(1, 2)

    def __post_init__(self) -> None:
        weights = {theme: Fraction(weight) for theme, weight in self.theme_weights.items()}
        if any(weight < 0 for weight in weights.values()):
            raise ValueError("theme weights cannot be negative")
        if not 0 <= Fraction(self.majority) < 1:
            raise ValueError("the majority share must be at least 0 and below 1")
        object.__setattr__(self, "theme_weights", weights)
        object.__setattr__(self, "majority", Fraction(self.majority))

    def weight(self, theme: str) -> Fraction:
        return self.theme_weights.get(theme, Fraction(1))


@dataclass(frozen=True)
class Gap:
    """One barrier that one organisation lacks (not achieved, or not answered).

    ``basis`` says what it is measured against: the neighbours to which the barrier applies,
    or, when there are none, the rest of the region. ``holders`` are the organisations on that
    basis that have the barrier, ``peers`` all organisations on that basis. ``pressure`` is
    holders / peers; ``contribution`` = theme weight × pressure is what the gap adds to the
    organisation's exposure."""

    organisation: str
    item: str
    ambition: str
    theme: str
    status: str
    basis: Basis
    holders: tuple[str, ...]
    peers: tuple[str, ...]
    pressure: Fraction
    region_share: Fraction | None
    weight: Fraction
    weak_spot: bool

    @property
    def contribution(self) -> Fraction:
        return self.weight * self.pressure


@dataclass(frozen=True)
class Exposure:
    """An organisation's exposure: the sum of its gaps' contributions, in total and per theme.
    ``barriers`` counts the barriers that apply to it, ``missing`` those it lacks."""

    organisation: str
    total: Fraction
    by_theme: dict[str, Fraction]
    gaps: tuple[Gap, ...]
    barriers: int
    has_neighbours: bool

    @property
    def missing(self) -> int:
        return len(self.gaps)

    @property
    def weak_spots(self) -> tuple[Gap, ...]:
        return tuple(gap for gap in self.gaps if gap.weak_spot)


@dataclass(frozen=True)
class WaterbedResult:
    exposure: dict[str, Exposure]
    weak_spots: tuple[Gap, ...]  # ranked, most urgent first

    def by_ambition(self) -> dict[str, list[Gap]]:
        """Weak spots grouped by the ambition their barrier belongs to, ranked within."""
        result: dict[str, list[Gap]] = {}
        for gap in self.weak_spots:
            result.setdefault(gap.ambition, []).append(gap)
        return result

    def ranking(self) -> list[Exposure]:
        """Organisations by exposure, highest first (ties by code)."""
        return sorted(self.exposure.values(), key=lambda e: (-e.total, e.organisation))


def barriers(norm: NormModel) -> tuple[Item, ...]:
    """The barriers of a norm: every directly rated item, in tree order."""
    return tuple(item for item in norm.items if not item.derived)


def ambition_of(norm: NormModel, code: str) -> str:
    item = norm.item(code)
    while item.parent is not None:
        item = norm.item(item.parent)
    return item.code


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
    are ignored. The rules are in docs/waterbed.md.

    Linear in organisations × barriers (plus the neighbours of each gap): a national round of
    385 organisations is analysed like a region of 7, barrier by barrier."""
    config = config or WaterbedConfig()
    statuses = {
        organisation: {code: _status(value) for code, value in items.items()}
        for organisation, items in outcomes.items()
    }
    members = sorted(statuses)
    taking_part = set(members)
    adjacent = {
        organisation: sorted(set(neighbours.get(organisation, ())) & taking_part - {organisation})
        for organisation in members
    }
    order = {item.code: index for index, item in enumerate(norm.items)}
    gaps_of: dict[str, list[Gap]] = {organisation: [] for organisation in members}
    barrier_counts = dict.fromkeys(members, 0)

    for item in barriers(norm):
        code = item.code
        status_of = {o: statuses[o].get(code) for o in members}
        relevant = [o for o in members if status_of[o] in RELEVANT]
        is_relevant = set(relevant)
        holders = {o for o in relevant if status_of[o] == "achieved"}
        others = len(relevant) - 1
        # An organisation lacking the barrier is not a holder itself, so the holders among the
        # others are all the holders.
        region_share = Fraction(len(holders), others) if others > 0 else None
        ambition = ambition_of(norm, code)
        weight = config.weight(item.theme)
        for organisation in relevant:
            barrier_counts[organisation] += 1
            if organisation in holders:
                continue
            peers = tuple(n for n in adjacent[organisation] if n in is_relevant)
            basis: Basis = "neighbours" if peers else "region"
            if not peers:
                peers = tuple(o for o in relevant if o != organisation)
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
                    item=code,
                    ambition=ambition,
                    theme=item.theme,
                    status=status_of[organisation],
                    basis=basis,
                    holders=peer_holders,
                    peers=peers,
                    pressure=pressure,
                    region_share=region_share,
                    weight=weight,
                    weak_spot=weak,
                )
            )

    exposure = {}
    for organisation in members:
        gaps = tuple(gaps_of[organisation])
        contributions: dict[str, list[Fraction]] = {theme: [] for theme in norm.themes}
        for gap in gaps:
            contributions[gap.theme].append(gap.contribution)
        by_theme = {theme: sum(found, Fraction(0)) for theme, found in contributions.items()}
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
            *urgency(gap),
            gap.organisation,
            order[gap.item],
        ),
    )
    return WaterbedResult(exposure=exposure, weak_spots=tuple(weak_spots))


def urgency(gap: Gap) -> tuple[float, bool, float, int]:
    """How a weak spot ranks (smaller first): the largest contribution, a confirmed gap before
    an unknown one, the largest region share, the most holders.

    Floats instead of Fractions make sorting thousands of gaps fast, and lose nothing: these
    fractions have denominators below 10⁷ (peers × a weight of at most four decimals), so two
    different ones differ by more than 10⁻¹⁴ and keep their order as floats, and equal ones
    give equal floats."""
    return (
        -float(gap.contribution),
        gap.status == "unanswered",
        -float(gap.region_share or 0),
        -len(gap.holders),
    )


def _status(value: ItemOutcome | str) -> str:
    return value.status if isinstance(value, ItemOutcome) else value


__all__ = [
    "Exposure",
    "Gap",
    "WaterbedConfig",
    "WaterbedResult",
    "ambition_of",
    "analyse",
    "barriers",
]
