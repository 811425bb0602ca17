"""The content of the two reports, built once per report and rendered by every format.

``organisation_report()`` and ``region_report()`` read the database (through the same selectors
as the dashboard, so the figures cannot disagree) and return frozen dataclasses of plain values:
strings, numbers, dates and exact fractions. The HTML page, the PDF, the Word document and the
charts all render one of these objects and never query on their own.

Texts in the content (status labels, theme titles) are in the active language: build a report
inside ``translation.override()`` when the language matters (see ``render.render_report``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction

from django.utils import timezone
from django.utils.translation import gettext as _

from normmonitor.assessments.models import Answer, Assessment
from normmonitor.assessments.selectors import round_score
from normmonitor.dashboard.selectors import STATUS_LABELS, HeatmapCell, round_dashboard
from normmonitor.organisations.models import Organisation
from normmonitor.rounds.models import MonitoringRound, RoundState
from normmonitor.scoring import ItemOutcome, RegionScore, Tally, as_percent, percent_value

from . import conf, integrations
from .summary import organisation_summary, region_summary

ORGANISATION = "organisation"
REGION = "region"

# An ambition the organisation has not achieved while at least this share of the region's
# organisations has, is reported as "behind the region"; one it has achieved while at most
# AHEAD_SHARE has, as "ahead of the region".
BEHIND_SHARE = Fraction(2, 3)
AHEAD_SHARE = Fraction(1, 3)


# ---------------------------------------------------------------------------------------------
# Building blocks


@dataclass(frozen=True)
class Figure:
    """A tally as reports show it: counts and exact fractions (rounded only for display)."""

    achieved: int = 0
    applicable: int = 0
    answered: int = 0
    percentage: Fraction | None = None
    weighted_percentage: Fraction | None = None
    completeness: Fraction | None = None

    @classmethod
    def of(cls, tally: Tally | None) -> Figure:
        if tally is None:
            return cls()
        return cls(
            achieved=tally.achieved,
            applicable=tally.applicable,
            answered=tally.answered,
            percentage=tally.percentage,
            weighted_percentage=tally.weighted_percentage,
            completeness=tally.completeness,
        )

    @property
    def percent(self) -> str:
        """ "83%", or "—" when nothing applies (docs/scoring.md: rounded half up)."""
        return as_percent(self.percentage)

    @property
    def completeness_percent(self) -> str:
        return as_percent(self.completeness)

    @property
    def open(self) -> int:
        """Applicable ambitions not (yet) achieved."""
        return self.applicable - self.achieved

    @property
    def ratio(self) -> str:
        return f"{self.achieved}/{self.applicable}"

    @property
    def value(self) -> float | None:
        """For charts only: never compute with it."""
        return None if self.percentage is None else float(self.percentage)


@dataclass(frozen=True)
class Status:
    """The outcome of one item, with a symbol so that meaning never rests on colour alone."""

    key: str  # achieved, partial, not_achieved, unanswered, not_applicable, excluded
    symbol: str
    label: str

    @property
    def css(self) -> str:
        return self.key.replace("_", "-")

    @classmethod
    def of(cls, outcome: ItemOutcome | None) -> Status:
        cell = HeatmapCell(requirement=None, outcome=outcome)  # type: ignore[arg-type]
        key = "partial" if cell.is_partial else cell.status
        return cls(key=key, symbol=cell.symbol, label=str(STATUS_LABELS.get(key, "")))


@dataclass(frozen=True)
class ReportMeta:
    kind: str  # ORGANISATION or REGION
    title: str
    subtitle: str
    round_key: str
    round_name: str
    round_state: str
    round_state_label: str
    region_key: str
    region_name: str
    norm_label: str
    reference_date: date
    deadline: date
    generated_on: date
    classification: str
    language: str
    filename_stem: str


@dataclass(frozen=True)
class ThemeLine:
    code: str
    title: str
    figure: Figure
    region: Figure | None = None  # organisation report: the region's figure for comparison


@dataclass(frozen=True)
class AmbitionLine:
    """One ambition (top-level requirement) in the organisation report."""

    code: str
    label: str
    text: str
    theme_code: str
    status: Status
    level_label: str
    explanation: str
    planned_date: date | None
    owner: str
    sub_items: str  # "3/5" for a derived ambition, else ""
    region_achieved: int  # organisations of the region that achieved it
    region_applicable: int  # organisations it applies to
    previous: Status | None  # the same ambition in the previous round

    @property
    def open(self) -> bool:
        return self.status.key in {"not_achieved", "partial", "unanswered"}


@dataclass(frozen=True)
class Deviation:
    code: str
    label: str
    text: str
    kind: str  # behind_region, ahead_of_region, regressed, improved
    description: str


@dataclass(frozen=True)
class TrendPoint:
    round_key: str
    round_name: str
    reference_date: date
    figure: Figure  # the organisation (organisation report) or the region (region report)
    region: Figure  # the region's pooled figure
    by_organisation: dict[str, Figure] = field(default_factory=dict)  # region report only


@dataclass(frozen=True)
class Position:
    """Where the organisation stands among the region's organisations of the same type, without
    naming the others."""

    rank: int | None  # 1 = highest percentage; None when it has no peers of its type
    peers: int  # organisations of the same type, itself included
    type_label: str
    peer_percentages: tuple[Fraction | None, ...]  # the others, highest first, anonymous
    region: Figure
    mean_of_organisations: Fraction | None


@dataclass(frozen=True)
class ActionLine:
    """An open action from the actions app (issue #5)."""

    title: str
    requirement: str
    owner: str
    due: date | None
    state: str
    overdue: bool = False


@dataclass(frozen=True)
class WeakSpotLine:
    """A barrier an organisation lacks while its neighbours (or most of the region) have it:
    a weak spot of the waterbed analysis (issue #5)."""

    organisation: str
    item: str
    text: str
    holders: tuple[str, ...]  # names; empty in the organisation report
    holders_count: int
    rounds: int  # consecutive rounds it has been open
    region_share: str


@dataclass(frozen=True)
class ExposureLine:
    """An organisation's waterbed exposure: band 0 (none) to 3 (the top third)."""

    code: str
    name: str
    exposure: str
    missing: int
    weak_spots: int
    band: int
    band_label: str
    has_neighbours: bool


@dataclass(frozen=True)
class WaterbedSection:
    title: str
    summary: str
    method: str
    weak_spots: list[WeakSpotLine]
    weak_spot_count: int
    exposure: list[ExposureLine]


@dataclass(frozen=True)
class OrganisationWaterbed:
    exposure: ExposureLine | None
    weak_spots: list[WeakSpotLine]


@dataclass(frozen=True)
class OrganisationInfo:
    code: str
    name: str
    type: str
    type_label: str
    cbs_code: str


@dataclass(frozen=True)
class OrganisationReport:
    meta: ReportMeta
    organisation: OrganisationInfo
    total: Figure
    themes: list[ThemeLine]
    ambitions: list[AmbitionLine]
    trend: list[TrendPoint]
    position: Position
    deviations: list[Deviation]
    actions: list[ActionLine] | None  # None: the actions app is not installed
    waterbed: OrganisationWaterbed | None  # None: the analysis app is not installed
    summary: list[str]

    @property
    def open_ambitions(self) -> list[AmbitionLine]:
        return [line for line in self.ambitions if line.open]


@dataclass(frozen=True)
class OrganisationLine:
    code: str
    name: str
    type: str
    type_label: str
    cbs_code: str
    figure: Figure
    cells: list[Status]

    @property
    def complete(self) -> bool:
        return self.figure.applicable > 0 and self.figure.achieved == self.figure.applicable


@dataclass(frozen=True)
class AmbitionColumn:
    code: str
    label: str
    text: str
    theme_code: str
    figure: Figure  # over the organisations it applies to


@dataclass(frozen=True)
class TargetProgress:
    target_date: date | None
    reference_date: date
    days_left: int | None  # negative once the target date has passed
    organisations_complete: int
    organisations_total: int
    percentage: Fraction | None
    change_per_year: Fraction | None  # change of the percentage per year (0.1 = 10 points)
    projected_date: date | None  # when 100% is reached at that pace (None: not rising)

    @property
    def passed(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def change_points(self) -> str:
        """The yearly change in percentage points, signed: "+28"."""
        if self.change_per_year is None:
            return ""
        points = percent_value(self.change_per_year)
        return f"+{points}" if points > 0 else str(points)


@dataclass(frozen=True)
class RegionReport:
    meta: ReportMeta
    total: Figure
    mean_of_organisations: Fraction | None
    organisations: list[OrganisationLine]
    themes: list[ThemeLine]
    ambitions: list[AmbitionColumn]
    trend: list[TrendPoint]
    target: TargetProgress
    waterbed: WaterbedSection | None  # None: the analysis app is not installed
    attribution: str
    summary: list[str]


# ---------------------------------------------------------------------------------------------
# Builders


def _meta(
    kind: str,
    monitoring_round: MonitoringRound,
    title: str,
    subtitle: str,
    stem: str,
    language: str,
    classification: str | None,
) -> ReportMeta:
    return ReportMeta(
        kind=kind,
        title=title,
        subtitle=subtitle,
        round_key=monitoring_round.key,
        round_name=monitoring_round.name,
        round_state=monitoring_round.state,
        round_state_label=str(monitoring_round.get_state_display()),
        region_key=monitoring_round.region.key,
        region_name=monitoring_round.region.name,
        norm_label=str(monitoring_round.norm_version),
        reference_date=monitoring_round.reference_date,
        deadline=monitoring_round.deadline,
        generated_on=timezone.localdate(),
        classification=(classification if classification is not None else conf.classification()),
        language=language,
        filename_stem=stem,
    )


def _trend_rounds(monitoring_round: MonitoringRound) -> list[MonitoringRound]:
    """The region's rounds up to and including this one, oldest first (drafts have no answers)."""
    earlier = (
        MonitoringRound.objects.filter(
            region_id=monitoring_round.region_id,
            reference_date__lte=monitoring_round.reference_date,
        )
        .exclude(state=RoundState.DRAFT)
        .exclude(pk=monitoring_round.pk)
        .select_related("norm_version")
        .order_by("reference_date", "pk")
    )
    return [*earlier, monitoring_round]


def _previous_round(monitoring_round: MonitoringRound) -> MonitoringRound | None:
    if monitoring_round.previous_id is not None:
        return monitoring_round.previous
    earlier = _trend_rounds(monitoring_round)[:-1]
    return earlier[-1] if earlier else None


def organisation_report(
    monitoring_round: MonitoringRound,
    organisation: Organisation,
    *,
    language: str = "nl",
    classification: str | None = None,
) -> OrganisationReport:
    """The report for a municipal council or the Provinciale Staten: the organisation's own
    results and explanations, and the region only as anonymous figures."""
    assessment = Assessment.objects.get(round=monitoring_round, organisation=organisation)
    norm_version = monitoring_round.norm_version
    score = round_score(monitoring_round)
    own = score.by_organisation.get(organisation.code)
    own_items = own.items if own else {}
    requirements = list(norm_version.requirements.select_related("theme").order_by("order"))
    ambitions = [r for r in requirements if r.parent_id is None]
    themes = list(norm_version.themes.order_by("order"))
    answers = {
        answer.requirement.code: answer
        for answer in Answer.objects.filter(assessment=assessment).select_related(
            "requirement", "level"
        )
    }
    previous_round = _previous_round(monitoring_round)
    previous_items: dict[str, ItemOutcome] = {}
    if previous_round is not None:
        previous_score = round_score(previous_round, {organisation.pk}).by_organisation.get(
            organisation.code
        )
        previous_items = previous_score.items if previous_score else {}

    lines: list[AmbitionLine] = []
    for ambition in ambitions:
        outcome = own_items.get(ambition.code)
        if outcome is None or outcome.status == "excluded":
            continue
        answer = answers.get(ambition.code)
        region_tally = score.by_ambition.get(ambition.code, Tally())
        previous = previous_items.get(ambition.code)
        lines.append(
            AmbitionLine(
                code=ambition.code,
                label=ambition.label,
                text=ambition.text,
                theme_code=ambition.theme.code,
                status=Status.of(outcome),
                level_label=answer.level.label if answer and answer.level_id else "",
                explanation=answer.explanation if answer else "",
                planned_date=answer.planned_date if answer else None,
                owner=answer.owner if answer else "",
                sub_items=(
                    f"{outcome.achieved_children}/{outcome.applicable_children}"
                    if outcome.applicable_children
                    else ""
                ),
                region_achieved=region_tally.achieved,
                region_applicable=region_tally.applicable,
                previous=Status.of(previous) if previous is not None else None,
            )
        )

    total = Figure.of(own.total if own else None)
    theme_lines = [
        ThemeLine(
            code=theme.code,
            title=theme.title,
            figure=Figure.of(own.by_theme.get(theme.code) if own else None),
            region=Figure.of(score.by_theme.get(theme.code)),
        )
        for theme in themes
        if own and own.by_theme.get(theme.code, Tally()).applicable
    ]
    trend = _organisation_trend(monitoring_round, organisation)
    position = _position(score, organisation, monitoring_round)
    deviations = _deviations(lines)
    info = OrganisationInfo(
        code=organisation.code,
        name=organisation.name,
        type=organisation.type,
        type_label=str(organisation.get_type_display()),
        cbs_code=organisation.cbs_code,
    )
    meta = _meta(
        ORGANISATION,
        monitoring_round,
        title=_("Monitoring report %(organisation)s") % {"organisation": organisation.name},
        subtitle=f"{monitoring_round.name} · {norm_version}",
        stem=f"rapport-{monitoring_round.key}-{organisation.code}",
        language=language,
        classification=classification,
    )
    actions = integrations.open_actions(organisation, monitoring_round)
    waterbed = integrations.organisation_waterbed(organisation, monitoring_round)
    report = OrganisationReport(
        meta=meta,
        organisation=info,
        total=total,
        themes=theme_lines,
        ambitions=lines,
        trend=trend,
        position=position,
        deviations=deviations,
        actions=actions,
        waterbed=waterbed,
        summary=[],
    )
    return replace(report, summary=organisation_summary(report))


def _organisation_trend(
    monitoring_round: MonitoringRound, organisation: Organisation
) -> list[TrendPoint]:
    taken_part = set(
        Assessment.objects.filter(
            organisation=organisation, round__region_id=monitoring_round.region_id
        ).values_list("round_id", flat=True)
    )
    points = []
    for trend_round in _trend_rounds(monitoring_round):
        if trend_round.pk not in taken_part:
            continue
        score = round_score(trend_round)
        own = score.by_organisation.get(organisation.code)
        points.append(
            TrendPoint(
                round_key=trend_round.key,
                round_name=trend_round.name,
                reference_date=trend_round.reference_date,
                figure=Figure.of(own.total if own else None),
                region=Figure.of(score.total),
            )
        )
    return points


def _position(
    score: RegionScore, organisation: Organisation, monitoring_round: MonitoringRound
) -> Position:
    types = dict(
        Organisation.objects.filter(assessments__round=monitoring_round).values_list("code", "type")
    )
    own = score.by_organisation.get(organisation.code)
    own_percentage = own.total.percentage if own else None
    others = [
        organisation_score.total.percentage
        for code, organisation_score in score.by_organisation.items()
        if code != organisation.code and types.get(code) == organisation.type
    ]
    rank = None
    if others and own_percentage is not None:
        rank = 1 + sum(1 for p in others if p is not None and p > own_percentage)
    return Position(
        rank=rank,
        peers=len(others) + 1,
        type_label=str(organisation.get_type_display()),
        peer_percentages=tuple(
            sorted(others, key=lambda p: (p is None, -(p or 0)))  # highest first, None last
        ),
        region=Figure.of(score.total),
        mean_of_organisations=score.mean_of_organisations,
    )


def _deviations(lines: list[AmbitionLine]) -> list[Deviation]:
    result: list[Deviation] = []
    for line in lines:
        share = (
            Fraction(line.region_achieved, line.region_applicable)
            if line.region_applicable
            else None
        )
        achieved = line.status.key == "achieved"
        if line.previous is not None and line.previous.key == "achieved" and not achieved:
            kind = "regressed"
            description = _("Achieved in the previous round, now: %(status)s.") % {
                "status": line.status.label
            }
        elif share is not None and not achieved and line.open and share >= BEHIND_SHARE:
            kind = "behind_region"
            description = _(
                "Not yet achieved, while %(achieved)s of the %(applicable)s organisations "
                "in the region have."
            ) % {"achieved": line.region_achieved, "applicable": line.region_applicable}
        elif share is not None and achieved and share <= AHEAD_SHARE:
            kind = "ahead_of_region"
            description = _(
                "Achieved, while only %(achieved)s of the %(applicable)s organisations in the "
                "region have."
            ) % {"achieved": line.region_achieved, "applicable": line.region_applicable}
        elif line.previous is not None and line.previous.key != "achieved" and achieved:
            kind = "improved"
            description = _("Newly achieved since the previous round.")
        else:
            continue
        result.append(Deviation(line.code, line.label, line.text, kind, description))
    order = {"regressed": 0, "behind_region": 1, "improved": 2, "ahead_of_region": 3}
    return sorted(result, key=lambda d: order[d.kind])


def region_report(
    monitoring_round: MonitoringRound,
    *,
    language: str = "nl",
    classification: str | None = None,
) -> RegionReport:
    """The report for the district safety board and the Staten: every organisation's figures,
    the heatmap, the trend and the progress towards the region's target date."""
    dashboard = round_dashboard(monitoring_round)
    score = dashboard.score
    organisations = [
        OrganisationLine(
            code=row.organisation.code,
            name=row.organisation.name,
            type=row.organisation.type,
            type_label=str(row.organisation.get_type_display()),
            cbs_code=row.organisation.cbs_code,
            figure=Figure.of(row.total),
            cells=[Status.of(cell.outcome) for cell in row.cells],
        )
        for row in dashboard.organisations
    ]
    themes = [
        ThemeLine(code=row.theme.code, title=row.theme.title, figure=Figure.of(row.tally))
        for row in dashboard.themes
    ]
    ambitions = [
        AmbitionColumn(
            code=ambition.code,
            label=ambition.label,
            text=ambition.text,
            theme_code=ambition.theme.code,
            figure=Figure.of(score.by_ambition.get(ambition.code)),
        )
        for ambition in dashboard.ambitions
    ]
    trend = []
    for trend_round in _trend_rounds(monitoring_round):
        trend_score = score if trend_round.pk == monitoring_round.pk else round_score(trend_round)
        trend.append(
            TrendPoint(
                round_key=trend_round.key,
                round_name=trend_round.name,
                reference_date=trend_round.reference_date,
                figure=Figure.of(trend_score.total),
                region=Figure.of(trend_score.total),
                by_organisation={
                    code: Figure.of(s.total) for code, s in trend_score.by_organisation.items()
                },
            )
        )
    region = monitoring_round.region
    meta = _meta(
        REGION,
        monitoring_round,
        title=_("Monitoring report %(region)s") % {"region": region.name},
        subtitle=f"{monitoring_round.name} · {monitoring_round.norm_version}",
        stem=f"rapport-{monitoring_round.key}",
        language=language,
        classification=classification,
    )
    report = RegionReport(
        meta=meta,
        total=Figure.of(score.total),
        mean_of_organisations=score.mean_of_organisations,
        organisations=organisations,
        themes=themes,
        ambitions=ambitions,
        trend=trend,
        target=target_progress(
            region.target_date,
            monitoring_round.reference_date,
            organisations,
            [(point.reference_date, point.figure.percentage) for point in trend],
        ),
        waterbed=integrations.waterbed(monitoring_round),
        attribution=region.geo_attribution or "",
        summary=[],
    )
    return replace(report, summary=region_summary(report))


def target_progress(
    target_date: date | None,
    reference_date: date,
    organisations: list[OrganisationLine],
    history: list[tuple[date, Fraction | None]],
) -> TargetProgress:
    """Progress against the target date, with a straight-line projection from the first round
    to this one (``history`` oldest first, this round last)."""
    known = [(day, p) for day, p in history if p is not None]
    percentage = history[-1][1] if history else None
    change_per_year = projected = None
    if len(known) >= 2 and known[-1][0] > known[0][0]:
        (first_day, first), (last_day, last) = known[0], known[-1]
        days = (last_day - first_day).days
        per_day = (last - first) / days
        change_per_year = per_day * 365
        if per_day > 0 and last < 1:
            remaining = (1 - last) / per_day
            projected = date.fromordinal(last_day.toordinal() + int(-(-remaining // 1)))
    return TargetProgress(
        target_date=target_date,
        reference_date=reference_date,
        days_left=(target_date - reference_date).days if target_date else None,
        organisations_complete=sum(1 for line in organisations if line.complete),
        organisations_total=len(organisations),
        percentage=percentage,
        change_per_year=change_per_year,
        projected_date=projected,
    )
