"""The region's picture of one round, built once for the dashboard page (and later reports)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from normmonitor.access.policy import grants_for
from normmonitor.assessments.models import Assessment
from normmonitor.assessments.selectors import round_score
from normmonitor.core.pagination import PAGE_SIZE
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
class WeakPoint:
    """An ambition that some organisations have not (fully) achieved: the heatmap as text."""

    ambition: Requirement
    not_achieved: list[Organisation]
    partial: list[Organisation]


@dataclass(frozen=True)
class RoundDashboard:
    """The round's figures; ``organisations`` holds the rows of one page of organisations when
    the region is too large for one screen (``page``), else every row."""

    round: MonitoringRound
    score: RegionScore
    ambitions: list[Requirement]
    themes: list[ThemeRow]
    organisations: list[OrganisationRow]
    page: Page | None = None

    @property
    def organisation_count(self) -> int:
        return self.page.paginator.count if self.page else len(self.organisations)

    @property
    def total(self) -> Tally:
        return self.score.total

    @property
    def weak_points(self) -> list[WeakPoint]:
        """Per ambition, the organisations that did not or only partly achieve it, for the
        heatmap's text alternative. Ambitions every organisation achieved are left out."""
        points = []
        for index, ambition in enumerate(self.ambitions):
            cells = [(row.organisation, row.cells[index]) for row in self.organisations]
            missing = [org for org, cell in cells if cell.css == "not-achieved"]
            partial = [org for org, cell in cells if cell.css == "partial"]
            if missing or partial:
                points.append(WeakPoint(ambition, missing, partial))
        return points


@dataclass(frozen=True)
class RoundLink:
    """A round in a list, with the page this user may open for it (or none)."""

    round: MonitoringRound
    url: str | None


def round_links(user: Any, rounds: Iterable[MonitoringRound]) -> list[RoundLink]:
    """Link each round to the region's dashboard when the user may see it, else to the user's
    own organisation's assessment in that round (one query for all rounds)."""
    rounds = list(rounds)
    members = grants_for(user).member_organisations
    own: dict[int, Assessment] = {}
    if members:
        for assessment in (
            Assessment.objects.filter(round__in=rounds, organisation__in=members)
            .select_related("organisation")
            .order_by("organisation__name")
        ):
            own.setdefault(assessment.round_id, assessment)
    links = []
    for monitoring_round in rounds:
        url = None
        if user.has_perm("rounds.view_dashboard", monitoring_round):
            url = reverse("dashboard:round", args=[monitoring_round.key])
        elif monitoring_round.pk in own:
            assessment = own[monitoring_round.pk]
            url = reverse(
                "assessments:detail", args=[monitoring_round.key, assessment.organisation.code]
            )
        links.append(RoundLink(monitoring_round, url))
    return links


def round_dashboard(
    monitoring_round: MonitoringRound, page: int | None = None, page_size: int = PAGE_SIZE
) -> RoundDashboard:
    """The dashboard of a round; with ``page``, the organisation rows of that page only (a page
    past the end gives the last)."""
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
    organisations: list[Organisation] = list(
        Organisation.objects.filter(assessments__round=monitoring_round).order_by("type", "name")
    )
    shown = None
    if page is not None:
        shown = Paginator(organisations, page_size).get_page(page)
        organisations = list(shown.object_list)
    rows = []
    for organisation in organisations:
        organisation_score = score.by_organisation.get(organisation.code)
        items = organisation_score.items if organisation_score else {}
        cells = [HeatmapCell(ambition, items.get(ambition.code)) for ambition in ambitions]
        rows.append(OrganisationRow(organisation, organisation_score, cells))
    return RoundDashboard(monitoring_round, score, ambitions, theme_rows, rows, shown)
