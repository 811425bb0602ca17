"""Evidence through the service API and the web: who may add and download, what is stored,
history, and the audit trail."""

import hashlib

import pytest
from django.urls import reverse

from normmonitor.assessments.models import Answer
from normmonitor.audit.models import AuditEvent
from normmonitor.core.exceptions import NotAllowed
from normmonitor.evidence import services
from normmonitor.evidence.models import Evidence
from normmonitor.evidence.selectors import (
    current_evidence_by_answer,
    evidence_history,
    visible_evidence,
)
from normmonitor.rounds.services import round_close
from tests.conftest import ALMERE, LELYSTAD
from tests.evidence import samples

pytestmark = pytest.mark.django_db


def answer_of(monitoring_round, organisation: str, code: str = "3.1") -> Answer:
    return Answer.objects.select_related("assessment__round", "assessment__organisation").get(
        assessment__round=monitoring_round,
        assessment__organisation__code=organisation,
        requirement__code=code,
    )


def add(user, answer, name="beleid.pdf", data=samples.PDF, **kwargs) -> Evidence:
    return services.evidence_add(
        actor=user, answer=answer, uploaded_file=samples.upload(name, data), **kwargs
    )


@pytest.mark.parametrize("name", sorted(samples.good_documents()))
def test_editor_adds_every_accepted_kind(users, open_round, evidence_root, name):
    data = samples.good_documents()[name]
    evidence = add(users["almere"], answer_of(open_round, ALMERE), name, data, note="Zie p. 3")
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.size == len(data)
    stored = evidence_root / evidence.sha256[:2] / evidence.sha256
    assert stored.read_bytes() == data
    assert evidence.is_current
    event = AuditEvent.objects.get(name="evidence.added")
    assert event.data["sha256"] == evidence.sha256
    assert event.organisation.code == ALMERE


def test_a_hostile_name_never_reaches_the_disk(users, open_round, evidence_root):
    evidence = add(users["almere"], answer_of(open_round, ALMERE), "../../../../tmp/x.pdf")
    assert evidence.name == "x.pdf"
    files = [p for p in evidence_root.rglob("*") if p.is_file()]
    assert files == [evidence_root / evidence.sha256[:2] / evidence.sha256]


@pytest.mark.parametrize("who", ["almere_reader", "lelystad", "coordinator", "nobody"])
def test_only_the_organisations_editors_add(users, open_round, who):
    with pytest.raises(NotAllowed):
        add(users[who], answer_of(open_round, ALMERE))
    assert not Evidence.objects.exists()


def test_a_closed_round_takes_no_evidence(users, open_round):
    round_close(actor=None, monitoring_round=open_round)
    with pytest.raises(NotAllowed):
        add(users["almere"], answer_of(open_round, ALMERE))


def test_replacing_keeps_the_history_and_withdrawing_keeps_the_file(users, open_round):
    answer = answer_of(open_round, ALMERE)
    first = add(users["almere"], answer, expires_on=None)
    second = services.evidence_replace(
        actor=users["almere"], evidence=first, uploaded_file=samples.upload("v2.txt", samples.TXT)
    )
    first.refresh_from_db()
    assert not first.is_current and second.is_current and second.replaces == first
    assert [e.pk for e in evidence_history(users["almere"], first)] == [second.pk, first.pk]
    with pytest.raises(services.ServiceError):  # the old version cannot be replaced again
        services.evidence_replace(
            actor=users["almere"],
            evidence=first,
            uploaded_file=samples.upload("x.pdf", samples.PDF),
        )
    services.evidence_withdraw(actor=users["almere"], evidence=second)
    assert not current_evidence_by_answer(users["almere"], answer.assessment)
    assert Evidence.objects.count() == 2
    names = list(AuditEvent.objects.order_by("id").values_list("name", flat=True))
    assert names[-3:] == ["evidence.added", "evidence.replaced", "evidence.withdrawn"]


