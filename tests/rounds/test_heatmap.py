"""Members of the region see the region's ratings where the region allows it — never the
explanations, documents or comments of another organisation."""

import pytest
from django.urls import reverse

from normmonitor.assessments.models import Answer
from tests.conftest import ALMERE, LELYSTAD

pytestmark = pytest.mark.django_db

SECRET = "Geheime toelichting van Lelystad"


def test_members_see_ratings_but_not_explanations(client, users, open_round, norm_version):
    Answer.objects.filter(
        assessment__round=open_round, assessment__organisation__code=LELYSTAD
    ).update(level=norm_version.scale.get(code="behaald"), explanation=SECRET)
    client.force_login(users["almere"])
    page = client.get(reverse("rounds:heatmap", args=[open_round.key]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Lelystad" in html and "✓" in html
    assert SECRET not in html
    assert (
        client.get(reverse("assessments:detail", args=[open_round.key, LELYSTAD])).status_code
        == 403
    )
    assert client.get(reverse("dashboard:round", args=[open_round.key])).status_code == 403


def test_the_region_can_hide_the_ratings(client, users, open_round, region):
    region.ratings_visible_to_members = False
    region.save()
    for who in ("almere", "almere_reader", "lelystad"):
        client.force_login(users[who])
        assert client.get(reverse("rounds:heatmap", args=[open_round.key])).status_code == 403
    client.force_login(users["coordinator"])
    assert client.get(reverse("rounds:heatmap", args=[open_round.key])).status_code == 200


def test_outsiders_never_see_the_heatmap(client, users, open_round):
    client.force_login(users["nobody"])
    assert client.get(reverse("rounds:heatmap", args=[open_round.key])).status_code == 403
    assert not users["nobody"].has_perm("rounds.view_heatmap", open_round)
    assert users["almere"].has_perm("rounds.view_heatmap", open_round)
    from normmonitor.assessments.models import Assessment

    lelystad = Assessment.objects.get(round=open_round, organisation__code=LELYSTAD)
    almere = Assessment.objects.get(round=open_round, organisation__code=ALMERE)
    assert users["almere"].has_perm("assessments.view_ratings", lelystad)
    assert not users["almere"].has_perm("assessments.view_assessment", lelystad)
    assert users["almere"].has_perm("assessments.view_assessment", almere)


def test_the_working_group_decides_what_members_share(client, users, region, open_round):
    from normmonitor.audit.models import AuditEvent

    url = reverse("access:region_sharing", args=[region.key])
    for who in ("almere", "almere_reader", "nobody"):
        client.force_login(users[who])
        assert client.get(url).status_code == 403
        assert client.post(url, {}).status_code == 403
    region.refresh_from_db()
    assert region.ratings_visible_to_members
    client.force_login(users["coordinator"])
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 302
    region.refresh_from_db()
    assert not region.ratings_visible_to_members
    event = AuditEvent.objects.get(name="region.sharing_changed")
    assert event.data["after"] == {"ratings_visible_to_members": False}
    client.force_login(users["almere"])
    assert client.get(reverse("rounds:heatmap", args=[open_round.key])).status_code == 403
