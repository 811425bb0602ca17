"""The JSON export of a whole installation and its import into an empty one."""

import hashlib
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from normmonitor.assessments.models import Answer
from normmonitor.assessments.selectors import round_scores_as_json
from normmonitor.audit.models import AuditEvent
from normmonitor.evidence.models import Evidence
from normmonitor.norms.mapping import FLEVOLANDSE_MAPPING_PATH, FLEVOLANDSE_NORM_2_PATH
from normmonitor.norms.models import Norm, NormMapping
from normmonitor.norms.services import load_mapping_file, load_norm_file
from normmonitor.organisations.models import Organisation
from normmonitor.reports.exports import installation
from normmonitor.rounds.models import MonitoringRound

from .conftest import ALMERE

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
