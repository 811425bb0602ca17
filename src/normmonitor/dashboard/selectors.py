"""The region's picture of one round, built once for the dashboard page (and later reports)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from normmonitor.assessments.selectors import round_score
from normmonitor.norms.models import Requirement, Theme
from normmonitor.organisations.models import Organisation
from normmonitor.rounds.models import MonitoringRound
from normmonitor.scoring import ItemOutcome, OrganisationScore, RegionScore, Tally

STATUS_LABELS = {
    "achieved": _("achieved"),
    "partial": _("partly achieved"),
    "not_achieved": _("not achieved"),
    "unanswered": _("not answered"),
    "not_applicable": _("not applicable"),
    "excluded": _("does not apply to this organisation type"),
}


@dataclass(frozen=True)
class HeatmapCell:
    requirement: Requirement
    outcome: ItemOutcome | None

    @property
    def status(self) -> str:
        return self.outcome.status if self.outcome else "excluded"

    @property
    def css(self) -> str:
        if self.is_partial:
            return "partial"
        return self.status.replace("_", "-")

    @property
    def is_partial(self) -> bool:
        outcome = self.outcome
        return bool(
            outcome
            and outcome.status == "not_achieved"
            and outcome.score is not None
            and outcome.score > 0
        )

    @property
    def symbol(self) -> str:
        """Text that carries the meaning without colour (WCAG 1.4.1)."""
        outcome = self.outcome
        if outcome is None or outcome.status == "excluded":
            return ""
        if outcome.status == "not_applicable":
            return "n.v.t."
        if outcome.status == "unanswered":
            return "?"
        if outcome.applicable_children:
            return f"{outcome.achieved_children}/{outcome.applicable_children}"
        if outcome.status == "achieved":
            return "✓"
        return "½" if self.is_partial else "✗"

    @property
    def description(self) -> str:
        return STATUS_LABELS.get("partial" if self.is_partial else self.status, "")


@dataclass(frozen=True)
class OrganisationRow:
    organisation: Organisation
    score: OrganisationScore | None
    cells: list[HeatmapCell]

    @property
    def total(self) -> Tally | None:
        return self.score.total if self.score else None


@dataclass(frozen=True)
class ThemeRow:
    theme: Theme
    tally: Tally
    ambitions: list[Requirement]


@dataclass(frozen=True)
class RoundDashboard:
    round: MonitoringRound
    score: RegionScore
    ambitions: list[Requirement]
    themes: list[ThemeRow]
    organisations: list[OrganisationRow]

    @property
    def total(self) -> Tally:
        return self.score.total


def round_dashboard(monitoring_round: MonitoringRound) -> RoundDashboard:
    norm_version = monitoring_round.norm_version
    score = round_score(monitoring_round)
    ambitions = list(
        norm_version.requirements.filter(parent__isnull=True)
        .select_related("theme")
        .order_by("order")
    )
    themes = list(norm_version.themes.order_by("order"))
    theme_rows = [
        ThemeRow(
            theme=theme,
            tally=score.by_theme.get(theme.code, Tally()),
            ambitions=[a for a in ambitions if a.theme_id == theme.pk],
        )
        for theme in themes
    ]
    organisations = list(
        Organisation.objects.filter(assessments__round=monitoring_round).order_by("type", "name")
    )
    rows = []
    for organisation in organisations:
        organisation_score = score.by_organisation.get(organisation.code)
        cells = [
            HeatmapCell(
                requirement=ambition,
                outcome=organisation_score.items.get(ambition.code) if organisation_score else None,
            )
            for ambition in ambitions
        ]
        rows.append(OrganisationRow(organisation, organisation_score, cells))
    return RoundDashboard(monitoring_round, score, ambitions, theme_rows, rows)
