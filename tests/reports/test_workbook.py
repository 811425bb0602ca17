"""The offline fill-in workbook: download, fill in, upload, preview, confirm."""

import io
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from normmonitor.assessments.models import Answer, Assessment
from normmonitor.assessments.services import answer_update
from normmonitor.audit.models import AuditEvent
from normmonitor.norms.models import ScaleLevel
from normmonitor.reports.exports import workbook as offline
from normmonitor.reports.models import WorkbookImport
from normmonitor.rounds import services as round_services

from .conftest import ALMERE, LELYSTAD

pytestmark = pytest.mark.django_db

SHEET = "Invullen"
LEVEL, EXPLANATION, PLANNED, OWNER, LAST_DONE, CONFIRM = "E", "F", "G", "H", "I", "K"


def _assessment(monitoring_round, code=ALMERE) -> Assessment:
    return Assessment.objects.select_related("round__norm_version", "organisation").get(
        round=monitoring_round, organisation__code=code
    )


def _download(client, monitoring_round, code=ALMERE) -> openpyxl.Workbook:
    response = client.get(reverse("reports:workbook", args=[monitoring_round.key, code]))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _bytes(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _row(book, code: str) -> int:
    sheet = book[SHEET]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == code:
            return row[0].row
    raise KeyError(code)


def _upload(client, monitoring_round, data: bytes, code=ALMERE, name="ingevuld.xlsx"):
    return client.post(
        reverse("reports:workbook_upload", args=[monitoring_round.key, code]),
        {"workbook": SimpleUploadedFile(name, data)},
    )


def _answers(monitoring_round, code=ALMERE) -> dict[str, tuple]:
    return {
        a.requirement.code: (a.level_id, a.explanation, a.planned_date, a.owner, a.version)
        for a in Answer.objects.filter(
            assessment__round=monitoring_round, assessment__organisation__code=code
        ).select_related("requirement")
    }


def test_workbook_structure(client, users, scored_round):
    client.force_login(users["almere"])
    book = _download(client, scored_round)
    # The interface is Dutch first: the instructions sheet is "Uitleg".
    assert book.sheetnames == ["Uitleg", SHEET, offline.META_SHEET]
    assert book[offline.META_SHEET].sheet_state == "veryHidden"
    sheet = book[SHEET]
    assert sheet.protection.sheet
    assert sheet["A2"].protection.locked and not sheet["E2"].protection.locked
    validations = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    assert validations["E2"].type == "list"
    assert validations["G2"].type == "date"
    assert sheet.max_row - 1 == Answer.objects.filter(assessment=_assessment(scored_round)).count()
    event = AuditEvent.objects.get(name="export.created")
    assert event.data["kind"] == "workbook" and event.organisation.code == ALMERE


@pytest.mark.parametrize(
    ("user", "status"),
    [("almere", 200), ("almere_reader", 403), ("coordinator", 403), ("lelystad", 403)],
)
def test_workbook_is_for_the_organisations_editor(client, users, scored_round, user, status):
    client.force_login(users[user])
    url = reverse("reports:workbook", args=[scored_round.key, ALMERE])
    assert client.get(url).status_code == status
    upload = reverse("reports:workbook_upload", args=[scored_round.key, ALMERE])
    assert client.get(upload).status_code == status


def test_workbook_only_while_the_round_is_open(client, users, scored_round):
    round_services.round_close(actor=None, monitoring_round=scored_round)
    client.force_login(users["almere"])
    assert (
        client.get(reverse("reports:workbook", args=[scored_round.key, ALMERE])).status_code == 403
    )


def test_round_trip_changes_exactly_the_changed_cells(client, users, scored_round):
    client.force_login(users["almere"])
    before = _answers(scored_round)
    book = _download(client, scored_round)
    sheet = book[SHEET]
    sheet[f"{LEVEL}{_row(book, '1.1')}"] = "Niet behaald"
    sheet[f"{EXPLANATION}{_row(book, '2.1')}"] = "Nieuwe toelichting\nover twee regels"
    sheet[f"{PLANNED}{_row(book, '4.2')}"] = datetime(2024, 6, 30)
    sheet[f"{OWNER}{_row(book, '4.2')}"] = "Teamleider"
    response = _upload(client, scored_round, _bytes(book))
    pending = WorkbookImport.objects.get()
    assert response.url == reverse(
        "reports:workbook_preview", args=[scored_round.key, ALMERE, pending.pk]
    )
    assert [change["code"] for change in pending.changes] == ["1.1", "2.1", "4.2"]
    assert [f["field"] for f in pending.changes[2]["changes"]] == ["planned_date", "owner"]
    preview = client.get(response.url).content.decode()
    assert "Nieuwe toelichting" in preview and "30-06-2024" in preview and "01-03-2023" in preview
    assert _answers(scored_round) == before  # nothing applied before confirmation

    done = client.post(response.url, {"decision": "apply"})
    assert done.url == reverse("assessments:fill", args=[scored_round.key, ALMERE])
    after = _answers(scored_round)
    changed = {code for code in before if before[code] != after[code]}
    assert changed == {"1.1", "2.1", "4.2"}
    niet = ScaleLevel.objects.get(norm_version=scored_round.norm_version, code="niet-behaald")
    assert after["1.1"][0] == niet.pk and after["1.1"][1] == before["1.1"][1]
    assert after["2.1"][1] == "Nieuwe toelichting\nover twee regels"
    assert after["4.2"][2:4] == (date(2024, 6, 30), "Teamleider")
    assert after["4.2"][1] == before["4.2"][1]  # the formula-like text is left as it was
    assert AuditEvent.objects.filter(name="answer.updated").count() == 3
    event = AuditEvent.objects.get(name="workbook.imported")
    assert event.data["items"] == ["1.1", "2.1", "4.2"] and event.actor == users["almere"]
    pending.refresh_from_db()
    assert pending.state == WorkbookImport.State.APPLIED
    assert client.post(response.url, {"decision": "apply"}).status_code == 200  # no second time
    assert AuditEvent.objects.filter(name="workbook.imported").count() == 1


def test_a_broken_workbook_gets_errors_per_cell_and_changes_nothing(client, users, scored_round):
    client.force_login(users["almere"])
    before = _answers(scored_round)
    book = _download(client, scored_round)
    sheet = book[SHEET]
    sheet[f"{LEVEL}{_row(book, '1.1')}"] = "Misschien"
    sheet[f"{PLANNED}{_row(book, '1.2')}"] = "gisteren"
    sheet[f"{OWNER}{_row(book, '1.3')}"] = "=CMD|' /C calc'!A0"
    sheet[f"{EXPLANATION}{_row(book, '1.4')}"] = "x" * (offline.MAX_TEXT + 1)
    sheet[f"{EXPLANATION}{_row(book, '2.1')}"] = "A valid change in the same upload"
    response = _upload(client, scored_round, _bytes(book))
    assert response.status_code == 400
    errors = response.context["errors"]
    cells = {(e.sheet, e.row, e.column) for e in errors}
    assert cells == {
        (SHEET, _row(book, "1.1"), LEVEL),
        (SHEET, _row(book, "1.2"), PLANNED),
        (SHEET, _row(book, "1.3"), OWNER),
        (SHEET, _row(book, "1.4"), EXPLANATION),
    }
    body = response.content.decode()
    assert "Misschien" in body and "gisteren" in body
    assert _answers(scored_round) == before
    assert not WorkbookImport.objects.exists()


@pytest.mark.parametrize("what", ["other_organisation", "other_round", "item_code", "signature"])
def test_a_foreign_or_altered_workbook_is_refused(
    client, users, scored_round, earlier_round, what, make_user
):
    client.force_login(users["almere"])
    book = _download(client, scored_round)
    target_round, target = scored_round, ALMERE
    if what == "other_organisation":
        client.force_login(users["lelystad"])
        target = LELYSTAD
    elif what == "other_round":
        monitoring_round = round_services.round_create(
            actor=None,
            key="tweede",
            name="Tweede",
            region=scored_round.region,
            norm_version=scored_round.norm_version,
            reference_date=date(2023, 1, 1),
            deadline=date(2023, 2, 1),
        )
        round_services.round_open(actor=None, monitoring_round=monitoring_round)
        target_round = monitoring_round
    elif what == "item_code":
        book[SHEET]["A3"] = "9.9"
    else:
        book[offline.META_SHEET]["C10"] = "99"  # a row's answer version, changed by hand
    response = _upload(client, target_round, _bytes(book), code=target)
    assert response.status_code == 400
    assert "refused" in response.content.decode() or "geweigerd" in response.content.decode()
    assert response.context["refused"]
    assert not WorkbookImport.objects.exists()


def test_untouched_rows_never_overwrite_a_colleague(client, users, scored_round):
    client.force_login(users["almere"])
    book = _download(client, scored_round)
    colleague_answer = Answer.objects.select_related("assessment__round", "requirement").get(
        assessment__round=scored_round,
        assessment__organisation__code=ALMERE,
        requirement__code="1.1",
    )
    answer_update(
        actor=users["almere"],
        answer=colleague_answer,
        level=colleague_answer.level,
        explanation="Door een collega",
        planned_date=None,
        owner="",
        expected_version=0,
    )
    book[SHEET][f"{EXPLANATION}{_row(book, '1.2')}"] = "Mijn wijziging"
    response = _upload(client, scored_round, _bytes(book))
    client.post(response.url, {"decision": "apply"})
    after = _answers(scored_round)
    assert after["1.1"][1] == "Door een collega"
    assert after["1.2"][1] == "Mijn wijziging"


def test_a_stale_changed_row_refuses_the_whole_upload(client, users, scored_round):
    client.force_login(users["almere"])
    book = _download(client, scored_round)
    answer = Answer.objects.select_related("assessment__round", "requirement").get(
        assessment__round=scored_round,
        assessment__organisation__code=ALMERE,
        requirement__code="1.1",
    )
    answer_update(
        actor=users["almere"],
        answer=answer,
        level=answer.level,
        explanation="Tussendoor",
        planned_date=None,
        owner="",
        expected_version=0,
    )
    before = _answers(scored_round)
    book[SHEET][f"{EXPLANATION}{_row(book, '1.1')}"] = "Oud werk"
    book[SHEET][f"{EXPLANATION}{_row(book, '1.2')}"] = "Ook oud werk"
    response = _upload(client, scored_round, _bytes(book))
    assert response.status_code == 400
    assert "1.1" in response.context["refused"]
    assert _answers(scored_round) == before


def test_a_save_between_preview_and_confirmation_undoes_everything(client, users, scored_round):
    client.force_login(users["almere"])
    book = _download(client, scored_round)
    book[SHEET][f"{EXPLANATION}{_row(book, '1.1')}"] = "Eerste"
    book[SHEET][f"{EXPLANATION}{_row(book, '1.2')}"] = "Tweede"
    response = _upload(client, scored_round, _bytes(book))
    answer = Answer.objects.select_related("assessment__round", "requirement").get(
        assessment__round=scored_round,
        assessment__organisation__code=ALMERE,
        requirement__code="1.2",
    )
    answer_update(
        actor=users["almere"],
        answer=answer,
        level=answer.level,
        explanation="Ertussen",
        planned_date=None,
        owner="",
        expected_version=0,
    )
    before = _answers(scored_round)
    result = client.post(response.url, {"decision": "apply"}, follow=True)
    assert _answers(scored_round) == before  # 1.1 was not saved either
    assert result.redirect_chain[-1][0].endswith("/werkboek/")
    assert WorkbookImport.objects.get().state == WorkbookImport.State.PENDING


def test_confirming_carried_over_answers(client, users, scored_round):
    Answer.objects.filter(
        assessment__round=scored_round,
        assessment__organisation__code=ALMERE,
        requirement__code__in=["1.1", "1.2"],
    ).update(carried_over=True)
    client.force_login(users["almere"])
    book = _download(client, scored_round)
    yes = book[offline.META_SHEET]["G1"].value
    book[SHEET][f"{CONFIRM}{_row(book, '1.1')}"] = yes
    book[SHEET][f"{CONFIRM}{_row(book, '1.3')}"] = yes  # not carried over: ignored
    response = _upload(client, scored_round, _bytes(book))
    pending = WorkbookImport.objects.get()
    assert [(c["code"], c["confirm_only"]) for c in pending.changes] == [("1.1", True)]
    client.post(response.url, {"decision": "apply"})
    carried = dict(
        Answer.objects.filter(
            assessment__round=scored_round,
            assessment__organisation__code=ALMERE,
            requirement__code__in=["1.1", "1.2"],
        ).values_list("requirement__code", "carried_over")
    )
    assert carried == {"1.1": False, "1.2": True}


def test_discard(client, users, scored_round):
    client.force_login(users["almere"])
    book = _download(client, scored_round)
    book[SHEET][f"{EXPLANATION}{_row(book, '1.1')}"] = "Toch niet"
    response = _upload(client, scored_round, _bytes(book))
    client.post(response.url, {"decision": "discard"})
    assert WorkbookImport.objects.get().state == WorkbookImport.State.DISCARDED
    assert _answers(scored_round)["1.1"][1] == "Op orde."


def _zip(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_hostile_uploads_are_refused_before_parsing(client, users, scored_round, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not see this file")

    monkeypatch.setattr(offline.openpyxl, "load_workbook", never)
    client.force_login(users["almere"])
    bomb = _zip(
        {
            "[Content_Types].xml": b"<x/>",
            "xl/workbook.xml": b"<x/>",
            "xl/worksheets/sheet1.xml": b"\0" * (60 * 1024 * 1024),
        }
    )
    assert len(bomb) < 200_000
    for data in (bomb, b"not a zip at all", _zip({"hello.txt": b"hi"})):
        response = _upload(client, scored_round, data)
        assert response.status_code == 400 and response.context["refused"]
    big = SimpleUploadedFile("big.xlsx", b"0" * (offline.conf.WORKBOOK_MAX_UPLOAD_BYTES + 1))
    response = client.post(
        reverse("reports:workbook_upload", args=[scored_round.key, ALMERE]), {"workbook": big}
    )
    assert response.status_code == 400
    assert re.search(r"5 MB", response.content.decode())
    assert not WorkbookImport.objects.exists()


def test_a_file_edited_by_a_spreadsheet_program_keeps_its_meaning(scored_round):
    """Spreadsheet programs rewrite numbers and booleans in the hidden sheet (LibreOffice writes
    TRUE as a formula); everything there is text, so the signature holds."""
    assessment = _assessment(scored_round)
    data = offline.build_workbook(assessment)
    book = openpyxl.load_workbook(io.BytesIO(data))
    meta = book[offline.META_SHEET]
    assert all(
        cell.data_type == "s" for row in meta.iter_rows() for cell in row if cell.value is not None
    )
    reading = offline.read_workbook(_bytes(book), assessment)
    assert reading.errors == [] and reading.changes == []
