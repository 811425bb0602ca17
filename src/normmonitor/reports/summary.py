"""The short summary in Dutch that opens each report, generated from its figures.

The reports go to Dutch councils and the Provinciale Staten, so the summary is written in Dutch
whatever the interface language (the headings around it are translated as usual). Pure
functions: they read the report content and return paragraphs; no database, no Django.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING

from normmonitor.scoring import as_percent, percent_value

if TYPE_CHECKING:
    from .content import OrganisationReport, RegionReport

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)

# Dutch plurals of the organisation types (organisations/types.py has the singular).
TYPE_PLURALS = {
    "gemeente": "gemeenten",
    "provincie": "provincies",
    "waterschap": "waterschappen",
    "politie": "politie-eenheden",
    "om": "parketten",
    "belastingdienst": "belastingdienstkantoren",
    "riec": "RIEC's",
    "overig": "organisaties",
}


def datum(day: date) -> str:
    """1 april 2023."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def maand(day: date) -> str:
    """april 2023."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def procent(fraction: Fraction | None) -> str:
    return as_percent(fraction, 0, decimal_separator=",", missing="—")


def aantal(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


def opsomming(items: list[str]) -> str:
    """a, b en c."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} en {items[-1]}"


def procentpunten(difference: Fraction) -> str:
    points = abs(percent_value(difference, 0))
    return f"{points} procentpunt"


def _change(now: Fraction | None, before: Fraction | None) -> str | None:
    if now is None or before is None:
        return None
    if percent_value(now - before, 0) == 0:
        return "gelijk gebleven"
    word = "een stijging" if now > before else "een daling"
    return f"{word} van {procentpunten(now - before)}"


def organisation_summary(report: OrganisationReport) -> list[str]:
    name = report.organisation.name
    meta = report.meta
    total = report.total
    paragraphs = []

    first = (
        f"{name} heeft in de ronde {meta.round_name} (peildatum {datum(meta.reference_date)}) "
        f"{total.achieved} van de {total.applicable} ambities behaald "
        f"({procent(total.percentage)})."
    )
    unanswered = total.applicable - total.answered
    if unanswered:
        first += (
            f" {aantal(unanswered, 'ambitie is', 'ambities zijn')} nog niet beantwoord; "
            "die tellen als niet behaald."
        )
    previous = report.trend[-2] if len(report.trend) >= 2 else None
    if previous is not None:
        change = _change(total.percentage, previous.figure.percentage)
        first += (
            f" In de vorige ronde ({previous.round_name}) was dat "
            f"{procent(previous.figure.percentage)}"
            + (f": {change}." if change and change != "gelijk gebleven" else "; dat is gelijk.")
        )
    paragraphs.append(first)

    position = report.position
    region = (
        f"Voor de regio {meta.region_name} als geheel is {procent(position.region.percentage)} "
        "van de ambities behaald."
    )
    if position.rank is not None:
        plural = TYPE_PLURALS.get(report.organisation.type, "organisaties")
        region += (
            f" Van de {position.peers} {plural} in de regio staat {name} op plaats {position.rank}"
        )
        tied = sum(1 for p in position.peer_percentages if p == total.percentage)
        region += f", gedeeld met {tied} andere." if tied else "."

    paragraphs.append(region)

    themes = [line for line in report.themes if line.figure.percentage is not None]
    if len(themes) >= 2:
        best = max(themes, key=lambda line: line.figure.percentage)
        worst = min(themes, key=lambda line: line.figure.percentage)
        if best.figure.percentage != worst.figure.percentage:
            paragraphs.append(
                f"Het hoogst scoort thema {best.code} ({best.title}, "
                f"{procent(best.figure.percentage)}); de meeste ambities staan open in thema "
                f"{worst.code} ({worst.title}, {procent(worst.figure.percentage)})."
            )

    open_lines = report.open_ambitions
    if open_lines:
        text = f"Nog niet behaald: {opsomming([line.label for line in open_lines])}."
        planned = [line for line in open_lines if line.planned_date]
        if planned:
            last = max(line.planned_date for line in planned if line.planned_date)
            text += (
                f" Voor {len(planned)} daarvan is een datum gepland; de laatste is {datum(last)}."
            )
        paragraphs.append(text)
    elif total.applicable:
        paragraphs.append("Alle ambities zijn behaald.")

    regressed = [d.label for d in report.deviations if d.kind == "regressed"]
    if regressed:
        paragraphs.append(
            f"Let op: {aantal(len(regressed), 'ambitie die', 'ambities die')} in de vorige "
            f"ronde behaald {'was' if len(regressed) == 1 else 'waren'}, "
            f"{'is' if len(regressed) == 1 else 'zijn'} dat nu niet meer: "
            f"{opsomming(regressed)}."
        )
    return paragraphs


