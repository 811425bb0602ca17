"""The JSON export of a whole installation and its import into an empty one."""

import hashlib
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from normmonitor.assessments.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    DeviationStatus,
    ReviewStatus,
)
from normmonitor.assessments.selectors import round_scores_as_json
from normmonitor.audit.models import AuditEvent
from normmonitor.evidence.models import Evidence
from normmonitor.norms.mapping import FLEVOLANDSE_MAPPING_PATH, FLEVOLANDSE_NORM_2_PATH
from normmonitor.norms.models import Norm, NormMapping
from normmonitor.norms.services import load_mapping_file, load_norm_file
from normmonitor.organisations.models import Organisation
from normmonitor.reports.exports import installation
from normmonitor.rounds import services as round_services
from normmonitor.rounds.models import MonitoringRound, RoundSnapshot, RoundState

from .conftest import ALMERE, rate_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_installation(scored_round, earlier_round):
    """Two rounds, neighbours, a target date, a second norm version with a mapping, evidence."""
    load_norm_file(FLEVOLANDSE_NORM_2_PATH)
    load_mapping_file(FLEVOLANDSE_MAPPING_PATH)
    MonitoringRound.objects.filter(pk=scored_round.pk).update(previous=earlier_round)
    answer = Answer.objects.get(
        assessment__round=scored_round,
        assessment__organisation__code=ALMERE,
        requirement__code="1.1",
    )
    first = Evidence.objects.create(
        answer=answer,
        name="plan.pdf",
        kind="pdf",
        content_type="application/pdf",
        size=3,
        sha256=hashlib.sha256(b"one").hexdigest(),
        uploaded_by_name="almere",
    )
    Evidence.objects.create(
        answer=answer,
        name="plan-v2.pdf",
        kind="pdf",
        content_type="application/pdf",
        size=3,
        sha256=hashlib.sha256(b"two").hexdigest(),
        uploaded_by_name="almere",
        replaces=first,
    )
    Organisation.objects.filter(code=ALMERE).update(contact_name="A. Almere")
    return scored_round


def _scores() -> dict:
    return {r.key: round_scores_as_json(r) for r in MonitoringRound.objects.order_by("key")}


def _wipe() -> None:
    # A fresh database: everything goes, as in a new installation. PostgreSQL refuses to
    # truncate tables with deferred constraint checks pending, so those run first.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)


def test_export_import_export_is_identical_with_the_same_scores(full_installation):
    first = installation.dumps(installation.export_installation())
    scores = _scores()
    data = json.loads(first)
    assert {
        "norms",
        "norm_mappings",
        "organisations",
        "regions",
        "neighbours",
        "rounds",
        "evidence",
    } <= set(data)
    assert len(data["norms"][0]["versions"]) == 2 and len(data["norm_mappings"]) == 1
    assert len(data["evidence"]) == 2 and data["evidence"][1]["replaces"] == 0
    assert "password" not in first.decode() and "coordinator" not in first.decode()

    _wipe()
    assert installation.installation_is_empty()
    result = installation.import_installation(json.loads(first))
    assert result.rounds == 2 and result.evidence == 2
    assert any("evidence files" in warning for warning in result.warnings)
    second = installation.dumps(installation.export_installation())
    assert second == first
    assert _scores() == scores
    assert AuditEvent.objects.filter(name="installation.imported").count() == 1
    assert NormMapping.objects.count() == 1


def test_import_refuses_a_non_empty_installation(full_installation):
    data = installation.export_installation()
    with pytest.raises(installation.ImportRefused, match="empty installation"):
        installation.import_installation(data)


def test_validation_names_every_problem_with_its_path(full_installation):
    data = installation.export_installation()
    data["rounds"][0]["assessments"][0]["answers"][0]["level"] = "misschien"
    data["rounds"][1]["region"] = "elders"
    data["regions"][0]["members"].append("GM9999")
    data["norms"][0]["versions"][0]["content_hash"] = "0" * 64
    problems = installation.validate(data)
    assert any("$.rounds[0].assessments[0].answers[0].level" in p for p in problems)
    assert any("$.rounds[1].region" in p for p in problems)
    assert any("GM9999" in p for p in problems)
    assert any("content hash" in p for p in problems)
    assert installation.validate({"format": "something-else", "format_version": 1})


def test_import_is_one_transaction(full_installation, monkeypatch):
    data = json.loads(installation.dumps(installation.export_installation()))
    _wipe()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(installation, "_import_evidence", explode)
    with pytest.raises(RuntimeError):
        installation.import_installation(data)
    assert installation.installation_is_empty()
    assert not Norm.objects.exists()


def test_commands(full_installation, tmp_path, capsys):
    path = tmp_path / "export.json"
    call_command("export-json", "-o", str(path))
    with pytest.raises(CommandError, match="not imported"):
        call_command("import-json", str(path))
    _wipe()
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import-json", str(broken))
    call_command("import-json", str(path))
    assert "Imported 2 norm versions, 7 organisations, 1 regions, 2 rounds" in (
        capsys.readouterr().out
    )


