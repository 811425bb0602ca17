"""Writing initiatives and their funding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from normmonitor.audit.services import record
from normmonitor.core.exceptions import ServiceError
from normmonitor.core.permissions import require
from normmonitor.norms.models import Norm, Requirement
from normmonitor.organisations.models import Organisation, Region

from .models import Funding, Initiative, InitiativeStatus


@dataclass(frozen=True)
class FundingLine:
    source: str
    amount: Decimal
    year: int | None = None
    note: str = ""
    matches: int | None = None  # index of the line in the same list that this one matches


@dataclass(frozen=True)
class InitiativeData:
    title: str
    organisations: Sequence[Organisation]
    description: str = ""
    lead: Organisation | None = None
    partners: str = ""
    status: str = InitiativeStatus.PLANNED
    start_date: date | None = None
    end_date: date | None = None
    budget: Decimal | None = None
    funding_source: str = ""
    norm: Norm | None = None
    ambition_codes: Sequence[str] = ()
    source: str = ""


def _validate(region: Region | None, data: InitiativeData, funding: Sequence[FundingLine]) -> None:
    if not data.title.strip():
        raise ServiceError(_("Give the initiative a title."))
    if not data.organisations:
        raise ServiceError(_("Name at least one organisation."))
    if data.status not in InitiativeStatus.values:
        raise ServiceError(_("Unknown status."))
    if region is not None:
        members = set(region.members.values_list("pk", flat=True))
        outside = [o.name for o in data.organisations if o.pk not in members]
        if outside:
            raise ServiceError(
                _("Not in the region: %(names)s") % {"names": ", ".join(sorted(outside))}
            )
    if data.lead is not None and data.lead not in data.organisations:
        raise ServiceError(_("The lead organisation must be one of the organisations."))
    if data.start_date and data.end_date and data.end_date < data.start_date:
        raise ServiceError(_("The end lies before the start."))
    if data.budget is not None and data.budget < 0:
        raise ServiceError(_("The budget cannot be negative."))
    if data.ambition_codes:
        if data.norm is None:
            raise ServiceError(_("Choose the norm the linked ambitions belong to."))
        known = set(
            Requirement.objects.filter(
                norm_version__norm=data.norm, code__in=data.ambition_codes
            ).values_list("code", flat=True)
        )
        unknown = sorted(set(data.ambition_codes) - known)
        if unknown:
            raise ServiceError(_("The norm has no item %(codes)s.") % {"codes": ", ".join(unknown)})
    for index, line in enumerate(funding):
        if not line.source.strip():
            raise ServiceError(_("Every funding line needs a source."))
        if line.amount < 0:
            raise ServiceError(_("A funding amount cannot be negative."))
        if line.matches is not None and (
            not 0 <= line.matches < len(funding) or line.matches == index
        ):
            raise ServiceError(_("A funding line can only match another line."))


def _apply(initiative: Initiative, data: InitiativeData) -> None:
    initiative.title = data.title.strip()
    initiative.description = data.description
    initiative.lead = data.lead
    initiative.partners = data.partners
    initiative.status = data.status
    initiative.start_date = data.start_date
    initiative.end_date = data.end_date
    initiative.budget = data.budget
    initiative.funding_source = data.funding_source
    initiative.norm = data.norm
    initiative.ambition_codes = list(dict.fromkeys(data.ambition_codes))
    initiative.source = data.source


def _replace_funding(initiative: Initiative, funding: Sequence[FundingLine]) -> None:
    initiative.funding.all().delete()
    rows = [
        Funding.objects.create(
            initiative=initiative,
            source=line.source.strip(),
            amount=line.amount,
            year=line.year,
            note=line.note,
        )
        for line in funding
    ]
    for row, line in zip(rows, funding, strict=True):
        if line.matches is not None:
            row.matches = rows[line.matches]
            row.save(update_fields=["matches"])


def _snapshot(initiative: Initiative) -> dict[str, Any]:
    return {
        "title": initiative.title,
        "status": initiative.status,
        "organisations": sorted(o.code for o in initiative.organisations.all()),
        "lead": initiative.lead.code if initiative.lead_id else None,
        "budget": str(initiative.budget) if initiative.budget is not None else None,
        "funding_source": initiative.funding_source,
        "ambitions": list(initiative.ambition_codes),
        "funding": [
            {"source": f.source, "amount": str(f.amount), "year": f.year}
            for f in initiative.funding.all()
        ],
    }


def initiative_create(
    *,
    actor: Any,
    region: Region | None,
    data: InitiativeData,
    funding: Sequence[FundingLine] = (),
) -> Initiative:
    """Register an initiative of a region (coordinators and administrators)."""
    require(actor, "initiatives.add_initiative", region)
    if region is None and actor is not None:
        raise ServiceError(_("Choose the region of the initiative."))
    _validate(region, data, funding)
    with transaction.atomic():
        initiative = Initiative(
            region=region,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        _apply(initiative, data)
        initiative.save()
        initiative.organisations.set(data.organisations)
        _replace_funding(initiative, funding)
        record(
            "initiative.created",
            actor=actor,
            organisation=data.lead,
            initiative=initiative.pk,
            after=_snapshot(initiative),
        )
    return initiative


def initiative_update(
    *,
    actor: Any,
    initiative: Initiative,
    data: InitiativeData,
    funding: Sequence[FundingLine] | None = None,
) -> Initiative:
    """Change an initiative; ``funding`` None keeps its funding lines."""
    require(actor, "initiatives.change_initiative", initiative)
    _validate(initiative.region, data, funding or ())
    with transaction.atomic():
        locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
        before = _snapshot(locked)
        _apply(locked, data)
        locked.save()
        locked.organisations.set(data.organisations)
        if funding is not None:
            _replace_funding(locked, funding)
        record(
            "initiative.updated",
            actor=actor,
            organisation=data.lead,
            initiative=locked.pk,
            before=before,
            after=_snapshot(locked),
        )
    return locked
