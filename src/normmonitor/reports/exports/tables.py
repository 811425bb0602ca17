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
from normmonitor.norms.models import Requirement
from normmonitor.organisations.models import Organisation, OrganisationType
from normmonitor.rounds.models import MonitoringRound
from normmonitor.scoring import RegionScore, percent_value

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


def _status_labels() -> dict[str, str]:
    """The outcome labels in the active language, translated once per export (not per row)."""
    return {key: str(label) for key, label in STATUS_LABELS.items()}


def _status_label(outcome: Any, labels: dict[str, str]) -> str:
    partial = outcome.status == "not_achieved" and outcome.score is not None and outcome.score > 0
    status = "partial" if partial else outcome.status
    return labels.get(status, status)


ANSWER_FIELDS = (
    "assessment__organisation_id",
    "requirement_id",
    "level__code",
    "level__label",
    "explanation",
    "planned_date",
    "owner",
    "last_done_on",
    "carried_over",
    "version",
    "updated_at",
)


def answers_table(
    monitoring_round: MonitoringRound,
    progress: Progress | None = None,
    *,
    score: RegionScore | None = None,
) -> Table:
    """Every organisation × every item that applies to it, derived items included.

    A national round has tens of thousands of rows: the answers are read as plain tuples in one
    query, and every label (type, kind, outcome) is translated once, not once per row."""
    if score is None:
        score = round_score(monitoring_round)
    kinds = {value: str(label) for value, label in Requirement.Kind.choices}
    types = {value: str(label) for value, label in OrganisationType.choices}
    statuses = _status_labels()
    requirements = list(
        monitoring_round.norm_version.requirements.order_by("order").values_list(
            "pk", "code", "label", "kind", "text", "derived", "applies_to", "theme__code"
        )
    )
    organisations = list(
        Organisation.objects.filter(assessments__round=monitoring_round)
        .order_by("type", "name")
        .values_list("pk", "code", "name", "type")
    )
    answers = {
        (row[0], row[1]): row[2:]
        for row in Answer.objects.filter(assessment__round=monitoring_round)
        .order_by()
        .values_list(*ANSWER_FIELDS)
    }
    yes, no = _("yes"), _("no")
    local = timezone.get_current_timezone()
    key = monitoring_round.key
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
    no_answer = (None,) * (len(ANSWER_FIELDS) - 2)
    rows: list[list[Cell]] = []
    append = rows.append
    for number, (org_pk, code, name, org_type) in enumerate(organisations, start=1):
        organisation_score = score.by_organisation.get(code)
        outcomes = organisation_score.items if organisation_score else {}
        type_label = types.get(org_type, org_type)
        for req_pk, req_code, label, kind, text, derived, applies_to, theme in requirements:
            if org_type not in applies_to:
                continue
            outcome = outcomes.get(req_code)
            answer = answers.get((org_pk, req_pk))
            (
                level_code,
                level_label,
                explanation,
                planned,
                owner,
                last_done,
                carried,
                version,
                updated,
            ) = answer if answer is not None else no_answer
            append(
                [
                    key,
                    code,
                    name,
                    type_label,
                    theme,
                    label,
                    kinds.get(kind, kind),
                    text,
                    _status_label(outcome, statuses) if outcome else "",
                    level_code,
                    level_label,
                    outcome.achieved_children if outcome and derived else None,
                    outcome.applicable_children if outcome and derived else None,
                    explanation,
                    planned,
                    owner,
                    last_done,
                    None if answer is None else (yes if carried else no),
                    version,
                    None if updated is None else updated.astimezone(local).replace(tzinfo=None),
                ]
            )
        if progress:
            progress(10 + 50 * number // max(len(organisations), 1), _("Collecting the answers"))
    return Table(_("Answers"), columns, rows)


def summary_table(monitoring_round: MonitoringRound, *, score: RegionScore | None = None) -> Table:
    """Per organisation, then per theme, then the region: the figures of the dashboard."""
    if score is None:
        score = round_score(monitoring_round)
    organisations = {
        code: (org_type, name)
        for code, org_type, name in Organisation.objects.filter(
            assessments__round=monitoring_round
        ).values_list("code", "type", "name")
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
        key=lambda item: organisations[item[0]],
    )
    for code, organisation_score in ordered:
        rows.append(line(_("organisation"), code, organisations[code][1], organisation_score.total))
    for code, tally in score.by_theme.items():
        rows.append(line(_("theme"), code, themes.get(code, ""), tally))
    rows.append(
        line(_("region"), monitoring_round.region.key, monitoring_round.region.name, score.total)
    )
    return Table(_("Summary"), columns, rows)


def round_tables(
    monitoring_round: MonitoringRound, progress: Progress | None = None
) -> list[Table]:
    """Both sheets from one scoring of the round (scoring a national round is the costly part)."""
    score = round_score(monitoring_round)
    return [
        summary_table(monitoring_round, score=score),
        answers_table(monitoring_round, progress, score=score),
    ]
