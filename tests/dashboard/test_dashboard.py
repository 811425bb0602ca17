import re

import pytest
from django.urls import reverse

from normmonitor.assessments.models import Answer
from normmonitor.norms.models import ScaleLevel

pytestmark = pytest.mark.django_db


def test_coordinator_sees_region_dashboard_with_heatmap(client, users, open_round):
    client.force_login(users["coordinator"])
    response = client.get(reverse("dashboard:round", args=[open_round.key]))
    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    assert len(dashboard.organisations) == 7
    assert len(dashboard.ambitions) == 22
    body = response.content.decode()
    heatmap = body[body.index('class="heatmap"') :]
    heatmap = heatmap[: heatmap.index("</table>")]
    rows = re.findall(r"<tr>\s*<th scope=\"row\">", heatmap)
    assert len(rows) == 7
    # Meaning is carried by text, not colour alone: every cell has a hidden description.
    assert heatmap.count('class="visually-hidden"') >= 7 * 22


def test_dashboard_figures_follow_the_answers(client, users, open_round, norm_version):
    achieved = ScaleLevel.objects.get(norm_version=norm_version, code="behaald")
    Answer.objects.filter(assessment__round=open_round).update(level=achieved)
    client.force_login(users["coordinator"])
    response = client.get(reverse("dashboard:round", args=[open_round.key]))
    total = response.context["dashboard"].total
    assert (total.achieved, total.applicable) == (143, 143)
    assert "100%" in response.content.decode()


def test_editor_has_no_region_dashboard_but_a_start_page_task(client, users, open_round):
    client.force_login(users["almere"])
    assert client.get(reverse("dashboard:round", args=[open_round.key])).status_code == 403
    home = client.get(reverse("dashboard:home"))
    assert home.status_code == 200
    assert reverse("assessments:fill", args=[open_round.key, "GM0034"]) in home.content.decode()


def test_heatmap_has_a_text_alternative_listing_the_weak_points(client, users, open_round):
    achieved = ScaleLevel.objects.get(norm_version=open_round.norm_version, code="behaald")
    missing = ScaleLevel.objects.get(norm_version=open_round.norm_version, code="niet-behaald")
    Answer.objects.filter(assessment__round=open_round).update(level=achieved)
    Answer.objects.filter(
        assessment__round=open_round,
        assessment__organisation__code="GM0034",
        requirement__code="1.1",
    ).update(level=missing, explanation="Nog niet")
    client.force_login(users["coordinator"])
    response = client.get(reverse("dashboard:round", args=[open_round.key]))
    [point] = response.context["dashboard"].weak_points
    assert point.ambition.code == "1.1"
    assert [o.code for o in point.not_achieved] == ["GM0034"] and point.partial == []
    body = response.content.decode()
    assert 'class="heatmap-text"' in body
    # The ambitions' Dutch text is marked as Dutch, also when the interface is English.
    assert '<abbr title="' in body and 'lang="nl">1.1</abbr>' in body


def test_a_large_region_is_shown_a_page_of_organisations_at_a_time(open_round):
    from normmonitor.core.pagination import page_number
    from normmonitor.dashboard.selectors import round_dashboard

    whole = round_dashboard(open_round)
    first = round_dashboard(open_round, page=1, page_size=3)
    last = round_dashboard(open_round, page=3, page_size=3)
    assert [len(d.organisations) for d in (whole, first, last)] == [7, 3, 1]
    assert first.organisation_count == last.organisation_count == whole.organisation_count == 7
    shown = [
        row.organisation
        for d in (first, round_dashboard(open_round, 2, 3), last)
        for row in d.organisations
    ]
    assert shown == [row.organisation for row in whole.organisations]
    # A page past the end is the last one; the figures are always the whole region's.
    assert round_dashboard(open_round, page=99, page_size=3).organisations == last.organisations
    assert first.total == whole.total
    assert [page_number(v) for v in (None, "", "2", "-4", "x", "0")] == [1, 1, 2, 1, 1, 1]


def test_the_heatmap_cells_say_in_text_what_their_colour_says(
    client, users, open_round, norm_version
):
    achieved = ScaleLevel.objects.get(norm_version=norm_version, code="behaald")
    Answer.objects.filter(
        assessment__round=open_round,
        assessment__organisation__code="GM0034",
        requirement__code="1.1",
    ).update(level=achieved)
    client.force_login(users["coordinator"])
    body = client.get(reverse("dashboard:round", args=[open_round.key])).content.decode()
    assert (
        '<td class="cell cell--achieved" title="1.1: behaald"><span aria-hidden="true">✓</span>'
        '<span class="visually-hidden">behaald</span></td>'
    ) in body
    assert 'class="pagination"' not in body  # seven organisations fit on one page