def test_visibility_follows_the_organisation(users, open_round):
    evidence = add(users["almere"], answer_of(open_round, ALMERE))
    for who in ("almere", "almere_reader", "coordinator", "admin"):
        assert list(visible_evidence(users[who])) == [evidence], who
        assert users[who].has_perm("evidence.view_evidence", evidence)
    for who in ("lelystad", "nobody"):
        assert not visible_evidence(users[who]).exists(), who
        assert not users[who].has_perm("evidence.view_evidence", evidence)


def test_download_is_an_audited_attachment(client, users, open_round):
    evidence = add(users["almere"], answer_of(open_round, ALMERE), "Beleid <b>2022</b>.pdf")
    client.force_login(users["coordinator"])
    response = client.get(reverse("evidence:download", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == samples.PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    event = AuditEvent.objects.get(name="evidence.downloaded")
    assert event.actor == users["coordinator"] and event.data["evidence"] == evidence.pk


@pytest.mark.parametrize("who", ["lelystad", "nobody"])
def test_other_organisations_cannot_download_or_see_by_id(client, users, open_round, who):
    evidence = add(users["almere"], answer_of(open_round, ALMERE))
    client.force_login(users[who])
    for name in ("evidence:download", "evidence:detail", "evidence:replace"):
        assert client.get(reverse(name, args=[evidence.pk])).status_code == 404, name
    assert client.post(reverse("evidence:withdraw", args=[evidence.pk])).status_code == 404
    assert not AuditEvent.objects.filter(name="evidence.downloaded").exists()
    assert Evidence.objects.get().is_current


def test_a_damaged_file_is_not_served(client, users, open_round, evidence_root):
    evidence = add(users["almere"], answer_of(open_round, ALMERE))
    (evidence_root / evidence.sha256[:2] / evidence.sha256).write_bytes(b"tampered")
    client.force_login(users["almere"])
    response = client.get(reverse("evidence:download", args=[evidence.pk]))
    assert response.status_code == 500
    assert b"tampered" not in response.content
    assert AuditEvent.objects.filter(name="evidence.damaged").exists()


def test_upload_through_the_web(client, users, open_round):
    answer = answer_of(open_round, ALMERE)
    url = reverse("evidence:upload", args=[open_round.key, ALMERE, answer.pk])
    client.force_login(users["almere"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": samples.upload("beleid.pdf", samples.PDF), "note": "p. 3"})
    assert response.status_code == 302
    assert Evidence.objects.get().note == "p. 3"
    # A disguised file is refused with a message, and nothing is stored.
    response = client.post(url, {"file": samples.upload("beleid.pdf", samples.png())})
    assert response.status_code == 400
    assert "PNG" in response.content.decode()
    assert Evidence.objects.count() == 1


def test_upload_to_another_organisations_item_is_refused(client, users, open_round):
    lelystad_answer = answer_of(open_round, LELYSTAD)
    client.force_login(users["almere"])
    # Lelystad's answer under Almere's URL: not found; Lelystad's URL: forbidden.
    url = reverse("evidence:upload", args=[open_round.key, ALMERE, lelystad_answer.pk])
    assert client.post(url, {"file": samples.upload("a.pdf", samples.PDF)}).status_code == 404
    url = reverse("evidence:upload", args=[open_round.key, LELYSTAD, lelystad_answer.pk])
    assert client.post(url, {"file": samples.upload("a.pdf", samples.PDF)}).status_code == 403
    assert not Evidence.objects.exists()


def test_pages_list_current_documents(client, users, open_round):
    answer = answer_of(open_round, ALMERE)
    evidence = add(users["almere"], answer, "Bibob-beleid.pdf")
    download = reverse("evidence:download", args=[evidence.pk])
    client.force_login(users["almere"])
    fill = client.get(reverse("assessments:fill", args=[open_round.key, ALMERE])).content.decode()
    assert download in fill and "Bibob-beleid.pdf" in fill
    assert reverse("evidence:upload", args=[open_round.key, ALMERE, answer.pk]) in fill
    detail = client.get(reverse("evidence:detail", args=[evidence.pk]))
    assert detail.status_code == 200 and evidence.sha256 in detail.content.decode()
    client.force_login(users["coordinator"])
    page = client.get(reverse("assessments:detail", args=[open_round.key, ALMERE]))
    assert download in page.content.decode()
