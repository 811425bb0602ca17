"""The pages: upload, findings beside the text, adoption with a confirmation step, the region
matrix and the side-by-side comparison, and what other organisations cannot reach."""

import re

import pytest
from django.urls import reverse

from normmonitor.assessments.models import Answer
from normmonitor.documentscan import services
from normmonitor.documentscan.models import ScannedDocument
from normmonitor.organisations.models import Organisation
from tests.conftest import ALMERE, LELYSTAD

from .conftest import upload

pytestmark = pytest.mark.django_db


def scanned(users, organisation=ALMERE, name="apv-oud-model.txt", editor="almere"):
    return services.document_upload(
        actor=users[editor],
        organisation=Organisation.objects.get(code=organisation),
        uploaded_file=upload(name),
    )


def assert_csp_safe(body: str) -> None:
    assert ' style="' not in body
    assert not re.search(r"<script(?![^>]*\bsrc=)", body)


def test_upload_page_and_findings_beside_the_text(client, users, open_round, files):
    client.force_login(users["almere"])
    assert client.get(reverse("documentscan:list")).status_code == 200
    page = client.get(reverse("documentscan:upload", args=[ALMERE]))
    assert page.status_code == 200
    response = client.post(
        reverse("documentscan:upload", args=[ALMERE]),
        {"document": upload("apv-oud-model.txt"), "kind": ""},
    )
    document = ScannedDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("documentscan:detail", args=[document.pk])
    body = client.get(response["Location"]).content.decode()
    assert "Noorderhaven" in body
    # The deciding sentence of 3.2.2 A is highlighted with an anchor, and the finding links to it.
    assert (
        'class="scan-mark scan-mark--present" id="q1-0">de exploitant of een leidinggevende' in body
    )
    assert 'href="#q1-0"' in body
    assert "ECLI:NL:HR:2021:1946" in body
    assert "documentscan/scan.css" in body
    assert_csp_safe(body)


def test_upload_errors_are_shown(client, users, open_round, files):
    client.force_login(users["almere"])
    response = client.post(
        reverse("documentscan:upload", args=[ALMERE]),
        {"document": upload("apv.pdf", b"MZ\x90\x00" * 40), "kind": "apv"},
    )
    assert response.status_code == 400
    assert "not accepted" in response.content.decode() or "niet" in response.content.decode()
    assert not ScannedDocument.objects.exists()


def test_other_organisations_cannot_reach_a_document(client, users, open_round, files):
    scan = scanned(users)
    client.force_login(users["lelystad"])
    for name in ("documentscan:detail", "documentscan:download", "documentscan:adopt"):
        assert client.get(reverse(name, args=[scan.document_id])).status_code == 404
    assert client.get(reverse("documentscan:upload", args=[ALMERE])).status_code == 403
    assert client.get(reverse("documentscan:list")).content.decode().count("Noorderhaven") == 0
    client.force_login(users["almere_reader"])
    assert client.get(reverse("documentscan:detail", args=[scan.document_id])).status_code == 404


def test_coordinator_reads_but_cannot_upload_or_adopt(client, users, open_round, files):
    scan = scanned(users)
    client.force_login(users["coordinator"])
    assert client.get(reverse("documentscan:detail", args=[scan.document_id])).status_code == 200
    assert client.get(reverse("documentscan:upload", args=[ALMERE])).status_code == 403
    assert client.get(reverse("documentscan:adopt", args=[scan.document_id])).status_code == 403


