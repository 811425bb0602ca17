"""Resilience scans: the questionnaire file, the recommendations report and the baseline."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from normmonitor.access.models import Role
from normmonitor.actions.models import Action
from normmonitor.audit.models import AuditEvent
from normmonitor.core.exceptions import InvalidState, NotAllowed, ServiceError
from normmonitor.norms.mapping import FLEVOLANDSE_MAPPING_PATH, FLEVOLANDSE_NORM_2_PATH
from normmonitor.norms.services import load_mapping_file, load_norm_file
from normmonitor.organisations.models import Organisation
from normmonitor.resiliencescan import services
from normmonitor.resiliencescan.questionnaire import (
    WEERBAARHEIDSSCAN_PATH,
    QuestionnaireError,
    parse_questionnaire,
    read_questionnaire_file,
    report,
)
from normmonitor.resiliencescan.selectors import baseline_for, scan_report
from tests.conftest import ALMERE, PROVINCE, URK

HEADER = """format: normmonitor/scan@1
key: k
name: K
version: "1"
norm: flevolandse-norm
norm_version: "1.0"
weak_below: 2
answers:
  - {code: ja, label: Ja, score: 2}
  - {code: deels, label: Deels, score: 1}
  - {code: nee, label: Nee, score: 0}
  - {code: nvt, label: N.v.t., not_applicable: true}
