"""Uploading, scanning, adopting findings and the region setting, through the services."""

from dataclasses import replace
from datetime import date

import pytest
from django.utils import translation

from normmonitor.assessments.models import Answer
from normmonitor.audit.models import AuditEvent
from normmonitor.core.exceptions import NotAllowed, ServiceError, StaleVersion
from normmonitor.documentscan import selectors, services
from normmonitor.documentscan.models import AnswerCitation, ScannedDocument
from normmonitor.evidence import storage
from normmonitor.evidence.models import Evidence
from normmonitor.norms.normfile import FLEVOLANDSE_NORM_PATH, parse_norm
from normmonitor.norms.services import load_norm
from normmonitor.organisations.models import Organisation
from normmonitor.rounds import services as round_services
from tests.conftest import ALMERE, LELYSTAD

from .conftest import upload


@pytest.fixture(autouse=True)
def english_messages():
    """The assertions below match the English message ids; the default language is Dutch."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db


def almere():
    return Organisation.objects.get(code=ALMERE)


def answer(monitoring_round, organisation, code) -> Answer:
    return Answer.objects.select_related("level").get(
        assessment__round=monitoring_round,
        assessment__organisation__code=organisation,
        requirement__code=code,
    )


def test_upload_reads_scans_and_stores(users, open_round, files):
    scan = services.document_upload(
        actor=users["almere"],
        organisation=almere(),
        uploaded_file=upload("apv-oud-model.txt"),
        address="127.0.0.1",
    )
    document = scan.document
    assert document.kind == "apv" and document.format == "text"
    assert document.title == "Algemene plaatselijke verordening Noorderhaven 2019"
    assert scan.norm_version == open_round.norm_version
    verdicts = {f.requirement: (f.verdict, f.article) for f in selectors.findings_of(scan)}
    assert verdicts["3.2.2.A"] == ("present", "2:28")
    assert verdicts["3.2.5"][0] == "risk"
    assert storage.path_for(document.sha256).is_file()
    assert str(storage.path_for(document.sha256)).startswith(str(files))
    event = AuditEvent.objects.get(name="document.scanned")
    assert event.organisation.code == ALMERE and event.data["verdicts"]["3.2.2.A"] == "present"


def test_file_names_are_made_safe(users, open_round, files):
    hostile = upload("apv-oud-model.txt")
    hostile.name = "../../etc/passwd\x00<script>.txt"
    scan = services.document_upload(
        actor=users["almere"], organisation=almere(), uploaded_file=hostile
    )
    assert "/" not in scan.document.name and "<" not in scan.document.name
    assert "\x00" not in scan.document.name


@pytest.mark.parametrize("who", ["coordinator", "lelystad", "almere_reader", "admin", "nobody"])
def test_only_the_organisations_own_editor_uploads(users, open_round, files, who):
    with pytest.raises(NotAllowed):
        services.document_upload(
            actor=users[who], organisation=almere(), uploaded_file=upload("apv-oud-model.txt")
        )
    assert not ScannedDocument.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" * 10, "not accepted"),
        (b"", "empty"),
        (b"Notulen\n\nEr is vergaderd.\n", "kind of document"),
    ],
)
def test_unreadable_uploads_are_refused(users, open_round, files, data, message):
    with pytest.raises(services.DocumentRejected, match=message):
        services.document_upload(
            actor=users["almere"], organisation=almere(), uploaded_file=upload("apv.pdf", data)
        )
    assert not ScannedDocument.objects.exists()


def test_size_limit(users, open_round, files, settings):
    settings.DOCUMENTSCAN_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(services.DocumentRejected, match="larger"):
        services.document_upload(
            actor=users["almere"], organisation=almere(), uploaded_file=upload("apv-oud-model.txt")
        )


def test_rules_come_from_the_newest_revision_when_the_round_predates_them(region, users, files):
    full = parse_norm(FLEVOLANDSE_NORM_PATH.read_text(encoding="utf-8"))

    def without_rules(requirement):
        return replace(
            requirement,
            detection={},
            children=tuple(without_rules(child) for child in requirement.children),
        )

    old = replace(
        full,
        themes=tuple(
            replace(theme, requirements=tuple(without_rules(r) for r in theme.requirements))
            for theme in full.themes
        ),
    )
    old_version = load_norm(old).norm_version
    assert selectors.rules_of(old_version) == []

    monitoring_round = round_services.round_create(
        actor=None,
        key="oud",
        name="Oud",
        region=region,
        norm_version=old_version,
        reference_date=date(2022, 1, 1),
        deadline=date(2022, 2, 1),
    )
    round_services.round_open(actor=None, monitoring_round=monitoring_round)
    new_version = load_norm(full).norm_version
    assert new_version.revision == old_version.revision + 1
    scan = services.document_upload(
        actor=users["almere"], organisation=almere(), uploaded_file=upload("apv-oud-model.txt")
    )
    assert scan.norm_version == new_version


def adopt_all(users, open_round, scan, **levels):
    assessment = open_round.assessments.get(organisation__code=ALMERE)
    scale = {level.code: level for level in open_round.norm_version.scale.all()}
    return services.findings_adopt(
        actor=users["almere"],
        scan=scan,
        assessment=assessment,
        adoptions=[
            services.Adoption(
                code,
                scale[level] if level else None,
                answer(open_round, ALMERE, code).version,
            )
            for code, level in levels.items()
        ],
        address="127.0.0.1",
    )


def test_adoption_sets_ratings_with_citation_evidence_and_audit(users, open_round, files):
    scan = services.document_upload(
        actor=users["almere"], organisation=almere(), uploaded_file=upload("apv-oud-model.txt")
    )
    citations = adopt_all(users, open_round, scan, **{"3.2.2.A": "behaald", "3.2.5": None})
    assert [c.requirement_code for c in citations] == ["3.2.2.A", "3.2.5"]

    horeca = answer(open_round, ALMERE, "3.2.2.A")
    assert horeca.level.code == "behaald" and horeca.version == 1
    assert "2:28" in horeca.explanation and "slecht levensgedrag" in horeca.explanation
    colours = answer(open_round, ALMERE, "3.2.5")
    assert colours.level is None  # a legal risk proposes no rating: kept as it was
    assert "ECLI:NL:HR:2021:1946" in colours.explanation

    evidence = Evidence.objects.get(answer=horeca)
    assert evidence.source == "documentscan" and evidence.name.endswith(".txt")
    assert AnswerCitation.objects.get(answer=horeca).evidence == evidence
    assert AnswerCitation.objects.get(answer=horeca).level_after == "behaald"

    names = list(AuditEvent.objects.order_by("id").values_list("name", flat=True))
    assert names.count("answer.updated") == 2
    assert names[-1] == "document.findings_adopted"
    adopted = AuditEvent.objects.get(name="document.findings_adopted")
    assert [item["requirement"] for item in adopted.data["items"]] == ["3.2.2.A", "3.2.5"]

    # Adopting the same scan again adds no second citation paragraph or evidence.
    adopt_all(users, open_round, scan, **{"3.2.2.A": "behaald"})
    again = answer(open_round, ALMERE, "3.2.2.A")
    assert again.explanation == horeca.explanation
    assert Evidence.objects.filter(answer=horeca).count() == 1


def test_a_stale_item_adopts_nothing(users, open_round, files):
    scan = services.document_upload(
        actor=users["almere"], organisation=almere(), uploaded_file=upload("apv-oud-model.txt")
    )
    assessment = open_round.assessments.get(organisation__code=ALMERE)
    achieved = open_round.norm_version.scale.get(code="behaald")
    with pytest.raises(StaleVersion):
        services.findings_adopt(
            actor=users["almere"],
            scan=scan,
            assessment=assessment,
            adoptions=[
                services.Adoption("3.2.1", achieved, 0),
                services.Adoption("3.2.2.A", achieved, 7),  # someone saved in between
            ],
        )
    assert answer(open_round, ALMERE, "3.2.1").level is None
    assert not AnswerCitation.objects.exists() and not Evidence.objects.exists()
    assert not AuditEvent.objects.filter(name__in=["answer.updated", "document.findings_adopted"])


def test_adoption_across_organisations_is_refused(users, open_round, files):
    scan = services.document_upload(
        actor=users["almere"], organisation=almere(), uploaded_file=upload("apv-oud-model.txt")
    )
    almere_assessment = open_round.assessments.get(organisation__code=ALMERE)
    lelystad_assessment = open_round.assessments.get(organisation__code=LELYSTAD)
    achieved = open_round.norm_version.scale.get(code="behaald")
    adoption = [services.Adoption("3.2.2.A", achieved, 0)]
    with pytest.raises(NotAllowed):
        services.findings_adopt(
            actor=users["lelystad"], scan=scan, assessment=almere_assessment, adoptions=adoption
        )
    with pytest.raises(NotAllowed):
        services.findings_adopt(
            actor=users["lelystad"], scan=scan, assessment=lelystad_assessment, adoptions=adoption
        )
    with pytest.raises(ServiceError):
        services.findings_adopt(
            actor=users["almere"],
            scan=scan,
            assessment=almere_assessment,
            adoptions=[services.Adoption("1.1", achieved, 0)],  # not a finding of this scan
        )
    assert answer(open_round, ALMERE, "3.2.2.A").level is None


def test_region_setting(users, region):
    with pytest.raises(NotAllowed):
        services.region_setting_update(
            actor=users["almere"], region=region, editors_see_region=True
        )
    setting = services.region_setting_update(
        actor=users["coordinator"], region=region, editors_see_region=True
    )
    assert setting.editors_see_region
    event = AuditEvent.objects.get(name="document.sharing_changed")
    assert event.data == {"region": region.key, "before": False, "after": True}


def test_proposed_levels_follow_any_scale(norm_version):
    scale = list(norm_version.scale.order_by("order"))
    assert selectors.proposed_level("achieved", scale).code == "behaald"
    assert selectors.proposed_level("partial", scale).code == "gedeeltelijk"
    assert selectors.proposed_level("not_achieved", scale).code == "niet-behaald"
    assert selectors.proposed_level("not_applicable", scale).code == "nvt"
    assert selectors.proposed_level("none", scale) is None


def test_a_document_without_articles_is_refused(users, open_round, files):
    # A council letter about the APV describes the provisions in their own words.
    with pytest.raises(services.DocumentRejected, match="No articles"):
        services.document_upload(
            actor=users["almere"],
            organisation=almere(),
            uploaded_file=upload("raadsbrief-negatief.txt"),
            kind="apv",
        )
    assert not ScannedDocument.objects.exists()
