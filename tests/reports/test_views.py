"""Report pages, chart images and jobs: permissions, progress, downloads and their audit."""

import re

import pytest
from django.urls import reverse

from normmonitor.audit.models import AuditEvent
from normmonitor.reports import jobs
from normmonitor.reports.models import ReportJob

from .conftest import ALMERE, LELYSTAD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("admin", 200),
        ("coordinator", 200),
        ("almere", 403),
        ("almere_reader", 403),
        ("nobody", 403),
    ],
)
def test_region_report_page_permissions(client, users, scored_round, user, status):
    client.force_login(users[user])
    response = client.get(reverse("reports:region", args=[scored_round.key]))
    assert response.status_code == status
    chart = client.get(reverse("reports:region_chart", args=[scored_round.key, "map"]))
    assert chart.status_code == status


@pytest.mark.parametrize(
    ("user", "organisation", "status"),
    [
        ("almere", ALMERE, 200),
        ("almere_reader", ALMERE, 200),
        ("coordinator", ALMERE, 200),
        ("admin", LELYSTAD, 200),
        ("almere", LELYSTAD, 403),
        ("almere_reader", LELYSTAD, 403),
        ("nobody", ALMERE, 403),
    ],
)
def test_organisation_report_page_permissions(
    client, users, scored_round, user, organisation, status
):
    client.force_login(users[user])
    url = reverse("reports:organisation", args=[scored_round.key, organisation])
    assert client.get(url).status_code == status
    chart = reverse("reports:organisation_chart", args=[scored_round.key, organisation, "trend"])
    assert client.get(chart).status_code == status


def test_region_page_has_charts_as_images_and_no_inline_style_or_script(
    client, users, scored_round
):
    client.force_login(users["coordinator"])
    body = client.get(reverse("reports:region", args=[scored_round.key])).content.decode()
    images = re.findall(r'<img src="([^"]+)" alt="([^"]+)"', body)
    assert len(images) == 6
    assert all(alt.strip() for _src, alt in images)
    assert ' style="' not in body
    assert not re.search(r"<script(?![^>]*\bsrc=)", body)  # only script files
    assert "Grenzen: © CBS / PDOK, vereenvoudigd" in body
    assert body.count("<details") == 6  # every chart's figures as a table


def test_chart_is_served_as_svg_with_a_strict_policy(client, users, scored_round):
    client.force_login(users["coordinator"])
    response = client.get(reverse("reports:region_chart", args=[scored_round.key, "heatmap"]))
    assert response["Content-Type"].startswith("image/svg+xml")
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert response.content.startswith(b"<svg")
    missing = client.get(reverse("reports:region_chart", args=[scored_round.key, "nope"]))
    assert missing.status_code == 404


