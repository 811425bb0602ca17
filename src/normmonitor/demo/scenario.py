"""A fictitious but plausible replay of the Flevoland monitoring, 2021–2023.

Every figure here is invented for demonstration. It is generated from a fixed seed, so every
installation shows the same demo. The 2022 autumn round lands at 119 of 143 ambitions (83%),
the total the provincial report of 2022 mentions; the organisations' individual results are not
public and are made up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

# Lower = achieved earlier. A rough order of how hard each ambition is to put in place.
DIFFICULTY = {
    "2.2": 1,
    "1.4": 2,
    "2.3": 3,
    "1.1": 4,
    "2.1": 5,
    "1.2": 6,
    "3.3": 7,
    "3.8": 8,
    "1.3": 9,
    "3.4": 10,
    "3.6": 11,
    "3.9": 12,
    "4.5": 13,
    "3.7": 14,
    "4.3": 15,
    "3.1": 16,
    "4.1": 17,
    "3.10": 18,
    "3.5": 19,
    "4.2": 20,
    "3.2": 21,
    "4.4": 22,
}


@dataclass(frozen=True)
class RoundPlan:
    key: str
    name: str
    reference_date: date
    deadline: date
    targets: dict[str, int]  # organisation code → ambitions achieved
    close: bool
    # Items that stay missing whatever the ranking says: a waterbed weak spot for the demo.
    weak_spots: dict[str, tuple[str, ...]]
    # Share of carried-over answers that editors have confirmed (for the open round).
    confirmed_share: float = 1.0


ROUNDS = (
    RoundPlan(
        key="flevoland-2021-najaar",
        name="Flevoland najaar 2021",
        reference_date=date(2021, 11, 15),
        deadline=date(2021, 12, 17),
        targets={
            "GM0034": 12,
            "GM0995": 11,
            "GM0303": 14,
            "GM0171": 10,
            "GM0184": 8,
            "GM0050": 9,
            "PV24": 5,
        },
        close=True,
        weak_spots={"GM0184": ("3.5.D", "3.5.H")},
    ),
    RoundPlan(
        key="flevoland-2022-najaar",
        name="Flevoland najaar 2022 (evaluatie)",
        reference_date=date(2022, 10, 1),
        deadline=date(2022, 11, 4),
        targets={
            "GM0034": 20,
            "GM0995": 19,
            "GM0303": 21,
            "GM0171": 18,
            "GM0184": 15,
            "GM0050": 17,
            "PV24": 9,
        },
        close=True,
        weak_spots={"GM0184": ("3.5.D",)},
    ),
    RoundPlan(
        key="flevoland-2023-voorjaar",
        name="Flevoland voorjaar 2023",
        reference_date=date(2023, 4, 1),
        deadline=date(2023, 5, 12),
        targets={
            "GM0034": 21,
            "GM0995": 19,
            "GM0303": 21,
            "GM0171": 19,
            "GM0184": 16,
            "GM0050": 18,
            "PV24": 10,
        },
        close=False,
        weak_spots={"GM0184": ("3.5.D",)},
        confirmed_share=0.4,
    ),
)

OWNERS = (
    "Beleidsadviseur OOV",
    "Programmamanager ondermijning",
    "Juridisch adviseur",
    "Teamleider Toezicht en Handhaving",
    "Bibob-coördinator",
    "Integriteitscoördinator",
)

ACHIEVED_NOTES = (
    "Vastgelegd in het uitvoeringsplan; aantoonbaar in de stukken (fictief).",
    "Staat structureel op de agenda; verslaglegging beschikbaar (fictief).",
    "Ingevoerd en geëvalueerd met de werkgroep (fictief).",
)
MISSING_NOTES = (
    "In voorbereiding; besluitvorming door het college verwacht (fictief).",
    "Capaciteit ontbreekt nog; ondersteuning van het DTO gevraagd (fictief).",
    "Concept gereed, afstemming met de buurgemeenten loopt (fictief).",
)


def organisation_ranking(organisation_code: str, ambitions: list[str]) -> list[str]:
    """The order in which an organisation achieves its ambitions: the common difficulty with a
    little local noise, fixed per organisation so that progress over rounds is monotone."""
    rng = random.Random(f"normmonitor-demo-{organisation_code}")  # noqa: S311 - not security
    return sorted(ambitions, key=lambda code: DIFFICULTY.get(code, 12) + rng.uniform(-3, 3))
