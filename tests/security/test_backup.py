"""``normmonitor backup`` and ``normmonitor restore``: a round trip into a new, empty
installation (another database and evidence folder, in a separate process) loses nothing — the
same dashboard figures, the same evidence bytes, the same audit events — and a damaged or
misplaced restore is refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from normmonitor.assessments import services as assessment_services
from normmonitor.assessments.models import Answer, Assessment
from normmonitor.assessments.selectors import round_scores_as_json
from normmonitor.audit.models import AuditEvent
from normmonitor.evidence import services as evidence_services
from normmonitor.evidence.models import Evidence
from normmonitor.rounds import services as round_services
from tests.conftest import ALMERE, LELYSTAD
from tests.evidence import samples

# The backup reads committed data, as it does in production (it runs outside a transaction).
pytestmark = pytest.mark.django_db(transaction=True)

READ_BACK = """
import json, django
django.setup()
from pathlib import Path
from normmonitor.audit.models import AuditEvent
from normmonitor.evidence.models import Evidence
from normmonitor.evidence import storage
from normmonitor.rounds.models import MonitoringRound
from normmonitor.assessments.selectors import round_scores_as_json
print(json.dumps({
    "scores": {r.key: round_scores_as_json(r) for r in MonitoringRound.objects.all()},
    "events": [[e.pk, e.name, e.actor_name, e.data] for e in AuditEvent.objects.order_by("pk")],
    "evidence": {
        e.sha256: storage.path_for(e.sha256).read_bytes().hex() for e in Evidence.objects.all()
    },
    "states": {r.key: r.state for r in MonitoringRound.objects.all()},
}))
"""


@pytest.fixture
def installation(users, open_round, norm_version, settings, tmp_path):
    """Data of every kind: ratings, evidence, a review, a comment, a closed round."""
    settings.EVIDENCE_ROOT = tmp_path / "live-evidence"
    level = norm_version.scale.get(code="behaald")
    almere = Assessment.objects.get(round=open_round, organisation__code=ALMERE)
    Answer.objects.filter(assessment=almere).update(level=level, updated_by=users["almere"])
    answer = Answer.objects.get(assessment=almere, requirement__code="3.1")
    evidence_services.evidence_add(
        actor=users["almere"], answer=answer, uploaded_file=samples.upload("b.docx", samples.docx())
    )
    evidence_services.evidence_add(
        actor=users["almere"], answer=answer, uploaded_file=samples.upload("p.pdf", samples.PDF)
    )
    assessment_services.comment_add(actor=users["coordinator"], answer=answer, text="Prima.")
    assessment_services.assessment_submit(actor=users["almere"], assessment=almere)
    lelystad = Answer.objects.filter(
        assessment__round=open_round, assessment__organisation__code=LELYSTAD
    )
    lelystad.update(level=norm_version.scale.get(code="gedeeltelijk"))
    round_services.round_close(actor=users["coordinator"], monitoring_round=open_round)
    return open_round


def fresh_installation(tmp_path: Path) -> tuple[dict[str, str], object]:
    """Environment variables of a new, empty installation, and how to clean it up."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "normmonitor.conf.test",
        "NORMMONITOR_DATA_DIR": str(tmp_path / "new"),
        "NORMMONITOR_EVIDENCE_DIR": str(tmp_path / "new" / "evidence"),
    }
    (tmp_path / "new").mkdir()
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'new' / 'normmonitor.sqlite3'}"
        return env, lambda: None
    import psycopg

    params = connection.get_connection_params()
    name = f"nm_restore_{uuid.uuid4().hex[:12]}"
    admin = psycopg.connect(
        host=params.get("host"),
        port=params.get("port"),
        user=params.get("user"),
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    user = params.get("user") or "postgres"
    env["DATABASE_URL"] = (
        f"postgres://{user}@{params.get('host')}:{params.get('port') or 5432}/{name}"
    )

    def drop() -> None:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return env, drop


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )


def test_backup_and_restore_into_an_empty_installation(installation, tmp_path, settings):
    expected = {
        "scores": {installation.key: round_scores_as_json(installation)},
        "events": [[e.pk, e.name, e.actor_name, e.data] for e in AuditEvent.objects.order_by("pk")],
        "evidence": {
            e.sha256: (settings.EVIDENCE_ROOT / e.sha256[:2] / e.sha256).read_bytes().hex()
            for e in Evidence.objects.all()
        },
    }
    target = tmp_path / "backup"
    call_command("backup", str(target))
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["database"]["vendor"] == connection.vendor
    assert len(manifest["evidence"]) == 2
    env, cleanup = fresh_installation(tmp_path)
    try:
        restored = run(env, "-m", "normmonitor", "restore", str(target))
        assert restored.returncode == 0, restored.stderr[-3000:]
        read_back = run(env, "-c", READ_BACK)
        assert read_back.returncode == 0, read_back.stderr[-3000:]
        actual = json.loads(read_back.stdout.strip().splitlines()[-1])
        # Restoring again into what is now a full installation is refused.
        again = run(env, "-m", "normmonitor", "restore", str(target))
        assert again.returncode != 0 and "already holds data" in again.stderr
    finally:
        cleanup()
    assert actual["states"][installation.key] == "closed"
    assert actual["scores"] == json.loads(json.dumps(expected["scores"]))
    assert actual["evidence"] == expected["evidence"]
    restored_events = [event for event in actual["events"] if event[1] != "backup.restored"]
    assert restored_events == json.loads(json.dumps(expected["events"]))
    assert [event[1] for event in actual["events"]][-1] == "backup.restored"


def test_restore_refuses_a_damaged_backup_and_a_full_installation(installation, tmp_path):
    target = tmp_path / "backup"
    call_command("backup", str(target))
    call_command("restore", str(target), "--verify-only")
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(target))
    evidence_file = next((target / "evidence").rglob("*/*"))
    evidence_file.write_bytes(evidence_file.read_bytes() + b"x")
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(target), "--verify-only")
    manifest = target / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"evidence"', '"evidence" ', 1))
    with pytest.raises(CommandError, match="manifest does not match"):
        call_command("restore", str(target), "--verify-only")


def test_backup_needs_an_empty_directory(installation, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "something").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path / "full"))
