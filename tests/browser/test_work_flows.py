"""The other flows of the work in a real browser: logging in with a second factor, the working
group's review, evidence, a document to scan, a report to download, and loading a norm."""

import re

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.utils import timezone

from normmonitor.assessments.models import Answer, Assessment
from normmonitor.audit.models import AuditEvent
from normmonitor.evidence.models import Evidence
from normmonitor.norms.models import NormVersion
from normmonitor.norms.normfile import FLEVOLANDSE_NORM_PATH
from tests.browser.conftest import axe_violations, screenshot
from tests.conftest import ALMERE, PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def submitted(users, open_round, norm_version) -> Assessment:
    """Almere's assessment, every item rated by its editor and submitted."""
    assessment = Assessment.objects.get(round=open_round, organisation__code=ALMERE)
    achieved = norm_version.scale.get(code="behaald")
    Answer.objects.filter(assessment=assessment).update(
        level=achieved, explanation="Op orde.", updated_by=users["almere"], version=1
    )
    Assessment.objects.filter(pk=assessment.pk).update(
        status="submitted", submitted_at=timezone.now(), submitted_by=users["almere"], version=1
    )
    assessment.refresh_from_db()
    return assessment


def test_login_with_an_authenticator_app(page, users):
    secret = generate_totp_secret()
    TOTP.activate(users["coordinator"], secret)
    page.goto("/login/")
    page.get_by_label("Gebruikersnaam").fill("coordinator")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile("/2fa/authenticate/"))
    screenshot(page, "login-second-factor")
    assert axe_violations(page) == []
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    page.locator("input[name=code]").fill(code)
    page.locator("main").get_by_role("button").first.click()
    page.wait_for_url(lambda url: "/2fa/" not in url and "/login/" not in url)
    assert page.locator("h1").inner_text().startswith("Welkom")


def test_working_group_requests_a_change_and_the_editor_sees_it(
    page, log_in, users, open_round, submitted
):
    log_in("coordinator")
    # The submission is a task on the coordinator's start page.
    review_url = f"/rondes/{open_round.key}/{ALMERE}/beoordelen/"
    page.locator(f".task a[href='{review_url}']").click()
    page.wait_for_url(re.compile("/beoordelen/$"))
    screenshot(page, "coordinator-review")
    assert axe_violations(page) == []
    item = page.locator("#item-3\\.1")
    item.get_by_label(re.compile("Opmerking|Comment")).fill("Graag het vastgestelde beleid noemen.")
    with page.expect_navigation():
        item.get_by_role("button", name=re.compile("wijziging|change", re.I)).click()
    answer = Answer.objects.get(assessment=submitted, requirement__code="3.1")
    assert answer.review_status == "changes_requested"

    # The working group sends the assessment back: it returns to the editor as a task.
    page.locator("#return-comment").fill("Zie de vraag bij 3.1.")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("terug|back", re.I)).last.click()
    submitted.refresh_from_db()
    assert submitted.status == "changes_requested"
    page.context.clear_cookies()
    log_in("almere")
    task = page.locator(".task--changes_requested")
    assert task.locator("a").get_attribute("href") == f"/rondes/{open_round.key}/{ALMERE}/invullen/"
    assert re.search("1 (onderdeel|item)", task.inner_text()), task.inner_text()
    screenshot(page, "almere-start-change-requested")
    assert axe_violations(page) == []


def test_editor_adds_a_document_as_evidence(page, log_in, users, open_round, tmp_path):
    log_in("almere")
    page.goto(f"/rondes/{open_round.key}/{ALMERE}/invullen/")
    page.locator("#item-1\\.1").get_by_role("link", name=re.compile("document", re.I)).first.click()
    page.wait_for_url(re.compile("/bewijs/$"))
    evidence = tmp_path / "raadsinformatiebrief.txt"
    evidence.write_text("Raadsinformatiebrief over ondermijning, 12 maart 2023.\n", "utf-8")
    page.locator("input[type=file]").set_input_files(str(evidence))
    screenshot(page, "almere-evidence-upload")
    assert axe_violations(page) == []
    page.locator("main form").get_by_role("button").last.click()
    page.wait_for_load_state()
    assert Evidence.objects.filter(answer__requirement__code="1.1").count() == 1
    assert page.get_by_text("raadsinformatiebrief.txt").first.is_visible()


def test_editor_uploads_a_document_to_scan(page, log_in, users, open_round, tmp_path):
    log_in("almere")
    page.goto(f"/documenten/nieuw/{ALMERE}/")
    apv = tmp_path / "apv-almere.txt"
    apv.write_text(
        "Algemene plaatselijke verordening Almere\n\n"
        "Artikel 2:79 Bestuurlijke aanpak ondermijning\n"
        "De burgemeester kan een vergunning weigeren met toepassing van de Wet Bibob.\n",
        "utf-8",
    )
    page.locator("input[type=file]").set_input_files(str(apv))
    page.get_by_role("button", name=re.compile("scan", re.I)).click()
    page.wait_for_url(re.compile(r"/documenten/\d+/$"))
    screenshot(page, "almere-document-scan")
    assert axe_violations(page) == []


def test_editor_downloads_a_report(page, log_in, users, open_round, settings):
    settings.NORMMONITOR_REPORTS_WORKER = "inline"
    log_in("almere")
    page.goto(f"/rapporten/{open_round.key}/{ALMERE}/")
    page.get_by_role("button", name="HTML").click()
    page.wait_for_url(re.compile("/rapporten/taak/"))
    link = page.locator(".job a[href$='/bestand/']")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".html")
    screenshot(page, "almere-report-ready")
    assert axe_violations(page) == []


def test_administrator_checks_and_loads_a_norm_file(page, log_in, users, tmp_path):
    log_in("admin")
    page.goto("/beheer/normen/")
    broken = tmp_path / "kapot.yaml"
    broken.write_text(FLEVOLANDSE_NORM_PATH.read_text("utf-8").replace("themes:", "themas:", 1))
    page.locator("input[type=file]").set_input_files(str(broken))
    page.get_by_role("button", name=re.compile("^(Controleren|Check)$")).click()
    page.locator(".problem-list").wait_for()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    screenshot(page, "admin-norm-problems")
    assert axe_violations(page) == []

    page.locator("input[type=file]").set_input_files(str(FLEVOLANDSE_NORM_PATH))
    page.get_by_role("button", name=re.compile("laden|load", re.I)).click()
    page.wait_for_url(re.compile(r"/beheer/normen/\d+/$"))
    assert page.locator(".norm-tree [lang=nl]").count() > 30
    assert NormVersion.objects.count() == 1
    assert AuditEvent.objects.filter(name="norm.loaded", actor=users["admin"]).count() == 1