@pytest.fixture
def closed_with_deviation(full_installation, norm_version, region):
    """A closed round in which Almere's 1.1 is an accepted deviation (it counts as not
    applicable) and its assessment is approved: both must survive export and import."""
    monitoring_round = round_services.round_create(
        actor=None,
        key="flevoland-2022",
        name="Flevoland 2022",
        region=region,
        norm_version=norm_version,
        reference_date=date(2022, 4, 1),
        deadline=date(2022, 5, 1),
    )
    round_services.round_open(actor=None, monitoring_round=monitoring_round)
    rate_all(monitoring_round, "niet-behaald", "Nog niet.")
    Answer.objects.filter(
        assessment__round=monitoring_round,
        assessment__organisation__code=ALMERE,
        requirement__code="1.1",
    ).update(
        review_status=ReviewStatus.ACCEPTED,
        reviewed_at=timezone.now(),
        deviation_status=DeviationStatus.ACCEPTED,
        deviation_motivation="Geen coffeeshops in de gemeente.",
        deviation_decided_at=timezone.now(),
    )
    Assessment.objects.filter(round=monitoring_round, organisation__code=ALMERE).update(
        status=AssessmentStatus.APPROVED, version=2
    )
    round_services.round_close(actor=None, monitoring_round=monitoring_round)
    return monitoring_round


def _frozen_scores() -> dict:
    return {
        key: snapshot.data["scores"]
        for key, snapshot in (
            (r.key, r.snapshots.order_by("-sequence").first())
            for r in MonitoringRound.objects.filter(state=RoundState.CLOSED)
        )
    }


def test_closed_rounds_get_a_snapshot_on_import_that_verifies(closed_with_deviation, capsys):
    data = json.loads(installation.dumps(installation.export_installation()))
    frozen, scores = _frozen_scores(), _scores()
    assert set(frozen) == {"flevoland-2021", "flevoland-2022"}
    _wipe()
    installation.import_installation(data)

    for key in frozen:
        assert RoundSnapshot.objects.filter(round__key=key).count() == 1
        call_command("round", "verify", key)
        assert f"OK     {key} #1" in capsys.readouterr().out
    # The snapshot made on import holds the figures the one made on closing held, the accepted
    # deviation included, and so do the scores.
    assert _frozen_scores() == frozen
    assert _scores() == scores
    answer = Answer.objects.get(
        assessment__round__key="flevoland-2022",
        assessment__organisation__code=ALMERE,
        requirement__code="1.1",
    )
    assert answer.deviation_status == DeviationStatus.ACCEPTED
    assert answer.deviation_motivation == "Geen coffeeshops in de gemeente."
    assert answer.review_status == ReviewStatus.ACCEPTED
    assert answer.assessment.status == AssessmentStatus.APPROVED
    event = AuditEvent.objects.get(name="installation.imported")
    assert event.data["snapshots"] == {
        snapshot.round.key: snapshot.checksum for snapshot in RoundSnapshot.objects.all()
    }
    # The open round has no snapshot, and a second export is the same file.
    assert not RoundSnapshot.objects.filter(round__state=RoundState.OPEN).exists()
    assert json.loads(installation.dumps(installation.export_installation())) == data


def test_import_keeps_the_exported_moments(full_installation):
    data = json.loads(installation.dumps(installation.export_installation()))
    first = data["rounds"][0]["assessments"][0]
    _wipe()
    installation.import_installation(data)
    answer = Answer.objects.filter(
        assessment__round__key=data["rounds"][0]["key"],
        assessment__organisation__code=first["organisation"],
    ).order_by("requirement__order")[0]
    assert answer.updated_at.isoformat() == first["answers"][0]["updated_at"]
    assert answer.assessment.created_at.isoformat() == first["created_at"]


def test_validation_reports_bad_review_states(full_installation):
    data = installation.export_installation()
    answer = data["rounds"][0]["assessments"][0]["answers"][0]
    answer["review"] = {"status": "maybe", "deviation_status": "accepted", "reviewed_at": "x"}
    data["rounds"][0]["assessments"][0]["status"] = "lost"
    data["rounds"][0]["assessments"][1]["answers"].append(
        dict(data["rounds"][0]["assessments"][1]["answers"][0])
    )
    problems = installation.validate(data)
    assert any("answers[0].review.status" in p for p in problems)
    assert any("answers[0].review.reviewed_at" in p for p in problems)
    assert any("assessments[0].status" in p for p in problems)
    assert any("occurs twice" in p for p in problems)


def test_export_of_selected_rounds_imports_on_its_own(full_installation):
    data = installation.export_installation(round_keys={full_installation.key})
    assert [r["key"] for r in data["rounds"]] == [full_installation.key]
    assert data["rounds"][0]["previous"] is None  # the earlier round is not in the file
    assert len(data["evidence"]) == 2
    _wipe()
    result = installation.import_installation(json.loads(installation.dumps(data)))
    assert result.rounds == 1 and result.evidence == 2