"""


def test_shipped_questionnaire_is_valid_and_labelled_illustrative():
    document = read_questionnaire_file(WEERBAARHEIDSSCAN_PATH)
    assert "ILLUSTRATIEF" in document.source
    assert len(document.questions) == 20
    assert {q.section for q in document.questions} == {"A", "B", "C", "D"}
    assert len(document.questions_for("provincie")) == 13
    assert all(q.recommendation and q.actions for q in document.questions)


QUESTION = "      - {code: Q1, text: t, ambitions: ['1.1'], recommendation: r, actions: [a]}\n"
SECTION = "sections:\n  - code: A\n    title: T\n    questions:\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HEADER.replace("weak_below: 2\n", "") + "sections: []\n", "required field is missing"),
        (HEADER + SECTION + QUESTION.replace("['1.1']", "[1.1]"), 'write it in quotes: "1.1"'),
        (HEADER + SECTION + QUESTION + QUESTION, "duplicate question code 'Q1'"),
        (
            HEADER + SECTION + QUESTION.replace("}", ", priority: urgent}"),
            "must be one of high, medium, low",
        ),
        (HEADER.replace("weak_below: 2", "weak_below: 0") + SECTION + QUESTION, "nothing could"),
    ],
)
def test_questionnaire_problems_are_reported(text, message):
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(text)
    assert message in str(caught.value)
    parse_questionnaire(HEADER + SECTION + QUESTION)  # the same without the mistake is fine


def test_report_orders_recommendations_and_derives_a_baseline():
    document = read_questionnaire_file(WEERBAARHEIDSSCAN_PATH)
    answers = {q.code: ("ja", "") for q in document.questions_for("gemeente")}
    answers.update(
        {"C3": ("nee", "Coffeeshops ontbreken."), "A2": ("deels", ""), "D4": ("nee", "")}
    )
    answers["B2"] = ("nvt", "")
    del answers["D5"]  # not answered
    result = report(document, answers, "gemeente")
    assert [(r.question.code, r.severity) for r in result.recommendations] == [
        ("C3", "high"),  # high priority, answered no
        ("A2", "low"),  # medium priority, partly there: one step lower
        ("D4", "low"),
        ("D5", "medium"),  # not answered comes last
    ]
    baseline = {item.ambition: item.status for item in result.baseline}
    assert baseline["3.5.D"] == "weak"
    assert baseline["4.5"] == "unknown"
    assert baseline["1.3"] == "in_place"
    assert "2.2" not in baseline  # answered not applicable
    assert (result.answered, result.questions) == (19, 20)


@pytest.fixture
def scan(db, norm_version, users):
    questionnaire = services.load_questionnaire_file(WEERBAARHEIDSSCAN_PATH).questionnaire
    return services.scan_create(
        actor=users["coordinator"],
        organisation=Organisation.objects.get(code=PROVINCE),
        questionnaire=questionnaire,
        conducted_on=date(2019, 12, 1),
        conducted_by="RIEC Midden-Nederland",
        baseline=True,
    )


@pytest.mark.django_db
def test_questionnaire_needs_its_norm_and_loads_once(norm_version):
    first = services.load_questionnaire_file(WEERBAARHEIDSSCAN_PATH)
    assert first.created
    assert not services.load_questionnaire_file(WEERBAARHEIDSSCAN_PATH).created
    document = read_questionnaire_file(WEERBAARHEIDSSCAN_PATH)
    broken = document.__class__(**{**document.__dict__, "norm_version": "9.9"})
    with pytest.raises(QuestionnaireError, match="load the norm before"):
        services.load_questionnaire(broken)


@pytest.mark.django_db
def test_scan_flow_report_and_proposed_actions(scan, users):
    answers = {
        "A1": ("ja", ""),
        "A2": ("nee", "Nog niet gepland."),
        "B1": ("nee", ""),
        "B4": ("ja", ""),
        "C2": ("deels", ""),
        "C4": ("nee", ""),
        "C5": ("ja", ""),
        "C7": ("ja", ""),
        "D1": ("ja", ""),
        "D2": ("ja", ""),
        "D3": ("ja", ""),
        "D4": ("ja", ""),
    }
    with pytest.raises(ServiceError):
        services.scan_save(actor=users["coordinator"], scan=scan, answers={"C3": ("ja", "")})
    services.scan_save(actor=users["coordinator"], scan=scan, answers=answers)
    with pytest.raises(ServiceError, match="D5"):
        services.scan_complete(actor=users["coordinator"], scan=scan)
    services.scan_save(actor=users["coordinator"], scan=scan, answers={"D5": ("ja", "")})
    scan = services.scan_complete(actor=users["coordinator"], scan=scan)
    with pytest.raises(InvalidState):
        services.scan_save(actor=users["coordinator"], scan=scan, answers={"D5": ("nee", "")})
    content = scan_report(scan)
    # High first (B1, C4), then medium: A2 (medium, "nee") and C2 (high, but "deels").
    assert [r.question.code for r in content.report.recommendations] == ["B1", "C4", "A2", "C2"]
    created = services.scan_propose_actions(actor=users["coordinator"], scan=scan)
    assert len(created) == 4
    by_item = {a.requirement.code if a.requirement else None for a in created}
    assert by_item == {"1.1", "2.1", "3.5.G", "3.4"}
    assert services.scan_propose_actions(actor=users["coordinator"], scan=scan) == []
    assert Action.objects.filter(organisation__code=PROVINCE).count() == 4
    names = set(AuditEvent.objects.values_list("name", flat=True))
    assert {"scan.created", "scan.answered", "scan.completed", "scan.actions_proposed"} <= names
    out = StringIO()
    call_command("resiliencescan", "report", "--organisation", PROVINCE, "--json", stdout=out)
    assert '"severity": "high"' in out.getvalue()


@pytest.mark.django_db
def test_scans_belong_to_their_organisation(scan, users, client, make_user):
    with pytest.raises(NotAllowed):
        services.scan_save(actor=users["almere"], scan=scan, answers={"A1": ("ja", "")})
    client.force_login(users["almere"])
    assert client.get(reverse("resiliencescan:report", args=[scan.pk])).status_code == 404
    assert (
        client.get(reverse("resiliencescan:new") + f"?organisation={PROVINCE}").status_code == 403
    )
    province = make_user("provincie", Role.EDITOR, PROVINCE)
    client.force_login(province)
    response = client.post(
        reverse("resiliencescan:fill", args=[scan.pk]),
        {"q_A1": "ja", "n_A1": "Twee keer per jaar.", "q_B1": "nee", "n_B1": ""},
    )
    assert response.status_code == 302
    assert scan.answers.get(question="A1").note == "Twee keer per jaar."
    report_page = client.get(reverse("resiliencescan:report", args=[scan.pk]))
    assert report_page.status_code == 200
    assert "B1." in report_page.content.decode()


@pytest.mark.django_db
def test_a_scan_is_the_baseline_of_the_trend_also_across_versions(open_round, users, client):
    questionnaire = services.load_questionnaire_file(WEERBAARHEIDSSCAN_PATH).questionnaire
    urk = Organisation.objects.get(code=URK)
    scan = services.scan_create(
        actor=None, organisation=urk, questionnaire=questionnaire, conducted_on=date(2020, 6, 1)
    )
    document = services.document_of(questionnaire)
    answers = {q.code: ("ja", "") for q in document.questions_for("gemeente")}
    answers.update({"C3": ("nee", ""), "D1": ("nee", "")})
    services.scan_save(actor=None, scan=scan, answers=answers)
    services.scan_complete(actor=None, scan=scan)
    baseline = baseline_for(urk, open_round.norm_version)
    assert baseline.statuses["3.5"] == "weak" and baseline.statuses["4.1"] == "weak"
    assert baseline.statuses["1.1"] == "in_place"
    norm2 = load_norm_file(FLEVOLANDSE_NORM_2_PATH).norm_version
    load_mapping_file(FLEVOLANDSE_MAPPING_PATH)
    carried = baseline_for(urk, norm2)
    assert carried.statuses["5.1"] == "weak"  # 4.1 merged into 5.1
    assert carried.statuses["4.3"] == "in_place"  # 3.9 renumbered
    client.force_login(users["coordinator"])
    page = client.get(reverse("analysis:organisation_trends", args=[URK])).content.decode()
    assert "Baseline (scan" in page or "Nulmeting" in page
    assert ALMERE  # the module's constants stay in use
