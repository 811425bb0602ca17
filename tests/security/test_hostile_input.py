"""Hostile input: guessed ids, forged requests, script injection in every free-text field,
upload attacks, brute force, session fixation, open redirects and tampered forms."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from normmonitor.assessments import services as assessment_services
from normmonitor.assessments.models import Answer, Assessment, ReviewComment
from normmonitor.audit.models import AuditEvent
from normmonitor.evidence import services as evidence_services
from normmonitor.evidence.models import Evidence
from normmonitor.norms.models import Requirement
from normmonitor.organisations.models import Organisation
from tests.conftest import ALMERE, LELYSTAD, PASSWORD
from tests.evidence import samples

pytestmark = pytest.mark.django_db

XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'


def answer_of(monitoring_round, organisation: str, code: str) -> Answer:
    return Answer.objects.select_related("assessment__round", "assessment__organisation").get(
        assessment__round=monitoring_round,
        assessment__organisation__code=organisation,
        requirement__code=code,
    )


# -- Guessing ids ----------------------------------------------------------------------------------


def test_guessed_evidence_and_answer_ids_reach_only_ones_own(client, users, open_round):
    own = evidence_services.evidence_add(
        actor=None,
        answer=answer_of(open_round, ALMERE, "1.1"),
        uploaded_file=samples.upload("a.pdf", samples.PDF),
    )
    for code in (LELYSTAD, "GM0303", "GM0184"):
        evidence_services.evidence_add(
            actor=None,
            answer=answer_of(open_round, code, "1.1"),
            uploaded_file=samples.upload("b.pdf", samples.PDF),
        )
    client.force_login(users["almere"])
    reachable = [
        pk
        for pk in range(1, Evidence.objects.order_by("-pk").first().pk + 5)
        if client.get(reverse("evidence:download", args=[pk])).status_code == 200
    ]
    assert reachable == [own.pk]
    # Every answer id of the round under Almere's URL: only Almere's are accepted.
    level = open_round.norm_version.scale.get(code="behaald")
    for answer in Answer.objects.filter(assessment__round=open_round).exclude(
        assessment__organisation__code=ALMERE
    )[:40]:
        url = reverse("assessments:answer", args=[open_round.key, ALMERE, answer.pk])
        data = {f"a{answer.pk}-level": level.pk, f"a{answer.pk}-version": answer.version}
        assert client.post(url, data).status_code == 404
    assert (
        not Answer.objects.exclude(assessment__organisation__code=ALMERE)
        .filter(level__isnull=False)
        .exists()
    )


# -- Cross-site request forgery --------------------------------------------------------------------


def test_every_form_needs_its_csrf_token(users, open_round, norm_version):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["almere"])
    answer = answer_of(open_round, ALMERE, "2.2")
    level = norm_version.scale.get(code="behaald")
    data = {f"a{answer.pk}-level": level.pk, f"a{answer.pk}-version": 0}
    save = reverse("assessments:answer", args=[open_round.key, ALMERE, answer.pk])
    forged = [
        (save, data),
        (reverse("assessments:submit", args=[open_round.key, ALMERE]), {}),
        (reverse("assessments:comments", args=[open_round.key, ALMERE, answer.pk]), {"text": "x"}),
        (
            reverse("evidence:upload", args=[open_round.key, ALMERE, answer.pk]),
            {"file": samples.upload("a.pdf", samples.PDF)},
        ),
        (reverse("accounts:logout_everywhere"), {}),
        (reverse("logout"), {}),
        (reverse("set_language"), {"language": "en"}),
    ]
    for url, payload in forged:
        assert client.post(url, payload).status_code == 403, url
    assert answer_of(open_round, ALMERE, "2.2").level is None
    assert not Evidence.objects.exists() and not ReviewComment.objects.exists()
    # With the token from the page, the same save goes through.
    page = client.get(reverse("assessments:fill", args=[open_round.key, ALMERE]))
    token = page.context["csrf_token"]
    assert client.post(save, {**data, "csrfmiddlewaretoken": str(token)}).status_code == 302
    assert answer_of(open_round, ALMERE, "2.2").level == level


def test_login_form_needs_its_csrf_token(users):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/login/", {"login": "almere", "password": PASSWORD}).status_code == 403


# -- Script injection ------------------------------------------------------------------------------


def test_free_text_is_rendered_escaped_everywhere(client, users, open_round, norm_version):
    almere = Organisation.objects.get(code=ALMERE)
    Organisation.objects.filter(pk=almere.pk).update(name=f"Almere {XSS}")
    Requirement.objects.filter(norm_version=norm_version, code="3.1").update(text=f"Norm {XSS}")
    users["almere"].first_name = XSS
    users["almere"].save()
    open_round.name = f"Ronde {XSS}"
    open_round.save()
    assessment = Assessment.objects.get(round=open_round, organisation=almere)
    Answer.objects.filter(assessment=assessment).update(
        level=norm_version.scale.get(code="behaald"), updated_by=users["almere"], version=1
    )
    answer = answer_of(open_round, ALMERE, "3.1")
    answer = assessment_services.answer_update(
        actor=users["almere"],
        answer=answer,
        level=norm_version.scale.get(code="gedeeltelijk"),
        explanation=f"Toelichting {XSS}",
        planned_date=None,
        owner=f"Eigenaar {XSS}",
        expected_version=answer.version,
    )
    assessment_services.comment_add(actor=users["almere"], answer=answer, text=f"Reactie {XSS}")
    answer = assessment_services.deviation_propose(
        actor=users["almere"],
        answer=answer,
        motivation=f"Maatwerk {XSS}",
        expected_version=answer.version,
    )
    evidence = evidence_services.evidence_add(
        actor=users["almere"],
        answer=answer,
        uploaded_file=samples.upload(f"{XSS}.pdf", samples.PDF),
        note=f"Notitie {XSS}",
    )
    assessment_services.assessment_submit(actor=users["almere"], assessment=assessment)
    pages = {
        "almere": [
            reverse("assessments:detail", args=[open_round.key, ALMERE]),
            reverse("assessments:comments", args=[open_round.key, ALMERE, answer.pk]),
            reverse("evidence:detail", args=[evidence.pk]),
            reverse("rounds:heatmap", args=[open_round.key]),
            reverse("organisations:detail", args=[ALMERE]),
            reverse("accounts:overview"),
            "/",
        ],
        "coordinator": [
            reverse("assessments:review", args=[open_round.key, ALMERE]),
            reverse("dashboard:round", args=[open_round.key]),
            reverse("audit:list"),
        ],
    }
    for who, urls in pages.items():
        client.force_login(users[who])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert "<script>alert(" not in html, url
            assert "<img src=x onerror" not in html, url


# -- Upload attacks --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("kaart.png", samples.png(extra=samples.plain_zip()), "PNG"),
        ("foto.jpg", samples.jpeg(b"<script>alert(1)</script>"), ""),
        ("beleid.docx", samples.zip_bomb_docx(20), "zip"),
        ("signalen.xlsx", samples.zip_bomb_xlsx(20), "zip"),
        ("beleid.docx", samples.docx({"word/vbaProject.bin": b"macro"}), "macro"),
        ("beleid.pdf", b"MZ\x90\x00 this is an executable", ""),
        ("pagina.txt", b"<!DOCTYPE html><html><script>alert(1)</script></html>", ""),
        ("pagina.html", b"<html></html>", ""),
        ("image.svg", b"<svg onload=alert(1)></svg>", ""),
    ],
)
def test_hostile_uploads_are_refused(client, users, open_round, name, data, message):
    answer = answer_of(open_round, ALMERE, "3.1")
    client.force_login(users["almere"])
    url = reverse("evidence:upload", args=[open_round.key, ALMERE, answer.pk])
    response = client.post(url, {"file": samples.upload(name, data)})
    assert response.status_code == 400
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    "name", ["../../../etc/passwd.pdf", "..\\..\\boot.ini.pdf", "/absolute/x.pdf", "C:\\x\\y.pdf"]
)
def test_path_traversal_names_stay_names(client, users, open_round, name, evidence_root):
    answer = answer_of(open_round, ALMERE, "3.1")
    client.force_login(users["almere"])
    url = reverse("evidence:upload", args=[open_round.key, ALMERE, answer.pk])
    assert client.post(url, {"file": samples.upload(name, samples.PDF)}).status_code == 302
    stored = Evidence.objects.get()
    assert "/" not in stored.name and "\\" not in stored.name and not stored.name.startswith(".")
    files = [p for p in evidence_root.rglob("*") if p.is_file()]
    assert files == [evidence_root / stored.sha256[:2] / stored.sha256]


@override_settings(EVIDENCE_MAX_UPLOAD_BYTES=10_000, NORMMONITOR_MAX_UPLOAD_BYTES=20_000)
def test_oversize_uploads_are_refused(client, users, open_round):
    answer = answer_of(open_round, ALMERE, "3.1")
    client.force_login(users["almere"])
    url = reverse("evidence:upload", args=[open_round.key, ALMERE, answer.pk])
    text = b"regel\n" * 3000  # 18 kB: over the evidence limit
    response = client.post(url, {"file": samples.upload("groot.txt", text)})
    assert response.status_code == 400 and "MB" in response.content.decode()
    huge = b"regel\n" * 20_000  # 120 kB: cut off while it streams in
    response = client.post(url, {"file": samples.upload("enorm.txt", huge)})
    assert response.status_code == 400
    assert not Evidence.objects.exists()


@pytest.fixture
def evidence_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


# -- Brute force, session fixation, open redirects -------------------------------------------------


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_brute_force_is_locked_out(users):
    cache.clear()
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [
        attacker.post("/login/", {"login": "coordinator", "password": f"guess-{i}"}).status_code
        for i in range(8)
    ]
    # Four failures are answered with the form again; the fifth locks the account (django-axes,
    # 429). Later attempts are refused by the lockout or by allauth's own rate limit.
    assert statuses[:5] == [200, 200, 200, 200, 429], statuses
    attacker.post("/login/", {"login": "coordinator", "password": PASSWORD})
    assert attacker.get("/").status_code == 302  # even the right password did not let them in
    elsewhere = Client(REMOTE_ADDR="198.51.100.1")  # nor from another address
    response = elsewhere.post("/login/", {"login": "coordinator", "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert elsewhere.get("/").status_code == 302
    assert AuditEvent.objects.filter(name="auth.login_failed").count() >= 5
    assert AuditEvent.objects.filter(name="auth.locked_out").exists()
    assert not AuditEvent.objects.filter(name="auth.login").exists()


def test_session_fixation(users, settings):
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "attacker-chosen-session-key"
    client.get("/login/")
    planted = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/login/", {"login": "almere", "password": PASSWORD})
    assert client.cookies[settings.SESSION_COOKIE_NAME].value not in (
        planted,
        "attacker-chosen-session-key",
    )
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = planted
    assert attacker.get("/").status_code == 302  # the planted key grants nothing


OFFSITE = ["https://evil.example/", "//evil.example/", "/\\evil.example/", "https:evil.example"]


@pytest.mark.parametrize("target", OFFSITE)
def test_no_open_redirects(client, users, open_round, target):
    response = client.post("/login/", {"login": "almere", "password": PASSWORD, "next": target})
    assert response["Location"] == "/"
    response = client.post(reverse("set_language"), {"language": "en", "next": target})
    assert "evil.example" not in response.get("Location", "")
    answer = answer_of(open_round, ALMERE, "1.1")
    response = client.post(
        reverse("assessments:comments", args=[open_round.key, ALMERE, answer.pk]),
        {"text": "x", "next": target},
    )
    assert "evil.example" not in response.get("Location", "")


# -- Privilege escalation through tampered forms ---------------------------------------------------


def test_tampered_forms_do_not_escalate(client, users, open_round, norm_version):
    almere = Assessment.objects.get(round=open_round, organisation__code=ALMERE)
    answer = answer_of(open_round, ALMERE, "1.1")
    client.force_login(users["almere"])
    level = norm_version.scale.get(code="behaald")
    # Extra fields for review state and deviation are ignored by the editor's save.
    url = reverse("assessments:answer", args=[open_round.key, ALMERE, answer.pk])
    client.post(
        url,
        {
            f"a{answer.pk}-level": level.pk,
            f"a{answer.pk}-version": 0,
            "review_status": "accepted",
            f"a{answer.pk}-review_status": "accepted",
            "deviation_status": "accepted",
            "updated_by": users["coordinator"].pk,
        },
    )
    saved = answer_of(open_round, ALMERE, "1.1")
    assert saved.level == level and saved.review_status == "pending"
    assert saved.deviation_status == "" and saved.updated_by == users["almere"]
    # An editor cannot review, decide a deviation, finish or return the review.
    Answer.objects.filter(assessment=almere).update(level=level, updated_by=users["almere"])
    assessment_services.assessment_submit(actor=users["almere"], assessment=almere)
    for name, data in (
        ("review_item", {"decision": "accept", "version": 2}),
        ("deviation_decide", {"decision": "accept", "version": 2}),
    ):
        response = client.post(
            reverse(f"assessments:{name}", args=[open_round.key, ALMERE, answer.pk]), data
        )
        assert response.status_code == 403, name
    for name in ("finish_review", "return"):
        response = client.post(
            reverse(f"assessments:{name}", args=[open_round.key, ALMERE]), {"comment": "x"}
        )
        assert response.status_code == 403, name
    # A coordinator cannot fill in, and a reader nothing at all.
    for who in ("coordinator", "almere_reader"):
        client.force_login(users[who])
        assert client.post(url, {f"a{answer.pk}-level": level.pk}).status_code == 403
    almere.refresh_from_db()
    assert almere.status == "submitted"
    assert not Answer.objects.filter(assessment=almere, review_status="accepted").exists()


# -- Headers and error pages -----------------------------------------------------------------------


def test_security_headers_on_every_page(client, users, open_round):
    client.force_login(users["almere"])
    for url in ("/", reverse("assessments:fill", args=[open_round.key, ALMERE]), "/login/"):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp and "form-action 'self'" in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]
    assert "no-store" in client.get("/")["Cache-Control"]


def test_error_pages_show_no_internals(client, users, monkeypatch):
    from normmonitor.dashboard import views

    def broken(request):
        raise RuntimeError("internal detail: /srv/secret/path password=hunter2")

    monkeypatch.setattr(views, "home", broken)
    from django.urls import clear_url_caches

    clear_url_caches()
    client.raise_request_exception = False
    client.force_login(users["almere"])
    response = client.get("/")
    body = response.content.decode()
    if response.status_code == 500:
        assert "hunter2" not in body and "Traceback" not in body
    not_found = client.get("/bestaat-niet/")
    assert not_found.status_code == 404
    assert "urlpatterns" not in not_found.content.decode()
    assert "Traceback" not in not_found.content.decode()