def test_download_is_an_attachment_that_never_renders(client, users, open_round, files):
    scan = scanned(users, name="apv-html.html")
    client.force_login(users["almere"])
    response = client.get(reverse("documentscan:download", args=[scan.document_id]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content) == upload("apv-html.html").read()


def item(open_round, code) -> Answer:
    return Answer.objects.select_related("level").get(
        assessment__round=open_round, assessment__organisation__code=ALMERE, requirement__code=code
    )


def test_adoption_is_confirmed_before_anything_changes(client, users, open_round, files):
    scan = scanned(users)
    client.force_login(users["almere"])
    url = reverse("documentscan:adopt", args=[scan.document_id])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    rows = {row.finding.requirement: row for row in form.rows}
    assert rows["3.2.2.A"].proposed.code == "behaald"
    assert rows["3.2.4"].proposed.code == "gedeeltelijk"
    assert rows["3.2.5"].proposed is None
    index = rows["3.2.2.A"].index
    data = {
        "assessment": page.context["assessment"].pk,
        f"adopt_{index}": "on",
        f"level_{index}": "behaald",
        **{f"version_{row.index}": row.answer.version for row in form.rows},
    }
    preview = client.post(url, {**data, "action": "preview"})
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "Exploitatievergunning horeca" in body and "slecht levensgedrag" in body
    assert 'name="action" value="confirm"' in body
    assert item(open_round, "3.2.2.A").level is None  # nothing saved by the preview
    assert_csp_safe(body)

    # Confirm posts what the preview page carries in its hidden fields, nothing else.
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', body))
    hidden.pop("csrfmiddlewaretoken", None)
    assert hidden[f"adopt_{index}"] == "True" and hidden[f"level_{index}"] == "behaald"
    done = client.post(url, {**hidden, "action": "confirm"})
    assert done.status_code == 302
    assert done["Location"] == reverse("assessments:detail", args=[open_round.key, ALMERE])
    saved = item(open_round, "3.2.2.A")
    assert saved.level.code == "behaald" and "2:28" in saved.explanation
    assert item(open_round, "3.2.1").level is None  # not ticked, not changed


def test_adoption_without_a_choice_or_with_a_stale_item(client, users, open_round, files):
    scan = scanned(users)
    client.force_login(users["almere"])
    url = reverse("documentscan:adopt", args=[scan.document_id])
    page = client.get(url)
    rows = {row.finding.requirement: row for row in page.context["form"].rows}
    base = {
        "assessment": page.context["assessment"].pk,
        **{f"version_{row.index}": row.answer.version for row in rows.values()},
    }
    nothing = client.post(url, {**base, "action": "preview"})
    assert nothing.status_code == 400
    index = rows["3.2.2.A"].index
    stale = client.post(
        url,
        {
            **base,
            f"adopt_{index}": "on",
            f"level_{index}": "behaald",
            f"version_{index}": 5,
            "action": "confirm",
        },
    )
    assert stale.status_code == 409
    assert item(open_round, "3.2.2.A").level is None


def test_matrix_by_role_and_sharing(client, users, open_round, region, files):
    scanned(users)
    scanned(users, organisation=LELYSTAD, name="apv-nieuw-model.txt", editor="lelystad")
    url = reverse("documentscan:matrix", args=[region.key])

    client.force_login(users["coordinator"])
    body = client.get(url).content.decode()
    assert "Almere" in body and "Lelystad" in body
    assert ">2:28</a>" in body and ">2:10</a>" in body  # the numbers each APV uses
    assert 'name="editors_see_region"' in body
    assert_csp_safe(body)

    client.force_login(users["almere"])
    body = client.get(url).content.decode()
    assert "Almere" in body and "Lelystad" not in body
    compare = reverse("documentscan:compare", args=[region.key])
    response = client.get(compare, {"onderwerp": "3.2.2.A", "links": ALMERE, "rechts": LELYSTAD})
    assert response.context["comparison"] is None  # Lelystad is not visible to Almere
    assert (
        client.post(
            reverse("documentscan:sharing", args=[region.key]), {"editors_see_region": "on"}
        ).status_code
        == 403
    )

    client.force_login(users["coordinator"])
    client.post(reverse("documentscan:sharing", args=[region.key]), {"editors_see_region": "on"})
    client.force_login(users["almere"])
    assert "Lelystad" in client.get(url).content.decode()
    response = client.get(compare, {"onderwerp": "3.2.2.A", "links": ALMERE, "rechts": LELYSTAD})
    comparison = response.context["comparison"]
    assert comparison.left.finding.article == "2:28" and comparison.right.finding.article == "2:28"
    body = response.content.decode()
    assert '<del class="diff diff--removed">' in body and '<ins class="diff diff--added">' in body
    assert 0 < comparison.similarity < 1


def test_navigation_entry(client, users):
    client.force_login(users["almere"])
    assert reverse("documentscan:list") in client.get(reverse("dashboard:home")).content.decode()
    client.force_login(users["nobody"])
    assert (
        reverse("documentscan:list") not in client.get(reverse("dashboard:home")).content.decode()
    )


def test_matrix_rows_follow_who_the_requirements_apply_to(client, users, open_round, region):
    client.force_login(users["coordinator"])
    url = reverse("documentscan:matrix", args=[region.key])
    apv = client.get(url)
    assert [row.organisation.type for row in apv.context["rows"]] == ["gemeente"] * 6
    bibob = client.get(url, {"soort": "bibob"})
    province = next(row for row in bibob.context["rows"] if row.organisation.type == "provincie")
    # Branches A-F are municipal powers; G-I apply to the province too.
    assert [cell.applicable for cell in province.cells] == [False] * 6 + [True] * 3


def test_comparison_ignores_line_wrapping(users, open_round, files):
    from normmonitor.documentscan import selectors

    scanned(users, name="apv-pdf.pdf")  # wrapped lines, as a PDF is read
    scanned(users, organisation=LELYSTAD, name="apv-oud-model.txt", editor="lelystad")
    almere, lelystad = (Organisation.objects.get(code=code) for code in (ALMERE, LELYSTAD))
    comparison = selectors.compare_members(almere, lelystad, "3.2.2.A", "apv")
    assert "\n2. De burgemeester" in comparison.left.text  # members keep their lines
    assert "van de\nburgemeester" not in comparison.left.text  # a wrapped sentence is joined
    changed = [
        text for kind, text in comparison.left_pieces + comparison.right_pieces if kind != "same"
    ]
    assert changed and not any(text.isspace() for text in changed)
