"""Reads for the analysis: the waterbed, trends, comparisons and pace of rounds. Everything is
computed from ``assessments.selectors.round_score`` (scores are never stored) by the pure
modules of this app; callers check permissions (access/policy.py) before they call in."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any, overload

from django.utils import timezone
from django.utils.translation import gettext as _

from normmonitor.assessments.models import Answer, Assessment
from normmonitor.assessments.selectors import norm_model, round_score, round_scores
from normmonitor.audit.models import AuditEvent
from normmonitor.norms.mapping import ItemMap
from normmonitor.norms.models import NormVersion, Requirement, Theme
from normmonitor.norms.selectors import version_path
from normmonitor.organisations.models import Organisation, Region
from normmonitor.organisations.selectors import neighbour_map
from normmonitor.rounds.models import MonitoringRound, RoundState
from normmonitor.scoring import ItemOutcome, RegionScore, Tally, as_percent

from . import compare, pace, versions
from .models import RegionAnalysisConfig
from .waterbed import Exposure, Gap, WaterbedConfig, WaterbedResult, analyse, urgency

# --------------------------------------------------------------------------------------------
# Shared


class Scores:
    """round_score per round, computed once per request or command. ``known`` passes scores
    the caller already has (the dashboard's own round)."""

    def __init__(self, known: dict[int, RegionScore] | None = None) -> None:
        self._scores: dict[int, RegionScore] = dict(known or {})

    def __call__(self, monitoring_round: MonitoringRound) -> RegionScore:
        score = self._scores.get(monitoring_round.pk)
        if score is None:
            score = self._scores[monitoring_round.pk] = round_score(monitoring_round)
        return score

    def load(self, rounds: Iterable[MonitoringRound]) -> None:
        """Score several rounds at once (one query for their snapshots)."""
        missing = [r for r in rounds if r.pk not in self._scores]
        if missing:
            self._scores.update(round_scores(missing))


def reference_date(monitoring_round: MonitoringRound, today: date | None = None) -> date:
    """The date a round's pace is judged on: its reference date once closed, else today."""
    if monitoring_round.state == RoundState.CLOSED:
        return monitoring_round.reference_date
    return today or timezone.localdate()


def earlier_rounds(monitoring_round: MonitoringRound) -> list[MonitoringRound]:
    """The region's rounds before this one that have assessments, latest first."""
    return list(
        MonitoringRound.objects.filter(
            region_id=monitoring_round.region_id,
            reference_date__lt=monitoring_round.reference_date,
        )
        .exclude(state=RoundState.DRAFT)
        .select_related("norm_version", "region")
        .order_by("-reference_date")
    )


_requirement_maps: dict[tuple[int, str], dict[str, Requirement]] = {}


def _requirements(norm_version: NormVersion) -> dict[str, Requirement]:
    """Code → requirement of a norm version, read once per process (versions are immutable;
    the objects are only read)."""
    cache_key = (norm_version.pk, norm_version.content_hash)
    found = _requirement_maps.get(cache_key)
    if found is None:
        found = _requirement_maps[cache_key] = {
            r.code: r
            for r in norm_version.requirements.select_related("theme", "parent").order_by("order")
        }
    return found


# --------------------------------------------------------------------------------------------
# Waterbed


def waterbed_config(region: Region, norm_version: NormVersion) -> WaterbedConfig:
    config = RegionAnalysisConfig.objects.filter(region=region).first()
    if config is None:
        return WaterbedConfig()
    weights = {
        weight.theme_code: Fraction(weight.weight)
        for weight in config.theme_weights.filter(norm_version=norm_version)
    }
    return WaterbedConfig(theme_weights=weights, majority=Fraction(config.majority))


@dataclass(frozen=True)
class WeakSpot:
    gap: Gap
    organisation: Organisation
    requirement: Requirement
    ambition: Requirement
    since: MonitoringRound  # the first of the consecutive rounds in which the gap was open
    rounds: int  # how many consecutive rounds, this one included
    organisations: dict[str, Organisation] = field(repr=False, compare=False)

    @property
    def holders(self) -> list[Organisation]:
        # Built when shown: a national round has thousands of weak spots with long lists.
        return [self.organisations[code] for code in self.gap.holders]

    @property
    def region_share(self) -> Fraction | None:
        return self.gap.region_share


@dataclass(frozen=True)
class RoundWaterbed:
    round: MonitoringRound
    result: WaterbedResult
    config: WaterbedConfig
    organisations: dict[str, Organisation]
    requirements: dict[str, Requirement]
    weak_spots: WeakSpots
    neighbours: dict[str, set[str]]

    def exposure_rows(self) -> list[tuple[Organisation, Exposure]]:
        return [(self.organisations[e.organisation], e) for e in self.result.ranking()]

    @property
    def max_exposure(self) -> Fraction:
        return max((e.total for e in self.result.exposure.values()), default=Fraction(0))

    def ambition_summary(self, limit: int = 12) -> list[tuple[Requirement, list[WeakSpot], int]]:
        """Per ambition (in norm order) its first ``limit`` weak spots and how many more there
        are: what a page can show of a national round's thousands."""
        order = {code: index for index, code in enumerate(self.requirements)}
        groups: dict[str, list[int]] = {}
        for index, gap in enumerate(self.weak_spots.gaps()):
            groups.setdefault(gap.ambition, []).append(index)
        return [
            (
                self.requirements[code],
                [self.weak_spots[index] for index in indices[:limit]],
                max(0, len(indices) - limit),
            )
            for code, indices in sorted(groups.items(), key=lambda kv: order[kv[0]])
        ]

    def by_ambition(self) -> list[tuple[Requirement, list[WeakSpot]]]:
        groups: dict[str, list[WeakSpot]] = {}
        for spot in self.weak_spots:
            groups.setdefault(spot.ambition.code, []).append(spot)
        order = list(self.requirements)
        return [
            (self.requirements[code], spots)
            for code, spots in sorted(groups.items(), key=lambda kv: order.index(kv[0]))
        ]


def round_waterbed(
    monitoring_round: MonitoringRound, scores: Scores | None = None
) -> RoundWaterbed:
    """The waterbed analysis of a round, with how long each weak spot has been open.

    The analysis is a pure function of the round's score, the neighbours, the region's
    settings and the earlier rounds' scores; it is remembered with the score
    (``RegionScore.derived_data``) under exactly those inputs, so a national dashboard does
    not analyse 35 000 gaps on every request, and any change of an input gives a new key."""
    scores = scores or Scores()
    norm_version = monitoring_round.norm_version
    score = scores(monitoring_round)
    organisations = {
        o.code: o for o in Organisation.objects.filter(assessments__round=monitoring_round)
    }
    neighbours = neighbour_map(monitoring_round.region)
    config = waterbed_config(monitoring_round.region, norm_version)
    history_rounds = []  # (round, its score, the version steps to it) while the trail holds
    earlier_ones = earlier_rounds(monitoring_round)
    scores.load(earlier_ones)
    for earlier in earlier_ones:
        steps = version_path(norm_version, earlier.norm_version)
        if steps is None:
            break
        history_rounds.append((earlier, scores(earlier), steps))
    key = (
        "waterbed",
        frozenset((code, frozenset(found)) for code, found in neighbours.items()),
        tuple(sorted(config.theme_weights.items())),
        config.majority,
        tuple((earlier.pk, earlier_score.token) for earlier, earlier_score, _ in history_rounds),
    )
    analysed = score.derived_data.get(key)
    if analysed is None:
        model = norm_model(norm_version)
        outcomes = {code: s.items for code, s in score.by_organisation.items()}
        result = analyse(model, outcomes, neighbours, config)
        history = _gap_history(monitoring_round, result.weak_spots, history_rounds)
        # The analysis ranks by contribution, confirmed before unknown, and region share;
        # among equals a gap open for more rounds comes first (it has resisted longer).
        ranked = sorted(
            (
                (urgency(gap)[:3], -history[(gap.organisation, gap.item)][1], rank, gap)
                for rank, gap in enumerate(result.weak_spots)
            ),
            key=lambda entry: entry[:3],
        )
        analysed = score.derived_data[key] = (
            result,
            [(gap, *history[(gap.organisation, gap.item)]) for *_order, gap in ranked],
        )
    result, spots = analysed
    requirements = _requirements(norm_version)
    rounds = {monitoring_round.pk: monitoring_round} | {r.pk: r for r, _, _ in history_rounds}
    return RoundWaterbed(
        monitoring_round,
        result,
        config,
        organisations,
        requirements,
        WeakSpots(spots, organisations, requirements, rounds),
        neighbours,
    )


class WeakSpots(Sequence[WeakSpot]):
    """The ranked weak spots, each built when asked for: the dashboard shows five of what can
    be thousands."""

    def __init__(
        self,
        spots: list[tuple[Gap, int, int]],  # gap, pk of the round it is open since, rounds
        organisations: dict[str, Organisation],
        requirements: dict[str, Requirement],
        rounds: dict[int, MonitoringRound],
    ) -> None:
        self._spots = spots
        self._organisations = organisations
        self._requirements = requirements
        self._rounds = rounds

    def __len__(self) -> int:
        return len(self._spots)

    def gaps(self) -> list[Gap]:
        """The ranked gaps themselves, without building a weak spot for each."""
        return [gap for gap, _since, _rounds in self._spots]

    @overload
    def __getitem__(self, index: int) -> WeakSpot: ...

    @overload
    def __getitem__(self, index: slice) -> list[WeakSpot]: ...

    def __getitem__(self, index: int | slice) -> WeakSpot | list[WeakSpot]:
        if isinstance(index, slice):
            return [self._spot(*entry) for entry in self._spots[index]]
        return self._spot(*self._spots[index])

    def _spot(self, gap: Gap, since: int, rounds: int) -> WeakSpot:
        return WeakSpot(
            gap=gap,
            organisation=self._organisations[gap.organisation],
            requirement=self._requirements[gap.item],
            ambition=self._requirements[gap.ambition],
            since=self._rounds[since],
            rounds=rounds,
            organisations=self._organisations,
        )


def _gap_history(
    monitoring_round: MonitoringRound,
    gaps: Sequence[Gap],
    trail: Sequence[tuple[MonitoringRound, RegionScore, Sequence[ItemMap]]],
) -> dict[tuple[str, str], tuple[int, int]]:
    """For each gap: since which round (its pk) it has been open without interruption, and for
    how many rounds. Earlier rounds on another norm version are read through the version
    mapping (``steps``); ``trail`` holds the earlier rounds, latest first."""
    history = {(gap.organisation, gap.item): (monitoring_round.pk, 1) for gap in gaps}
    open_keys = set(history)
    for earlier, score, steps in trail:
        if not open_keys:
            break
        still_open = set()
        successors: dict[str, set[str]] = {}
        for organisation, item in open_keys:
            codes = successors.get(item)
            if codes is None:
                codes = successors[item] = _through(steps, item)
            organisation_score = score.by_organisation.get(organisation)
            if organisation_score is None or not codes:
                continue
            statuses = [organisation_score.items[c].status for c in codes]
            if any(s in ("not_achieved", "unanswered") for s in statuses):
                _since, count = history[(organisation, item)]
                history[(organisation, item)] = (earlier.pk, count + 1)
                still_open.add((organisation, item))
        open_keys = still_open
    return history


def _through(steps: Sequence[ItemMap], code: str) -> set[str]:
    """The codes an item becomes through a chain of item maps."""
    codes = {code}
    for step in steps:
        codes = {successor for c in codes for successor in step.successors(c)}
    return codes


def _band(value: Fraction, maximum: Fraction) -> int:
    if value <= 0 or maximum <= 0:
        return 0
    share = value / maximum
    return 1 if share <= Fraction(1, 3) else 2 if share <= Fraction(2, 3) else 3


def _number(value: Fraction) -> str:
    """An exact figure for display and JSON: whole numbers as such, else two decimals."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.2f}"


@dataclass(frozen=True)
class OrganisationExposure:
    """One organisation's waterbed exposure in a round: what a map colours by.
    ``band`` is 0 (no exposure) to 3 (the top third of the round's highest exposure)."""

    code: str
    name: str
    type: str
    exposure: Fraction
    missing: int
    barriers: int
    weak_spots: int
    band: int
    has_neighbours: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "type": self.type,
            "exposure": _number(self.exposure),
            "exposure_value": float(self.exposure),
            "missing": self.missing,
            "barriers": self.barriers,
            "weak_spots": self.weak_spots,
            "band": self.band,
            "has_neighbours": self.has_neighbours,
        }


def exposure_by_organisation(
    monitoring_round: MonitoringRound, waterbed: RoundWaterbed | None = None
) -> dict[str, OrganisationExposure]:
    """Per organisation code its waterbed exposure in the round, for colouring a map (issue
    #4's map colours by ``band`` or ``exposure``). The caller checks
    ``analysis.view_region_analysis`` on the round's region."""
    waterbed = waterbed or round_waterbed(monitoring_round)
    maximum = waterbed.max_exposure
    return {
        code: OrganisationExposure(
            code=code,
            name=waterbed.organisations[code].name,
            type=waterbed.organisations[code].type,
            exposure=exposure.total,
            missing=exposure.missing,
            barriers=exposure.barriers,
            weak_spots=len(exposure.weak_spots),
            band=_band(exposure.total, maximum),
            has_neighbours=exposure.has_neighbours,
        )
        for code, exposure in sorted(waterbed.result.exposure.items())
    }


def _spot_json(spot: WeakSpot) -> dict[str, Any]:
    gap = spot.gap
    return {
        "organisation": spot.organisation.code,
        "organisation_name": spot.organisation.name,
        "item": gap.item,
        "item_label": spot.requirement.label,
        "item_text": spot.requirement.text,
        "ambition": gap.ambition,
        "theme": gap.theme,
        "status": gap.status,
        "basis": gap.basis,
        "holders": [o.code for o in spot.holders],
        "holder_names": [o.name for o in spot.holders],
        "peers": list(gap.peers),
        "pressure": _number(gap.pressure),
        "region_share": as_percent(gap.region_share, missing=""),
        "weight": _number(gap.weight),
        "contribution": _number(gap.contribution),
        "since_round": spot.since.key,
        "rounds": spot.rounds,
    }


def waterbed_as_json(
    monitoring_round: MonitoringRound, waterbed: RoundWaterbed | None = None
) -> dict[str, Any]:
    """Everything the waterbed page shows, for automation (``normmonitor waterbed --json``)."""
    waterbed = waterbed or round_waterbed(monitoring_round)
    exposure = exposure_by_organisation(monitoring_round, waterbed)
    return {
        "round": monitoring_round.key,
        "region": monitoring_round.region.key,
        "norm": monitoring_round.norm_version.norm.key,
        "norm_version": monitoring_round.norm_version.version,
        "method": "docs/waterbed.md",
        "config": {
            "majority": _number(waterbed.config.majority),
            "theme_weights": {k: _number(v) for k, v in waterbed.config.theme_weights.items()},
        },
        "neighbours": {code: sorted(codes) for code, codes in waterbed.neighbours.items()},
        "weak_spots": [_spot_json(spot) for spot in waterbed.weak_spots],
        "by_ambition": {
            ambition.code: [spot.gap.organisation for spot in spots]
            for ambition, spots in waterbed.by_ambition()
        },
        "organisations": {
            code: {
                **figures.as_json(),
                "by_theme": {
                    theme: _number(value)
                    for theme, value in waterbed.result.exposure[code].by_theme.items()
                },
                "gaps": [
                    {
                        "item": gap.item,
                        "status": gap.status,
                        "basis": gap.basis,
                        "holders": list(gap.holders),
                        "pressure": _number(gap.pressure),
                        "contribution": _number(gap.contribution),
                        "weak_spot": gap.weak_spot,
                    }
                    for gap in waterbed.result.exposure[code].gaps
                ],
            }
            for code, figures in exposure.items()
        },
    }


def waterbed_report_content(monitoring_round: MonitoringRound, limit: int = 10) -> dict[str, Any]:
    """The waterbed section of the region report (issue #4): a heading, a summary sentence,
    the ranked weak spots (at most ``limit``) and the exposure per organisation. The caller
    checks ``analysis.view_region_analysis`` (or ``reports.view_region_report``)."""
    waterbed = round_waterbed(monitoring_round)
    exposure = exposure_by_organisation(monitoring_round, waterbed)
    spots = waterbed.weak_spots
    if spots:
        top = spots[0]
        summary = _(
            "%(count)s weak spots: barriers an organisation lacks while its neighbours (or, "
            "without neighbours, most of the region) have them. The most urgent: %(organisation)s "
            "lacks %(item)s, which %(holders)s %(verb)s."
        ) % {
            "count": len(spots),
            "organisation": top.organisation.name,
            "item": top.requirement.label,
            "holders": ", ".join(o.name for o in top.holders) or _("the region"),
            "verb": _("has") if len(top.holders) == 1 else _("have"),
        }
    else:
        summary = _("No weak spots: no organisation lacks a barrier that its neighbours have.")
    return {
        "title": _("Waterbed effect"),
        "round": monitoring_round.key,
        "summary": summary,
        "weak_spots": [_spot_json(spot) for spot in spots[:limit]],
        "weak_spot_count": len(spots),
        "exposure": [
            exposure[e.organisation].as_json()
            for e in waterbed.result.ranking()
            if e.organisation in exposure
        ],
        "method": _(
            "Exposure adds up, for every barrier an organisation lacks, the share of its "
            "neighbours that have it (without neighbours: the share of the rest of the region), "
            "weighted per theme. See docs/waterbed.md."
        ),
    }


# --------------------------------------------------------------------------------------------
# Trends


@dataclass(frozen=True)
class TrendPoint:
    """One round of a trend. ``total`` is the round's own headline (on its own norm version);
    ``by_theme``/``ambitions``/``comparable`` are in the target version's terms, carried
    through the version mapping; empty when no mapping links the versions."""

    round: MonitoringRound
    total: Tally | None
    by_theme: dict[str, Tally]
    ambitions: dict[str, ItemOutcome | None]
    comparable: Tally | None
    linked: bool
    # Region trends: per ambition of the target version, pooled over the organisations.
    ambition_tallies: dict[str, Tally] = field(default_factory=dict)

    def carried_from(self, target: NormVersion) -> bool:
        """Whether the point was read through a mapping from another version."""
        return self.linked and self.round.norm_version_id != target.pk


@dataclass(frozen=True)
class Trend:
    """The trend of one organisation, or of the whole region (``organisation`` None)."""

    target: NormVersion
    themes: list[Theme]
    ambitions: list[Requirement]
    points: list[TrendPoint]
    organisation: Organisation | None = None
    by_organisation: dict[str, list[Tally | None]] = field(default_factory=dict)

    @property
    def versions(self) -> list[NormVersion]:
        seen: dict[int, NormVersion] = {}
        for point in self.points:
            seen.setdefault(point.round.norm_version_id, point.round.norm_version)
        return list(seen.values())

    @property
    def crosses_versions(self) -> bool:
        return len(self.versions) > 1

    def labels(self) -> list[str]:
        return [p.round.reference_date.strftime("%m-%Y") for p in self.points]

    def breaks(self) -> list[int]:
        """Indices of the points where another norm version starts."""
        return [
            index
            for index in range(1, len(self.points))
            if self.points[index].round.norm_version_id
            != self.points[index - 1].round.norm_version_id
        ]

    def headline_series(self) -> list[tuple[str, list[Fraction | None]]]:
        return [(_("Ambitions achieved"), self.headline())]

    def theme_series_all(self) -> list[tuple[str, list[Fraction | None]]]:
        return [
            (f"{theme.code}. {theme.title}", self.theme_series(theme.code)) for theme in self.themes
        ]

    def headline(self) -> list[Fraction | None]:
        return [p.total.percentage if p.total else None for p in self.points]

    def theme_series(self, code: str) -> list[Fraction | None]:
        return [p.by_theme[code].percentage if code in p.by_theme else None for p in self.points]

    def theme_rows(self) -> list[tuple[Theme, list[Tally | None]]]:
        return [(theme, [p.by_theme.get(theme.code) for p in self.points]) for theme in self.themes]

    def ambition_tally_rows(self) -> list[tuple[Requirement, list[Tally | None]]]:
        """Region trends: per ambition, how many organisations achieved it in each round."""
        return [
            (ambition, [p.ambition_tallies.get(ambition.code) for p in self.points])
            for ambition in self.ambitions
        ]

    def ambition_rows(self) -> list[tuple[Requirement, list[ItemOutcome | None]]]:
        return [
            (ambition, [p.ambitions.get(ambition.code) for p in self.points])
            for ambition in self.ambitions
        ]


def _target_version(rounds: Sequence[MonitoringRound]) -> NormVersion | None:
    if not rounds:
        return None
    return max(rounds, key=lambda r: r.reference_date).norm_version


def organisation_trend(
    organisation: Organisation,
    rounds: Iterable[MonitoringRound],
    target: NormVersion | None = None,
    scores: Scores | None = None,
) -> Trend | None:
    """An organisation's results over ``rounds`` (those it took part in), in the terms of
    ``target`` (default: the norm version of the latest round). None without rounds."""
    scores = scores or Scores()
    rounds = sorted(
        (r for r in rounds if r.state != RoundState.DRAFT), key=lambda r: r.reference_date
    )
    target = target or _target_version(rounds)
    if target is None:
        return None
    target_model = norm_model(target)
    scores.load(rounds)
    points = []
    for monitoring_round in rounds:
        organisation_score = scores(monitoring_round).by_organisation.get(organisation.code)
        if organisation_score is None:
            continue
        steps = version_path(monitoring_round.norm_version, target)
        if steps is None:
            points.append(
                TrendPoint(monitoring_round, organisation_score.total, {}, {}, None, False)
            )
            continue
        carried = versions.translate(
            organisation_score.items, steps, target_model, organisation.type
        )
        comparable, by_theme, _without = versions.tally(target_model, carried)
        points.append(
            TrendPoint(
                monitoring_round,
                organisation_score.total,
                by_theme,
                {a.code: carried.get(a.code) for a in target_model.ambitions()},
                comparable,
                True,
            )
        )
    return Trend(
        target=target,
        themes=list(target.themes.order_by("order")),
        ambitions=list(
            target.requirements.filter(parent__isnull=True)
            .select_related("theme")
            .order_by("order")
        ),
        points=points,
        organisation=organisation,
    )


def region_trend(
    region: Region,
    rounds: Iterable[MonitoringRound],
    target: NormVersion | None = None,
    scores: Scores | None = None,
) -> Trend | None:
    """The region's pooled results over its rounds; per theme in the terms of ``target``."""
    scores = scores or Scores()
    rounds = sorted(
        (r for r in rounds if r.region_id == region.pk and r.state != RoundState.DRAFT),
        key=lambda r: r.reference_date,
    )
    target = target or _target_version(rounds)
    if target is None:
        return None
    target_model = norm_model(target)
    points = []
    organisation_codes: list[str] = []
    for monitoring_round in rounds:
        score = scores(monitoring_round)
        for code in score.by_organisation:
            if code not in organisation_codes:
                organisation_codes.append(code)
        steps = version_path(monitoring_round.norm_version, target)
        if steps is None:
            points.append(TrendPoint(monitoring_round, score.total, {}, {}, None, False))
            continue
        types = dict(
            Organisation.objects.filter(code__in=score.by_organisation).values_list("code", "type")
        )
        by_theme = {theme: Tally() for theme in target_model.themes}
        by_ambition = {ambition.code: Tally() for ambition in target_model.ambitions()}
        comparable = Tally()
        for code, organisation_score in score.by_organisation.items():
            carried = versions.translate(organisation_score.items, steps, target_model, types[code])
            total, themes, _without = versions.tally(target_model, carried)
            comparable += total
            for theme, tally in themes.items():
                by_theme[theme] += tally
            for ambition in by_ambition:
                outcome = carried.get(ambition)
                if outcome is not None and outcome.applicable:
                    by_ambition[ambition] += Tally(
                        achieved=int(outcome.status == "achieved"),
                        applicable=1,
                        answered=int(outcome.status != "unanswered"),
                    )
        points.append(
            TrendPoint(
                monitoring_round,
                score.total,
                by_theme,
                {},
                comparable,
                True,
                {code: tally for code, tally in by_ambition.items() if tally.applicable},
            )
        )
    by_organisation = {
        code: [
            scores(p.round).by_organisation[code].total
            if code in scores(p.round).by_organisation
            else None
            for p in points
        ]
        for code in organisation_codes
    }
    return Trend(
        target=target,
        themes=list(target.themes.order_by("order")),
        ambitions=list(
            target.requirements.filter(parent__isnull=True)
            .select_related("theme")
            .order_by("order")
        ),
        points=points,
        by_organisation=by_organisation,
    )


# --------------------------------------------------------------------------------------------
# Comparison of two rounds


class NotComparable(ValueError):
    """Two rounds whose norm versions no mapping links."""


@dataclass(frozen=True)
class ChangeRow:
    change: compare.ItemChange
    organisation: Organisation
    requirement: Requirement | None  # in the later round's version (None for a dropped item)
    earlier_requirement: Requirement | None
    changed_by: str
    changed_at: Any  # datetime or None

    @property
    def label(self) -> str:
        if self.requirement is not None:
            return self.requirement.label
        return self.earlier_requirement.label if self.earlier_requirement else self.change.item


@dataclass(frozen=True)
class RoundComparison:
    earlier: MonitoringRound
    later: MonitoringRound
    rows: list[ChangeRow]
    unchanged: int
    summary: dict[str, int]
    crosses_versions: bool

    @property
    def changed(self) -> list[ChangeRow]:
        return [row for row in self.rows if row.change.changed]

    def by_organisation(self) -> list[tuple[Organisation, list[ChangeRow]]]:
        groups: dict[str, tuple[Organisation, list[ChangeRow]]] = {}
        for row in self.changed:
            groups.setdefault(row.organisation.code, (row.organisation, []))[1].append(row)
        return sorted(groups.values(), key=lambda group: (group[0].type, group[0].name))


def _relations(steps: Sequence[ItemMap], earlier_codes: list[str], later_codes: list[str]):
    """Per later code: (relation, earlier codes) through a chain; and the dropped earlier
    codes."""
    forward: dict[str, set[str]] = {code: _through(steps, code) for code in earlier_codes}
    backward: dict[str, list[str]] = {code: [] for code in later_codes}
    for source, targets in forward.items():
        for target in targets:
            backward.setdefault(target, []).append(source)
    relations: dict[str, tuple[str, tuple[str, ...]]] = {}
    for code in later_codes:
        sources = tuple(backward.get(code, ()))
        if not sources:
            relation = "new"
        elif len(sources) > 1:
            relation = "merged"
        elif forward[sources[0]] == {code}:
            relation = "same"
        else:
            relation = "split"
        relations[code] = (relation, sources)
    dropped = [code for code, targets in forward.items() if not targets]
    return relations, dropped


def compare_rounds(
    earlier: MonitoringRound,
    later: MonitoringRound,
    organisation_codes: set[str] | None = None,
    scores: Scores | None = None,
) -> RoundComparison:
    """Item by item, what changed from ``earlier`` to ``later`` for every organisation (or the
    given ones), with who changed a rated item and when. Raises NotComparable when no version
    mapping links the two rounds' norms."""
    scores = scores or Scores()
    steps = version_path(earlier.norm_version, later.norm_version)
    if steps is None:
        raise NotComparable(
            _("%(a)s and %(b)s use norm versions that no mapping links.")
            % {"a": earlier.norm_version, "b": later.norm_version}
        )
    later_model = norm_model(later.norm_version)
    earlier_requirements = _requirements(earlier.norm_version)
    later_requirements = _requirements(later.norm_version)
    relations, dropped_codes = _relations(
        steps, list(earlier_requirements), list(later_requirements)
    )
    level_rank = {
        level.code: len(later_model.scale) - index for index, level in enumerate(later_model.scale)
    }
    before_scores = scores(earlier).by_organisation
    after_scores = scores(later).by_organisation
    codes = set(before_scores) | set(after_scores)
    if organisation_codes is not None:
        codes &= organisation_codes
    organisations = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    who = _who_changed(later, {organisations[c].pk for c in codes})

    rows: list[ChangeRow] = []
    for code in sorted(codes, key=lambda c: (organisations[c].type, organisations[c].name)):
        organisation = organisations[code]
        before_items = before_scores[code].items if code in before_scores else {}
        after_items = after_scores[code].items if code in after_scores else {}
        carried = (
            versions.translate(before_items, steps, later_model, organisation.type)
            if before_items
            else {}
        )
        changes = compare.compare_items(
            code,
            carried,
            after_items,
            order=list(later_requirements),
            level_rank=level_rank,
            relations=relations,
            dropped={c: before_items.get(c) for c in dropped_codes},
        )
        for change in changes:
            requirement = later_requirements.get(change.item) if change.after else None
            earlier_requirement = (
                earlier_requirements.get(change.sources[0]) if change.sources else None
            )
            if change.relation == "dropped":
                requirement, earlier_requirement = None, earlier_requirements.get(change.item)
            elif requirement is None:
                requirement = later_requirements.get(change.item)
            changed_by, changed_at = "", None
            if change.changed and change.after is not None:
                changed_by, changed_at = who.get((organisation.pk, change.item), ("", None))
            rows.append(
                ChangeRow(
                    change, organisation, requirement, earlier_requirement, changed_by, changed_at
                )
            )
    changes_only = [row.change for row in rows]
    return RoundComparison(
        earlier=earlier,
        later=later,
        rows=rows,
        unchanged=sum(1 for c in changes_only if not c.changed),
        summary=compare.summary(changes_only),
        crosses_versions=earlier.norm_version_id != later.norm_version_id,
    )


def _who_changed(
    monitoring_round: MonitoringRound, organisation_ids: set[int]
) -> dict[tuple[int, str], tuple[str, Any]]:
    """(organisation id, requirement code) → (who, when) of the last change of the rating in
    this round: from the audit trail's answer.updated events, else the answer itself when it
    was saved in this round (not merely carried over)."""
    result: dict[tuple[int, str], tuple[str, Any]] = {}
    answers = Answer.objects.filter(
        assessment__round=monitoring_round,
        assessment__organisation_id__in=organisation_ids,
        carried_over=False,
        version__gt=0,
    ).values_list(
        "assessment__organisation_id",
        "requirement__code",
        "updated_by__username",
        "updated_by__first_name",
        "updated_by__last_name",
        "updated_at",
    )
    for organisation_id, code, username, first, last, at in answers:
        name = f"{first} {last}".strip() or username or _("system")
        result[(organisation_id, code)] = (name, at)
    events = AuditEvent.objects.filter(
        name="answer.updated", round=monitoring_round, organisation_id__in=organisation_ids
    ).order_by("at", "pk")
    for event in events.select_related("actor"):
        data = event.data or {}
        before, after = data.get("before") or {}, data.get("after") or {}
        if before.get("level") == after.get("level"):
            continue
        actor = event.actor
        name = (actor.get_full_name() or actor.get_username()) if actor else event.actor_name
        result[(event.organisation_id, data.get("requirement", ""))] = (name, event.at)
    return result


# --------------------------------------------------------------------------------------------
# Pace


@dataclass(frozen=True)
class RoundPace:
    round: MonitoringRound
    reference: date
    target_date: date | None
    organisations: list[tuple[Organisation, pace.OrganisationPace]]
    requirements: dict[str, Requirement]

    @property
    def behind(self) -> list[tuple[Organisation, pace.OrganisationPace]]:
        return [(o, p) for o, p in self.organisations if p.behind_own_path]

    @property
    def attention_count(self) -> int:
        return sum(len(p.attention) for _o, p in self.organisations)


def _item_paces(
    monitoring_round: MonitoringRound,
    organisation_ids: set[int] | None,
    score: RegionScore,
    reference: date,
    target_date: date | None,
) -> dict[int, list[pace.ItemPace]]:
    assessments = Assessment.objects.filter(round=monitoring_round)
    if organisation_ids is not None:
        assessments = assessments.filter(organisation_id__in=organisation_ids)
    organisation_of = {
        pk: (organisation_id, code)
        for pk, organisation_id, code in assessments.values_list(
            "pk", "organisation_id", "organisation__code"
        )
    }
    requirements = {
        pk: (code, recurrence, order)
        for pk, code, recurrence, order in monitoring_round.norm_version.requirements.values_list(
            "pk", "code", "recurrence", "order"
        )
    }
    # Ids only, no joins: a national round has 35 000 answers.
    rows = Answer.objects.filter(assessment_id__in=assessments.values("pk")).values_list(
        "assessment_id", "requirement_id", "planned_date", "last_done_on"
    )
    by_organisation: dict[int, list[pace.ItemPace]] = {}
    for assessment_id, requirement_id, planned, last_done in sorted(
        rows, key=lambda row: (row[0], requirements[row[1]][2])
    ):
        organisation_id, code = organisation_of[assessment_id]
        item, recurrence, _order = requirements[requirement_id]
        outcome = score.by_organisation[code].items[item]
        by_organisation.setdefault(organisation_id, []).append(
            pace.ItemPace(
                organisation=code,
                item=item,
                achieved=outcome.status == "achieved",
                applicable=outcome.applicable,
                planned_date=planned,
                recurrence=recurrence,
                last_done_on=last_done,
                reference=reference,
                target_date=target_date,
            )
        )
    return by_organisation


def round_pace(
    monitoring_round: MonitoringRound,
    organisation_ids: set[int] | None = None,
    today: date | None = None,
    scores: Scores | None = None,
) -> RoundPace:
    """Overdue plans and periodic duties of every organisation (or the given ones) in a round,
    judged on the round's reference date once it is closed, else on today."""
    scores = scores or Scores()
    reference = reference_date(monitoring_round, today)
    score = scores(monitoring_round)
    target_date = monitoring_round.region.target_date
    # Remembered with the score: a live round's score is keyed by its answers' versions, and
    # every change of a planned date or a "last done" date raises a version.
    key = ("pace", reference, target_date, frozenset(organisation_ids or ()) or None)
    paces = score.derived_data.get(key)
    if paces is None:
        paces = score.derived_data[key] = {
            pk: pace.organisation_pace(items[0].organisation, items)
            for pk, items in _item_paces(
                monitoring_round, organisation_ids, score, reference, target_date
            ).items()
        }
    organisations = Organisation.objects.in_bulk(list(paces))
    result = [(organisations[pk], organisation_pace) for pk, organisation_pace in paces.items()]
    result.sort(key=lambda pair: (not pair[1].behind_own_path, pair[0].type, pair[0].name))
    return RoundPace(
        monitoring_round,
        reference,
        target_date,
        result,
        _requirements(monitoring_round.norm_version),
    )
