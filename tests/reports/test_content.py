"""The report content: built once from the same selectors as the dashboard."""

from datetime import date
from fractions import Fraction

import pytest

from normmonitor.assessments.selectors import round_scores_as_json
from normmonitor.organisations.models import Organisation
from normmonitor.reports import content, summary
from normmonitor.reports.content import Figure, OrganisationLine, target_progress

from .conftest import ALMERE, LELYSTAD, URK

pytestmark = pytest.mark.django_db


def test_organisation_report_matches_the_score_command(scored_round):
    report = content.organisation_report(scored_round, Organisation.objects.get(code=ALMERE))
    figures = round_scores_as_json(scored_round, ALMERE)["organisations"][ALMERE]
    assert (report.total.achieved, report.total.applicable) == (20, 22)
    assert report.total.percent == figures["total"]["percentage_rounded"] == "91%"
    assert {line.code: line.figure.achieved for line in report.themes} == {
        code: tally["achieved"] for code, tally in figures["by_theme"].items()
    }
    open_codes = [line.code for line in report.open_ambitions]
    assert open_codes == ["3.10", "4.2"]
    line = next(line for line in report.ambitions if line.code == "4.2")
    assert line.planned_date == date(2023, 3, 1)
    assert line.owner == "Beleidsadviseur OOV"
    assert line.status.key == "not_achieved" and line.status.symbol == "✗"
    partial = next(line for line in report.ambitions if line.code == "3.10")
    assert partial.status.key == "partial" and partial.status.symbol == "½"
    # 4.2 applies to the six municipalities and the province; only Almere misses it.
    assert (line.region_achieved, line.region_applicable) == (6, 7)


def test_organisation_report_shows_the_region_without_naming_others(scored_round):
    report = content.organisation_report(scored_round, Organisation.objects.get(code=URK))
    position = report.position
    assert position.peers == 6  # the municipalities; the province is another type
    assert position.rank == 4  # Urk 21/22 ties Lelystad (3.9 open), behind three at 22/22
    assert len(position.peer_percentages) == 5
    assert report.position.region.achieved == 143 - 4
    # Nothing of another organisation's answers: no explanation, no name.
    text = repr(report)
    assert "Half klaar" not in text and "Almere" not in text


def test_trend_and_deviations_use_the_earlier_round(scored_round, earlier_round):
    report = content.organisation_report(scored_round, Organisation.objects.get(code=URK))
    assert [point.round_key for point in report.trend] == ["flevoland-2021", "flevoland-test"]
    kinds = {(d.code, d.kind) for d in report.deviations}
    assert ("1.2", "regressed") in kinds  # achieved in 2021, not now
    assert any(kind == "improved" for _code, kind in kinds)
    assert report.deviations[0].kind == "regressed"  # most serious first


def test_behind_the_region(scored_round):
    report = content.organisation_report(scored_round, Organisation.objects.get(code=ALMERE))
    behind = {d.code for d in report.deviations if d.kind == "behind_region"}
    assert behind == {"3.10", "4.2"}


def test_region_report(scored_round, earlier_round):
    report = content.region_report(scored_round)
    assert len(report.organisations) == 7
    assert all(len(line.cells) == 22 for line in report.organisations)
    assert report.total.achieved == 143 - 4
    assert report.total.applicable == 143
    assert [point.round_key for point in report.trend] == ["flevoland-2021", "flevoland-test"]
    assert set(report.trend[-1].by_organisation) == {line.code for line in report.organisations}
    target = report.target
    assert target.target_date == date(2022, 6, 30)
    assert target.passed  # the round's reference date is October 2022
    assert target.organisations_complete == 4  # Dronten, Noordoostpolder, Zeewolde, province
    assert target.change_per_year is not None and target.change_per_year > 0
    assert target.projected_date is not None and target.projected_date > date(2022, 10, 1)
    assert report.attribution == "Grenzen: © CBS / PDOK, vereenvoudigd"


def test_summaries_are_dutch_and_follow_the_figures(scored_round, earlier_round):
    almere = content.organisation_report(scored_round, Organisation.objects.get(code=ALMERE))
    text = " ".join(almere.summary)
    assert "Almere heeft in de ronde Flevoland test (peildatum 1 oktober 2022) 20 van de 22" in text
    assert "(91%)" in text
    assert "Nog niet behaald: 3.10 en 4.2." in text
    region = " ".join(content.region_report(scored_round).summary)
    assert "samen 139 van de 143 ambities behaald (97%)" in region
    assert "De streefdatum van 30 juni 2022" in region and "is verstreken" in region
    assert "4 van de 7 organisaties hebben alle ambities behaald" in region


