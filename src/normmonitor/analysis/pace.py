"""Targets and pace: overdue plans, the region's target date, and periodic duties that fall
overdue by themselves. Pure functions of a reference date (a closed round's reference date, or
today for a round in progress); see docs/analysis.md.

The declaration of intent set implementation "medio 2022" and accepted "verschillende
snelheden": every organisation plans its own dates per item. An organisation is **behind its
own path** when an item it has not achieved was planned before the reference date.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Literal, NamedTuple

RecurrenceState = Literal["ok", "due_soon", "overdue", "unknown"]
DUE_SOON = timedelta(days=30)

_PERIOD = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T.*)?$")


def add_period(start: date, period: str) -> date:
    """``start`` plus an ISO 8601 period (years, months, weeks, days; a time part is ignored).
    Month arithmetic keeps the day of the month, clamped to the month's last day (31 January
    plus P1M is 28 or 29 February)."""
    match = _PERIOD.match(period or "")
    if not match or period in ("P", "PT"):
        raise ValueError(f"{period!r} is not an ISO 8601 period")
    years, months, weeks, days = (int(part or 0) for part in match.groups())
    month_index = start.month - 1 + months
    year = start.year + years + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) + timedelta(weeks=weeks, days=days)


def next_due(last_done_on: date | None, recurrence: str) -> date | None:
    """When a periodic duty is due again; None without a recurrence or a last date."""
    if not recurrence or last_done_on is None:
        return None
    return add_period(last_done_on, recurrence)


def recurrence_state(
    reference: date, last_done_on: date | None, recurrence: str, soon: timedelta = DUE_SOON
) -> RecurrenceState | None:
    """None for an item that does not recur; ``unknown`` when it was never recorded as done;
    ``overdue`` once the reference date is past the due date; ``due_soon`` within ``soon``."""
    if not recurrence:
        return None
    due = next_due(last_done_on, recurrence)
    if due is None:
        return "unknown"
    if reference > due:
        return "overdue"
    if reference >= due - soon:
        return "due_soon"
    return "ok"


class ItemPace(NamedTuple):
    """The pace of one rated item of one organisation at a reference date. A named tuple: a
    national round makes 35 000 of them, several times faster than frozen dataclasses."""

    organisation: str
    item: str
    achieved: bool
    applicable: bool
    planned_date: date | None
    recurrence: str
    last_done_on: date | None
    reference: date
    target_date: date | None

    @property
    def open(self) -> bool:
        return self.applicable and not self.achieved

    @property
    def planned_overdue(self) -> bool:
        """Not achieved, and planned for a date before the reference date."""
        return self.open and self.planned_date is not None and self.planned_date < self.reference

    @property
    def unplanned(self) -> bool:
        return self.open and self.planned_date is None

    @property
    def planned_after_target(self) -> bool:
        """Planned for after the region's target date (allowed: different speeds)."""
        return (
            self.open
            and self.planned_date is not None
            and self.target_date is not None
            and self.planned_date > self.target_date
        )

    @property
    def past_target(self) -> bool:
        """Not achieved although the region's target date has passed."""
        return self.open and self.target_date is not None and self.reference > self.target_date

    @property
    def due(self) -> date | None:
        return next_due(self.last_done_on, self.recurrence)

    @property
    def recurrence_state(self) -> RecurrenceState | None:
        if not self.applicable:
            return None
        return recurrence_state(self.reference, self.last_done_on, self.recurrence)

    @property
    def recurrence_overdue(self) -> bool:
        return self.recurrence_state == "overdue"

    @property
    def needs_attention(self) -> bool:
        return self.planned_overdue or self.recurrence_overdue


@dataclass(frozen=True)
class OrganisationPace:
    organisation: str
    items: tuple[ItemPace, ...]

    @cached_property
    def open_items(self) -> int:
        return sum(item.open for item in self.items)

    @cached_property
    def planned_overdue(self) -> tuple[ItemPace, ...]:
        return tuple(item for item in self.items if item.planned_overdue)

    @cached_property
    def recurrence_overdue(self) -> tuple[ItemPace, ...]:
        return tuple(item for item in self.items if item.recurrence_overdue)

    @cached_property
    def unplanned(self) -> tuple[ItemPace, ...]:
        return tuple(item for item in self.items if item.unplanned)

    @cached_property
    def planned_after_target(self) -> tuple[ItemPace, ...]:
        return tuple(item for item in self.items if item.planned_after_target)

    @cached_property
    def past_target(self) -> tuple[ItemPace, ...]:
        return tuple(item for item in self.items if item.past_target)

    @cached_property
    def behind_own_path(self) -> bool:
        """Some item it has not achieved was planned before the reference date."""
        return bool(self.planned_overdue)

    @cached_property
    def latest_planned(self) -> date | None:
        dates = [item.planned_date for item in self.items if item.open and item.planned_date]
        return max(dates) if dates else None

    @cached_property
    def attention(self) -> tuple[ItemPace, ...]:
        return tuple(item for item in self.items if item.needs_attention)


def organisation_pace(organisation: str, items: Iterable[ItemPace]) -> OrganisationPace:
    return OrganisationPace(organisation, tuple(items))


__all__ = [
    "DUE_SOON",
    "ItemPace",
    "OrganisationPace",
    "RecurrenceState",
    "add_period",
    "next_due",
    "organisation_pace",
    "recurrence_state",
]
