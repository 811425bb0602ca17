"""``normmonitor bench-data`` builds a consistent synthetic installation."""

import pytest
from django.core.management import CommandError, call_command

from normmonitor.access.models import Membership
from normmonitor.assessments.models import Answer, Assessment
from normmonitor.benchdata.norm import synthetic_norm
from normmonitor.organisations.models import Neighbour, Organisation, Region
from normmonitor.rounds.models import MonitoringRound
from normmonitor.scoring import score_region

pytestmark = pytest.mark.django_db


def test_synthetic_norm_is_valid_and_clearly_synthetic():
    document = synthetic_norm(60)
    assert len(document.ambitions) == 60
    assert set(document.organisation_types) == {"gemeente", "provincie", "waterschap"}
    assert all("ynthetis" in a.text for a in document.ambitions)
    assert any(a.derived for a in document.ambitions)


def test_bench_data_builds_regions_rounds_and_answers(capsys):
    call_command("bench-data", "--organisations", "9", "--rounds", "2")
    assert "9 organisations" in capsys.readouterr().out
    # Flevoland first: its province, six municipalities, its water board, then the next province.
    flevoland = Region.objects.get(key="flevoland")
    assert flevoland.members.count() == 8
    assert set(Organisation.objects.values_list("type", flat=True)) == {
        "provincie",
        "gemeente",
        "waterschap",
    }
    assert Neighbour.objects.filter(organisation__code="GM0034").exists()
    national = Region.objects.get(key="nederland")
    assert national.members.count() == 9
    assert MonitoringRound.objects.filter(state="open").count() == Region.objects.count()
    open_round = MonitoringRound.objects.get(region=flevoland, state="open")
    assert open_round.previous is not None
    # The Flevolandse Norm addresses municipalities and the province: the region of 7.
    assert Assessment.objects.filter(round=open_round).count() == 7
    assert Answer.objects.filter(assessment__round=open_round).count() == 6 * 36 + 13
    assert Membership.objects.filter(role="editor").count() == 9
    # The answers are consistent with the scoring rules (no level on a derived item, etc.).
    from normmonitor.assessments.selectors import norm_model, round_ratings

    score = score_region(norm_model(open_round.norm_version), round_ratings(open_round))
    assert score.total.applicable > 0


def test_bench_data_refuses_a_database_with_data(region):
    with pytest.raises(CommandError, match="--flush"):
        call_command("bench-data", "--organisations", "7", "--rounds", "1")