def test_lelystad_unanswered_is_mentioned(scored_round):
    report = content.organisation_report(scored_round, Organisation.objects.get(code=LELYSTAD))
    assert "1 ambitie is nog niet beantwoord" in report.summary[0]


def _line(code: str, achieved: int, applicable: int) -> OrganisationLine:
    return OrganisationLine(
        code,
        code,
        "gemeente",
        "Gemeente",
        code,
        Figure(achieved=achieved, applicable=applicable),
        [],
    )


def test_target_progress_projects_a_straight_line():
    progress = target_progress(
        date(2022, 6, 30),
        date(2023, 1, 1),
        [_line("a", 10, 10), _line("b", 5, 10)],
        [(date(2022, 1, 1), Fraction(1, 2)), (date(2023, 1, 1), Fraction(3, 4))],
    )
    assert progress.organisations_complete == 1
    assert progress.days_left == -185 and progress.passed
    assert progress.change_per_year == Fraction(1, 4)
    assert progress.projected_date == date(2024, 1, 1)


def test_target_progress_without_rise_has_no_projection():
    flat = [(date(2022, 1, 1), Fraction(1, 2)), (date(2023, 1, 1), Fraction(1, 2))]
    progress = target_progress(None, date(2023, 1, 1), [], flat)
    assert progress.projected_date is None and progress.change_per_year == 0
    assert progress.days_left is None and not progress.passed


@pytest.mark.parametrize(
    ("fraction", "text"),
    [(Fraction(33, 40), "83%"), (Fraction(119, 143), "83%"), (None, "—"), (Fraction(1), "100%")],
)
def test_dutch_percentages_round_half_up(fraction, text):
    assert summary.procent(fraction) == text


def test_dutch_helpers():
    assert summary.datum(date(2022, 6, 30)) == "30 juni 2022"
    assert summary.maand(date(2023, 9, 1)) == "september 2023"
    assert summary.opsomming(["a"]) == "a"
    assert summary.opsomming(["a", "b", "c"]) == "a, b en c"
    assert summary.aantal(1, "ambitie", "ambities") == "1 ambitie"
    assert summary.aantal(2, "ambitie", "ambities") == "2 ambities"


def test_open_actions_come_from_the_actions_app(scored_round):
    from normmonitor.actions.models import Action, ActionStatus

    almere = Organisation.objects.get(code=ALMERE)
    requirement = scored_round.norm_version.requirements.get(code="4.2")
    Action.objects.create(
        organisation=almere,
        requirement=requirement,
        description="Screening inrichten",
        owner="HR",
        due_date=date(2020, 1, 1),
        status=ActionStatus.OPEN,
    )
    Action.objects.create(
        organisation=almere, requirement=requirement, description="Klaar", status=ActionStatus.DONE
    )
    report = content.organisation_report(scored_round, almere)
    assert [(a.title, a.requirement, a.overdue) for a in report.actions] == [
        ("Screening inrichten", "4.2", True)
    ]


def test_waterbed_sections_from_the_analysis_app(scored_round):
    region = content.region_report(scored_round)
    assert region.waterbed is not None
    urk = [spot for spot in region.waterbed.weak_spots if spot.organisation == "Urk"]
    assert [spot.item for spot in urk] == ["1.2"]
    assert urk[0].holders  # the region report names the neighbours that have it
    assert {line.code for line in region.waterbed.exposure} >= {URK}
    organisation = content.organisation_report(scored_round, Organisation.objects.get(code=URK))
    assert organisation.waterbed.exposure.code == URK
    spot = organisation.waterbed.weak_spots[0]
    assert spot.item == "1.2" and spot.holders == () and spot.holders_count >= 1


def test_without_the_analysis_app_the_sections_are_left_out(scored_round, monkeypatch):
    from normmonitor.reports import integrations

    monkeypatch.setattr(integrations, "_selector", lambda module, name: None)
    assert content.region_report(scored_round).waterbed is None
    urk = content.organisation_report(scored_round, Organisation.objects.get(code=URK))
    assert urk.waterbed is None