def region_summary(report: RegionReport) -> list[str]:
    meta = report.meta
    total = report.total
    organisations = report.organisations
    paragraphs = []

    first = (
        f"In de ronde {meta.round_name} (peildatum {datum(meta.reference_date)}) hebben de "
        f"{aantal(len(organisations), 'deelnemende organisatie', 'deelnemende organisaties')} "
        f"in {meta.region_name} samen {total.achieved} van de {total.applicable} ambities "
        f"behaald ({procent(total.percentage)})."
    )
    if report.mean_of_organisations is not None and percent_value(
        report.mean_of_organisations
    ) != percent_value(total.percentage or Fraction(0)):
        first += (
            " Het gemiddelde van de percentages per organisatie is "
            f"{procent(report.mean_of_organisations)}."
        )
    if total.completeness is not None and total.completeness < 1:
        first += (
            f" Van de ambities is {procent(total.completeness)} beantwoord; wat nog open staat, "
            "telt als niet behaald."
        )
    paragraphs.append(first)

    scored = [line for line in organisations if line.figure.percentage is not None]
    if scored:
        complete = [line.name for line in organisations if line.complete]
        if complete:
            text = (
                f"{len(complete)} van de {len(organisations)} organisaties "
                f"{'heeft' if len(complete) == 1 else 'hebben'} alle ambities behaald "
                f"({opsomming(complete)})."
            )
        else:
            text = f"Geen van de {len(organisations)} organisaties heeft alle ambities behaald."

        best = max(scored, key=lambda line: line.figure.percentage)
        worst = min(scored, key=lambda line: line.figure.percentage)
        if best.figure.percentage != worst.figure.percentage:
            text += (
                f" Het hoogst scoort {best.name} ({procent(best.figure.percentage)}), het "
                f"laagst {worst.name} ({procent(worst.figure.percentage)})."
            )
        paragraphs.append(text)

    themes = [line for line in report.themes if line.figure.percentage is not None]
    if len(themes) >= 2:
        worst_theme = min(themes, key=lambda line: line.figure.percentage)
        paragraphs.append(
            f"De meeste ambities staan open in thema {worst_theme.code} ({worst_theme.title}): "
            f"{worst_theme.figure.achieved} van de {worst_theme.figure.applicable} behaald "
            f"({procent(worst_theme.figure.percentage)})."
        )

    if len(report.trend) >= 2:
        first_point = report.trend[0]
        change = _change(total.percentage, first_point.figure.percentage)
        paragraphs.append(
            f"Bij de eerste meting ({first_point.round_name}, {datum(first_point.reference_date)}) "
            f"was dit {procent(first_point.figure.percentage)}"
            + (f": {change}." if change and change != "gelijk gebleven" else "; dat is gelijk.")
        )

    target = report.target
    if target.target_date is not None:
        if target.passed:
            text = (
                f"De streefdatum van {datum(target.target_date)}, waarop alle organisaties de "
                "norm zouden moeten hebben ingevoerd, is verstreken."
            )
        else:
            text = (
                f"De streefdatum is {datum(target.target_date)}, "
                f"{aantal(target.days_left or 0, 'dag', 'dagen')} na de peildatum."
            )
        if target.percentage is not None and target.percentage >= 1:
            text += " Alle ambities zijn behaald."
        elif target.projected_date is not None and target.change_per_year is not None:
            text += (
                f" Bij het tempo tot nu toe (ongeveer {procentpunten(target.change_per_year)} "
                f"per jaar) is 100% rond {maand(target.projected_date)} bereikt"
                + (
                    ", na de streefdatum."
                    if target.projected_date > target.target_date
                    else ", vóór de streefdatum."
                )
            )
        elif target.change_per_year is not None:
            text += " Het percentage stijgt niet; bij dit tempo wordt 100% niet bereikt."
        paragraphs.append(text)
    return paragraphs
