"""Fixtures for the security suite: a second region with its own organisation and round, and
secrets planted in every free-text field of the foreign organisations, so that a leak shows up
as a marker in a response. Each foreign organisation also has one object of every kind a URL
names by id (an action, an initiative, a scanned document, a resilience scan, an API token), so
that those URLs are probed against a real object of another organisation, not a missing id."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from normmonitor.access.models import Membership, Role
from normmonitor.actions import services as action_services
from normmonitor.api import services as api_services
from normmonitor.assessments import services as assessment_services
from normmonitor.assessments.models import Answer, Assessment
from normmonitor.documentscan import services as documentscan_services
from normmonitor.evidence import services as evidence_services
from normmonitor.initiatives import services as initiative_services
from normmonitor.organisations.models import Organisation, Region
from normmonitor.resiliencescan import services as resiliencescan_services
from normmonitor.resiliencescan.questionnaire import WEERBAARHEIDSSCAN_PATH
from normmonitor.rounds import services as round_services
from tests.conftest import ALMERE, LELYSTAD
from tests.evidence import samples

# A municipal regulation the document scan recognises (from the document-scan tests' corpus).
APV = Path(__file__).resolve().parent.parent / "documentscan" / "corpus" / "apv-oud-model.txt"


@pytest.fixture(autouse=True)
def isolated(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    cache.clear()
    yield
    cache.clear()


@dataclass
class Target:
    """Another organisation's data that a user must neither see nor change."""

    label: str
    organisation: Organisation
    region: Region
    round: Any
    assessment: Assessment
    answer: Answer
    evidence: Any
    user: Any
    membership: Membership
    authenticator: Any
    action: Any
    initiative: Any
    document: Any
    scan: Any
    token: Any
    secrets: list[str] = field(default_factory=list)


def plant(label: str, organisation, region, monitoring_round, editor, norm_version) -> Target:
    secret = f"GEHEIM-{label}"
    assessment = Assessment.objects.get(round=monitoring_round, organisation=organisation)
    Answer.objects.filter(assessment=assessment).update(
        level=norm_version.scale.get(code="gedeeltelijk"),
        explanation=f"{secret}-toelichting",
        owner=f"{secret}-eigenaar",
    )
    answer = Answer.objects.select_related("requirement").get(
        assessment=assessment, requirement__code="3.1"
    )
    evidence = evidence_services.evidence_add(
        actor=None,
        answer=answer,
        uploaded_file=samples.upload(f"{secret}-bestand.pdf", samples.PDF),
        note=f"{secret}-notitie",
    )
    assessment_services.comment_add(actor=None, answer=answer, text=f"{secret}-reactie")
    answer = assessment_services.deviation_propose(
        actor=None, answer=answer, motivation=f"{secret}-maatwerk", expected_version=answer.version
    )
    authenticator = TOTP.activate(editor, generate_totp_secret()).instance
    action = action_services.action_create(
        actor=None,
        organisation=organisation,
        description=f"{secret}-actie",
        requirement=answer.requirement,
        monitoring_round=monitoring_round,
        owner=f"{secret}-actiehouder",
    )
    action_services.action_comment(actor=None, action=action, text=f"{secret}-actiereactie")
    initiative = initiative_services.initiative_create(
        actor=None,
        region=region,
        data=initiative_services.InitiativeData(
            title=f"{secret}-initiatief",
            organisations=[organisation],
            description=f"{secret}-initiatiefomschrijving",
            lead=organisation,
        ),
    )
    document = documentscan_services.document_upload(
        actor=None,
        organisation=organisation,
        uploaded_file=SimpleUploadedFile(f"{secret}-apv.txt", APV.read_bytes()),
        kind="apv",
    ).document
    questionnaire = resiliencescan_services.load_questionnaire_file(
        WEERBAARHEIDSSCAN_PATH
    ).questionnaire
    scan = resiliencescan_services.scan_create(
        actor=None,
        organisation=organisation,
        questionnaire=questionnaire,
        conducted_on=date(2022, 10, 1),
        conducted_by=f"{secret}-scanner",
    )
    token, _raw = api_services.token_create(actor=None, user=editor, name=f"{secret}-token")
    return Target(
        label=label,
        organisation=organisation,
        region=region,
        round=monitoring_round,
        assessment=assessment,
        answer=Answer.objects.select_related("requirement").get(pk=answer.pk),
        evidence=evidence,
        user=editor,
        membership=Membership.objects.get(user=editor),
        authenticator=authenticator,
        action=action,
        initiative=initiative,
        document=document,
        scan=scan,
        token=token,
        secrets=[
            f"{secret}-toelichting",
            f"{secret}-eigenaar",
            f"{secret}-bestand",
            f"{secret}-notitie",
            f"{secret}-reactie",
            f"{secret}-maatwerk",
            f"{secret}-actie",
            f"{secret}-actiehouder",
            f"{secret}-actiereactie",
            f"{secret}-initiatief",
            f"{secret}-initiatiefomschrijving",
            f"{secret}-apv",
            f"{secret}-scanner",
            f"{secret}-token",
        ],
    )


@pytest.fixture
def world(users, open_round, norm_version, region, make_user):
    """Flevoland (the conftest round) and a second region, Elders, each with secrets."""
    elders = Region.objects.create(key="elders", name="Elders")
    elderveen = Organisation.objects.create(code="GM9999", name="Elderveen", type="gemeente")
    elders.members.add(elderveen)
    elders_round = round_services.round_create(
        actor=None,
        key="elders-test",
        name="Elders test",
        region=elders,
        norm_version=norm_version,
        reference_date=date(2022, 10, 1),
        deadline=date(2022, 11, 1),
    )
    round_services.round_open(actor=None, monitoring_round=elders_round)
    elders_editor = make_user("elderveen", Role.EDITOR, "GM9999")
    elders_coordinator = make_user("elders_coordinator", Role.COORDINATOR, elders)
    lelystad = plant(
        "LELYSTAD",
        Organisation.objects.get(code=LELYSTAD),
        region,
        open_round,
        users["lelystad"],
        norm_version,
    )
    elderveen_target = plant(
        "ELDERVEEN", elderveen, elders, elders_round, elders_editor, norm_version
    )
    almere = plant(
        "ALMERE",
        Organisation.objects.get(code=ALMERE),
        region,
        open_round,
        users["almere"],
        norm_version,
    )
    return {
        "users": {**users, "elders_coordinator": elders_coordinator},
        "lelystad": lelystad,
        "elderveen": elderveen_target,
        "almere": almere,
    }


# Tables and fields that change without anyone changing data: sessions, login bookkeeping,
# the audit trail (append-only by design) and usage timestamps.
VOLATILE_MODELS = {
    "audit.auditevent",
    "sessions.session",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "usersessions.usersession",
    "contenttypes.contenttype",
    "auth.permission",
    "admin.logentry",
}
VOLATILE_FIELDS = {"last_login", "last_used_at", "last_seen_at"}


def fingerprint() -> str:
    """A hash of every row of every model (but the volatile ones): any change shows."""
    digest = hashlib.sha256()
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label_lower):
        if model._meta.label_lower in VOLATILE_MODELS or not model._meta.managed:
            continue
        fields = [
            f.attname for f in model._meta.concrete_fields if f.attname not in VOLATILE_FIELDS
        ]
        rows = model._base_manager.order_by("pk").values_list(*fields)
        digest.update(model._meta.label_lower.encode())
        digest.update(repr(list(rows)).encode())
    return digest.hexdigest()
