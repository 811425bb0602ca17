"""Reading the audit trail: scoped to what the user may see, filtered, and as CSV rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import BooleanField, F, Func, Q, QuerySet
from django.utils import timezone

from normmonitor.access.policy import grants_for
from normmonitor.organisations.models import Region
from normmonitor.rounds.models import MonitoringRound

from .models import AuditEvent


class NamesARegion(Func):
    """True for an event whose details have a "region" key: ``data__has_key="region"`` written
    without a query parameter, because the database uses the partial index
    audit_auditevent_about_region (migration 0003) only for this literal condition."""

    template = "(%(expressions)s ? 'region')"
    output_field = BooleanField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "JSON_TYPE(%(expressions)s, '$.\"region\"') IS NOT NULL"
        return self.as_sql(compiler, connection, template=template, **extra)


def visible_events(user: Any) -> QuerySet[AuditEvent]:
    """Administrators see every event; a coordinator the events of their regions: those about
    a member organisation, a round of the region, or the region itself (such as a coordinator's
    membership). Others see nothing.

    The coordinator's filter compares three indexed columns with short lists read first (the
    regions' members, their rounds, the few events naming the region): no join to the regions'
    members, which repeated events and needed DISTINCT over whole rows (1.2 s for a national
    coordinator), and no subquery or JSON test per row, which keep PostgreSQL and SQLite from
    using the indexes of migration 0003 (docs/performance.md, section 7)."""
    grants = grants_for(user)
    events = AuditEvent.objects.select_related("organisation", "round")
    if grants.administrator:
        return events.all()
    regions = grants.coordinated_regions
    if not regions:
        return events.none()
    members = set(
        Region.members.through.objects.filter(region_id__in=regions).values_list(
            "organisation_id", flat=True
        )
    )
    rounds = list(
        MonitoringRound.objects.filter(region_id__in=regions)
        .order_by()
        .values_list("pk", flat=True)
    )
    region_keys = list(Region.objects.filter(pk__in=regions).values_list("key", flat=True))
    # Unordered: ordered by time (the model's default), SQLite would walk the time index
    # instead of the small partial index.
    about_regions = list(
        AuditEvent.objects.filter(NamesARegion(F("data")), data__region__in=region_keys)
        .order_by()
        .values_list("pk", flat=True)
    )
    return events.filter(
        Q(organisation_id__in=sorted(members)) | Q(round_id__in=rounds) | Q(pk__in=about_regions)
    )


@dataclass(frozen=True)
class EventFilter:
    name: str = ""
    actor: str = ""
    organisation: str = ""
    round: str = ""
    address: str = ""
    since: date | None = None
    until: date | None = None

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        if self.name:
            events = events.filter(name__startswith=self.name)
        if self.actor:
            events = events.filter(actor_name__iexact=self.actor)
        if self.organisation:
            events = events.filter(organisation__code__iexact=self.organisation)
        if self.round:
            events = events.filter(round__key=self.round)
        if self.address:
            events = events.filter(address=self.address)
        tz = timezone.get_current_timezone()
        if self.since:
            events = events.filter(at__gte=datetime.combine(self.since, time.min, tzinfo=tz))
        if self.until:
            end = datetime.combine(self.until + timedelta(days=1), time.min, tzinfo=tz)
            events = events.filter(at__lt=end)
        return events

    def as_dict(self) -> dict[str, str]:
        return {
            key: value.isoformat() if isinstance(value, date) else value
            for key, value in self.__dict__.items()
            if value
        }


CSV_COLUMNS = ("id", "time", "event", "actor", "organisation", "round", "address", "details")
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> str:
    """A cell that a spreadsheet will not run as a formula (OWASP CSV injection): text that
    starts with = + - @ or a tab or carriage return gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_PREFIXES) else text


def csv_rows(events: QuerySet[AuditEvent]) -> Iterator[list[str]]:
    yield list(CSV_COLUMNS)
    for event in events.order_by("at", "id").iterator(chunk_size=2000):
        yield [
            csv_safe(cell)
            for cell in (
                event.pk,
                timezone.localtime(event.at).isoformat(),
                event.name,
                event.actor_name,
                event.organisation.code if event.organisation_id else "",
                event.round.key if event.round_id else "",
                event.address or "",
                json.dumps(event.data, ensure_ascii=False, sort_keys=True),
            )
        ]
