"""A round as tables: one row per organisation and item, and a summary. The XLSX, ODS and CSV
exports all write these same tables, so they cannot disagree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from normmonitor.assessments.models import Answer
from normmonitor.assessments.selectors import round_score
from normmonitor.dashboard.selectors import STATUS_LABELS
from normmonitor.organisations.models import Organisation
from normmonitor.rounds.models import MonitoringRound
from normmonitor.scoring import percent_value

Cell = str | int | float | date | datetime | None
Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class Table:
    name: str  # sheet name
    columns: list[str]
    rows: list[list[Cell]]


def _percent(fraction: Any) -> float | None:
    """A percentage as a number with one decimal (83.2), for spreadsheets."""
    return None if fraction is None else float(percent_value(fraction, 1))


def _status_label(status: str, outcome: Any) -> str:
    partial = status == "not_achieved" and outcome.score is not None and outcome.score > 0
    return str(STATUS_LABELS.get("partial" if partial else status, status))


def answers_table(monitoring_round: MonitoringRound, progress: Progress | None = None) -> Table:
    """Every organisation × every item that applies to it, derived items included."""
    score = round_score(monitoring_round)
    requirements = list(
        monitoring_round.norm_version.requirements.select_related("theme").order_by("order")
    )
    organisations = list(
        Organisation.objects.filter(assessments__round=monitoring_round).order_by("type", "name")
    )
    answers = {
        (answer.assessment.organisation_id, answer.requirement_id): answer
        for answer in Answer.objects.filter(assessment__round=monitoring_round).select_related(
            "assessment", "level", "updated_by"
        )
    }
    columns = [
        _("Round"),
        _("Organisation code"),
        _("Organisation"),
        _("Type"),
        _("Theme"),
        _("Item"),
        _("Kind"),
        _("Item text"),
        _("Outcome"),
        _("Rating code"),
        _("Rating"),
        _("Sub-items achieved"),
        _("Sub-items applicable"),
        _("Explanation"),
        _("Planned date"),
        _("Owner"),
        _("Last done on"),
        _("Carried over, to confirm"),
        _("Version"),
        _("Last saved"),
    ]
    rows: list[list[Cell]] = []
    for number, organisation in enumerate(organisations, start=1):
        organisation_score = score.by_organisation.get(organisation.code)
        for requirement in requirements:
            if organisation.type not in requirement.applies_to:
                continue
            outcome = organisation_score.items.get(requirement.code) if organisation_score else None
            answer = answers.get((organisation.pk, requirement.pk))
            rows.append(
                [
                    monitoring_round.key,
                    organisation.code,
                    organisation.name,
                    str(organisation.get_type_display()),
                    requirement.theme.code,
                    requirement.label,
                    str(requirement.get_kind_display()),
                    requirement.text,
                    _status_label(outcome.status, outcome) if outcome else "",
                    answer.level.code if answer and answer.level_id else None,
                    answer.level.label if answer and answer.level_id else None,
                    outcome.achieved_children if outcome and requirement.derived else None,
                    outcome.applicable_children if outcome and requirement.derived else None,
                    answer.explanation if answer else None,
                    answer.planned_date if answer else None,
                    answer.owner if answer else None,
                    answer.last_done_on if answer else None,
                    (_("yes") if answer.carried_over else _("no")) if answer else None,
                    answer.version if answer else None,
                    timezone.localtime(answer.updated_at).replace(tzinfo=None) if answer else None,
                ]
            )
        if progress:
            progress(10 + 50 * number // max(len(organisations), 1), _("Collecting the answers"))
    return Table(_("Answers"), columns, rows)


def summary_table(monitoring_round: MonitoringRound) -> Table:
    """Per organisation, then per theme, then the region: the figures of the dashboard."""
    score = round_score(monitoring_round)
    organisations = {
        o.code: o for o in Organisation.objects.filter(assessments__round=monitoring_round)
    }
    themes = {t.code: t.title for t in monitoring_round.norm_version.themes.all()}
    columns = [
        _("Level"),
        _("Code"),
        _("Name"),
        _("Achieved"),
        _("Applicable"),
        _("Achieved (%)"),
        _("Weighted (%)"),
        _("Answered (%)"),
    ]

    def line(level: str, code: str, name: str, tally: Any) -> list[Cell]:
        return [
            level,
            code,
            name,
            tally.achieved,
            tally.applicable,
            _percent(tally.percentage),
            _percent(tally.weighted_percentage),
            _percent(tally.completeness),
        ]

    rows: list[list[Cell]] = []
    ordered = sorted(
        score.by_organisation.items(),
        key=lambda item: (organisations[item[0]].type, organisations[item[0]].name),
    )
    for code, organisation_score in ordered:
        rows.append(
            line(_("organisation"), code, organisations[code].name, organisation_score.total)
        )
    for code, tally in score.by_theme.items():
        rows.append(line(_("theme"), code, themes.get(code, ""), tally))
    rows.append(
        line(_("region"), monitoring_round.region.key, monitoring_round.region.name, score.total)
    )
    return Table(_("Summary"), columns, rows)


def round_tables(
    monitoring_round: MonitoringRound, progress: Progress | None = None
) -> list[Table]:
    return [summary_table(monitoring_round), answers_table(monitoring_round, progress)]