def test_report_job_runs_shows_progress_and_downloads_once_audited(client, users, scored_round):
    client.force_login(users["coordinator"])
    response = client.post(
        reverse("reports:region_request", args=[scored_round.key]), {"format": "html"}
    )
    job = ReportJob.objects.get()
    assert response.url == reverse("reports:job", args=[job.pk])
    assert job.state == ReportJob.State.DONE and job.progress == 100
    status = client.get(reverse("reports:job_status", args=[job.pk])).content.decode()
    assert "hx-get" not in status  # finished: the page stops polling
    assert reverse("reports:job_download", args=[job.pk]) in status
    download = client.get(reverse("reports:job_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download.content.startswith(b"<!DOCTYPE html>")
    event = AuditEvent.objects.get(name="report.downloaded")
    assert event.actor == users["coordinator"] and event.round == scored_round
    assert event.data["format"] == "html"


def test_a_running_job_is_polled(client, users, scored_round, settings):
    settings.NORMMONITOR_REPORTS_WORKER = "external"
    client.force_login(users["coordinator"])
    client.post(reverse("reports:region_request", args=[scored_round.key]), {"format": "pdf"})
    job = ReportJob.objects.get()
    assert job.state == ReportJob.State.QUEUED
    page = client.get(reverse("reports:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "<progress" in page
    assert "<noscript>" in page  # without JavaScript: a link to look again
    early = client.get(reverse("reports:job_download", args=[job.pk]))
    assert early.status_code == 302


def test_only_the_requester_sees_and_downloads_a_job(client, users, scored_round, make_user):
    client.force_login(users["coordinator"])
    client.post(reverse("reports:region_request", args=[scored_round.key]), {"format": "html"})
    job = ReportJob.objects.get()
    client.force_login(users["admin"])
    assert client.get(reverse("reports:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:job_download", args=[job.pk])).status_code == 404


def test_editor_cannot_request_the_region_report(client, users, scored_round):
    client.force_login(users["almere"])
    response = client.post(
        reverse("reports:region_request", args=[scored_round.key]), {"format": "pdf"}
    )
    assert response.status_code == 403
    assert not ReportJob.objects.exists()


def test_unknown_format_is_refused_with_a_message(client, users, scored_round):
    client.force_login(users["coordinator"])
    response = client.post(
        reverse("reports:region_request", args=[scored_round.key]), {"format": "exe"}, follow=True
    )
    assert not ReportJob.objects.exists()
    assert "exe" in response.content.decode()


def test_round_export_job_is_audited_as_created(client, users, scored_round):
    client.force_login(users["coordinator"])
    client.post(reverse("reports:round_export", args=[scored_round.key]), {"format": "xlsx"})
    job = ReportJob.objects.get()
    assert job.filename == "export-flevoland-test.xlsx"
    event = AuditEvent.objects.get(name="export.created")
    assert event.data["format"] == "xlsx" and event.actor == users["coordinator"]
    client.get(reverse("reports:job_download", args=[job.pk]))
    assert AuditEvent.objects.filter(name="export.downloaded").count() == 1


def test_round_export_is_for_coordinators(client, users, scored_round):
    client.force_login(users["almere"])
    response = client.post(
        reverse("reports:round_export", args=[scored_round.key]), {"format": "csv"}
    )
    assert response.status_code == 403


def test_installation_export_is_for_administrators(client, users, scored_round):
    client.force_login(users["coordinator"])
    assert client.post(reverse("reports:installation_export")).status_code == 403
    client.force_login(users["admin"])
    client.post(reverse("reports:installation_export"))
    job = ReportJob.objects.get()
    assert job.state == ReportJob.State.DONE and job.filename.endswith(".json")


def test_a_job_fails_when_the_requester_lost_the_permission(users, scored_round, settings):
    settings.NORMMONITOR_REPORTS_WORKER = "external"
    job = jobs.job_create(
        actor=users["coordinator"],
        kind=ReportJob.Kind.REPORT,
        fmt="html",
        monitoring_round=scored_round,
    )
    users["coordinator"].memberships.all().delete()
    from normmonitor.access.policy import forget_grants

    forget_grants(users["coordinator"])
    assert jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.state == ReportJob.State.FAILED and job.result is None


def test_index_lists_what_the_user_may_open(client, users, scored_round):
    client.force_login(users["almere"])
    body = client.get(reverse("reports:index")).content.decode()
    assert reverse("reports:organisation", args=[scored_round.key, ALMERE]) in body
    assert reverse("reports:organisation", args=[scored_round.key, LELYSTAD]) not in body
    region = f'href="{reverse("reports:region", args=[scored_round.key])}"'
    assert region not in body
    client.force_login(users["coordinator"])
    body = client.get(reverse("reports:index")).content.decode()
    assert region in body


def test_links_from_the_dashboard_and_the_assessment(client, users, scored_round):
    client.force_login(users["coordinator"])
    dashboard = client.get(reverse("dashboard:round", args=[scored_round.key])).content.decode()
    assert reverse("reports:region", args=[scored_round.key]) in dashboard
    client.force_login(users["almere"])
    detail = client.get(reverse("assessments:detail", args=[scored_round.key, ALMERE]))
    body = detail.content.decode()
    assert reverse("reports:organisation", args=[scored_round.key, ALMERE]) in body
    assert reverse("reports:workbook_upload", args=[scored_round.key, ALMERE]) in body


def test_the_page_hands_its_charts_to_the_image_requests(client, users, scored_round):
    client.force_login(users["coordinator"])
    body = client.get(reverse("reports:region", args=[scored_round.key])).content.decode()
    src = re.search(r'<img src="([^"]+/grafiek/map\.svg\?v=[0-9a-f]{32})"', body).group(1)
    served = client.get(src.replace("&amp;", "&"))
    assert served.status_code == 200 and b"Almere" in served.content
    # The permission is checked before the drawn chart is handed out.
    client.force_login(users["almere"])
    assert client.get(src).status_code == 403
    # Without (or with a stale) token the chart is drawn anew.
    client.force_login(users["coordinator"])
    fresh = client.get(src.split("?")[0] + "?v=" + "0" * 32)
    assert fresh.status_code == 200 and fresh.content == served.content
