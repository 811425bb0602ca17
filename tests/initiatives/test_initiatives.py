"""The initiatives register."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from normmonitor.audit.models import AuditEvent
from normmonitor.core.exceptions import NotAllowed, ServiceError
from normmonitor.initiatives import services
from normmonitor.initiatives.models import Initiative
from normmonitor.initiatives.selectors import funding_total, linked_ambitions, visible_initiatives
from normmonitor.norms.models import Norm
from normmonitor.organisations.models import Organisation
from tests.conftest import ALMERE, LELYSTAD, PROVINCE

pytestmark = pytest.mark.django_db


def organisations(*codes):
    found = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    return [found[code] for code in codes]


@pytest.fixture
def holiday_parks(users, region, norm_version):
    return services.initiative_create(
        actor=users["coordinator"],
        region=region,
        data=services.InitiativeData(
            title="Financiële impuls aanpak vakantieparken",
            organisations=organisations(PROVINCE, LELYSTAD),
            lead=organisations(PROVINCE)[0],
            status="running",
            start_date=date(2019, 1, 1),
            end_date=date(2020, 12, 31),
            budget=Decimal("200000"),
            funding_source="BZK, gematcht door provincie en gemeenten",
            norm=Norm.objects.get(key="flevolandse-norm"),
            ambition_codes=["1.1", "3.5.H"],
        ),
        funding=[
            services.FundingLine("BZK", Decimal("50000"), 2019),
            services.FundingLine("Provincie en gemeenten", Decimal("50000"), 2019, matches=0),
            services.FundingLine("BZK", Decimal("50000"), 2020),
            services.FundingLine("Provincie en gemeenten", Decimal("50000"), 2020, matches=2),
        ],
    )


def test_register_with_matched_funding(holiday_parks):
    assert funding_total(holiday_parks) == Decimal("200000")
    lines = list(holiday_parks.funding.all())
    assert lines[1].matches == lines[0] and lines[3].matches == lines[2]
    assert [getattr(a, "code", a) for a in linked_ambitions(holiday_parks)] == ["1.1", "3.5.H"]
    event = AuditEvent.objects.get(name="initiative.created")
    assert event.data["after"]["organisations"] == ["GM0995", "PV24"]


def test_invalid_initiatives_are_refused(users, region, norm_version):
    norm = Norm.objects.get(key="flevolandse-norm")
    cases = [
        {"title": " ", "organisations": organisations(ALMERE)},
        {"title": "x", "organisations": []},
        {"title": "x", "organisations": organisations(ALMERE), "ambition_codes": ["9.9"]},
        {
            "title": "x",
            "organisations": organisations(ALMERE),
            "lead": organisations(LELYSTAD)[0],
        },
        {
            "title": "x",
            "organisations": organisations(ALMERE),
            "start_date": date(2020, 1, 1),
            "end_date": date(2019, 1, 1),
        },
    ]
    for fields in cases:
        with pytest.raises(ServiceError):
            services.initiative_create(
                actor=users["coordinator"],
                region=region,
                data=services.InitiativeData(norm=norm, **fields),
            )
    with pytest.raises(ServiceError):
        services.initiative_create(
            actor=users["coordinator"],
            region=region,
            data=services.InitiativeData(title="x", organisations=organisations(ALMERE)),
            funding=[services.FundingLine("a", Decimal(1), matches=0)],  # matches itself
        )
    with pytest.raises(NotAllowed):
        services.initiative_create(
            actor=users["almere"],
            region=region,
            data=services.InitiativeData(title="x", organisations=organisations(ALMERE)),
        )
    assert not Initiative.objects.exists()


def test_members_see_their_own_initiatives(holiday_parks, users, client):
    assert list(visible_initiatives(users["lelystad"])) == [holiday_parks]
    assert list(visible_initiatives(users["almere"])) == []
    assert list(visible_initiatives(users["coordinator"])) == [holiday_parks]
    client.force_login(users["almere"])
    assert client.get(reverse("initiatives:detail", args=[holiday_parks.pk])).status_code == 404
    client.force_login(users["lelystad"])
    detail = client.get(reverse("initiatives:detail", args=[holiday_parks.pk]))
    assert detail.status_code == 200 and "200.000" in detail.content.decode()
    page = client.get(reverse("organisations:detail", args=[LELYSTAD])).content.decode()
    assert "Financiële impuls aanpak vakantieparken" in page
    # An editor of a participating organisation may change it; a reader may not.
    assert client.get(reverse("initiatives:edit", args=[holiday_parks.pk])).status_code == 200


def test_create_and_edit_through_the_pages(client, users, region):
    client.force_login(users["coordinator"])
    almere = Organisation.objects.get(code=ALMERE)
    form = {
        "region": region.pk,
        "title": "KVO-B Flevokust Haven",
        "organisations": [almere.pk],
        "lead": almere.pk,
        "status": "running",
        "budget": "1000",
        "ambition_codes": "",
        "funding-TOTAL_FORMS": "2",
        "funding-INITIAL_FORMS": "0",
        "funding-0-source": "Gemeente",
        "funding-0-amount": "1000",
        "funding-0-year": "2020",
    }
    response = client.post(reverse("initiatives:new"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    initiative = Initiative.objects.get()
    assert funding_total(initiative) == Decimal(1000)
    form.pop("region")
    form["title"] = "KVO-B Flevokust Haven (keurmerk behaald)"
    form["status"] = "completed"
    form["funding-TOTAL_FORMS"] = "1"
    response = client.post(reverse("initiatives:edit", args=[initiative.pk]), form)
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.status == "completed"
    assert AuditEvent.objects.filter(name="initiative.updated").count() == 1
    client.force_login(users["almere"])
    assert client.get(reverse("initiatives:new")).status_code == 403
