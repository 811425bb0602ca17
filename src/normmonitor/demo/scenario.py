"""A fictitious but plausible replay of the Flevoland monitoring, 2021–2023.

Every figure here is invented for demonstration. It is generated from a fixed seed, so every
installation shows the same demo. The 2022 autumn round lands at 119 of 143 ambitions (83%),
the total the provincial report of 2022 mentions; the organisations' individual results are not
public and are made up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
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
    # Rated items in place at these organisations whatever the ranking says: the barrier that
    # the neighbours of a weak spot have (the waterbed analysis, docs/waterbed.md).
    in_place: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Difficulty per ambition code when the round is on another norm version than 1.0.
    difficulty: dict[str, int] | None = None


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
        in_place={"3.5.D": ("GM0034", "GM0171", "GM0995")},
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
        in_place={"3.5.D": ("GM0034", "GM0050", "GM0171", "GM0303", "GM0995")},
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
        in_place={"3.5.D": ("GM0034", "GM0050", "GM0171", "GM0303", "GM0995")},
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


def organisation_ranking(
    organisation_code: str, ambitions: list[str], difficulty: dict[str, int] | None = None
) -> list[str]:
    """The order in which an organisation achieves its ambitions: the common difficulty with a
    little local noise, fixed per organisation so that progress over rounds is monotone."""
    difficulty = DIFFICULTY if difficulty is None else difficulty
    rng = random.Random(f"normmonitor-demo-{organisation_code}")  # noqa: S311 - not security
    return sorted(ambitions, key=lambda code: difficulty.get(code, 12) + rng.uniform(-3, 3))


# -- Norm 2.0 (illustrative), actions, initiatives and a resilience scan (issue #5) ------------

# The partners that joined with the Flevolandse Norm 2.0 in 2025 (fictitious codes: the CBS
# codes only cover municipalities and provinces).
NORM_2_PARTNERS = (
    ("zuiderzeeland", "Waterschap Zuiderzeeland", "waterschap"),
    ("politie-midden-nederland", "Politie Midden-Nederland", "politie"),
    ("om-midden-nederland", "Openbaar Ministerie Midden-Nederland", "om"),
)

ALL_BUT_URK = ("GM0034", "GM0050", "GM0171", "GM0303", "GM0995")

# A round on the illustrative Norm 2.0 (24 ambitions for a municipality, 13 for the province and
# the water board, 7 for the police, 6 for the OM). Urk still lacks Bibob branch 3.5 D.
NORM_2_ROUND = RoundPlan(
    key="flevoland-2025-najaar",
    name="Flevoland najaar 2025 (Norm 2.0, illustratief)",
    reference_date=date(2025, 10, 1),
    deadline=date(2025, 11, 14),
    targets={
        "GM0034": 22,
        "GM0995": 21,
        "GM0303": 22,
        "GM0171": 21,
        "GM0184": 19,
        "GM0050": 20,
        "PV24": 11,
        "zuiderzeeland": 8,
        "politie-midden-nederland": 6,
        "om-midden-nederland": 5,
    },
    close=True,
    weak_spots={"GM0184": ("3.5.D",)},
    in_place={"3.5.D": ALL_BUT_URK},
    difficulty=None,  # set below, once DIFFICULTY_2 is defined
)

# Difficulty of the 2.0 ambitions: that of the 1.0 ambition they continue, new ones are hard.
DIFFICULTY_2 = {
    **{code: DIFFICULTY[code] for code in ("1.1", "1.2", "1.3", "1.4", "2.1", "3.1", "3.2")},
    **{code: DIFFICULTY[code] for code in ("3.3", "3.4", "3.5", "3.6", "3.7")},
    "2.2": DIFFICULTY["2.3"],
    "4.1": DIFFICULTY["3.8"],
    "4.2": DIFFICULTY["3.8"] + 4,
    "4.3": DIFFICULTY["3.9"],
    "4.4": DIFFICULTY["3.10"],
    "5.1": max(DIFFICULTY["4.1"], DIFFICULTY["4.2"]),
    "5.2": DIFFICULTY["4.3"],
    "5.3": DIFFICULTY["4.4"],
    "5.4": DIFFICULTY["4.5"],
    "1.5": 20,
    "2.3": 21,
    "3.8": 18,
    "4.5": 22,
}
NORM_2_ROUND = replace(NORM_2_ROUND, difficulty=DIFFICULTY_2)


@dataclass(frozen=True)
class DemoAction:
    origin: str
    organisation: str
    round: str
    item: str
    description: str
    owner: str
    owner_user: str | None
    due_date: date | None
    status: str
    comments: tuple[tuple[str, str], ...] = ()


ACTIONS = (
    DemoAction(
        origin="demo:urk-bibob-coffeeshops",
        organisation="GM0184",
        round="flevoland-2022-najaar",
        item="3.5.D",
        description=(
            "Coffeeshops opnemen in het Bibob-beleid (via de 'kan'-bepaling), in afstemming met "
            "Noordoostpolder, zodat Urk geen uitwijkplaats wordt (fictief)."
        ),
        owner="Bibob-coördinator",
        owner_user="urk",
        due_date=date(2023, 3, 1),
        status="in_progress",
        comments=(
            (
                "coordinator",
                "Noordoostpolder en Dronten hebben deze branche al opgenomen; hun beleidsregel "
                "is gedeeld in de werkgroep (fictief).",
            ),
            ("urk", "Concept-beleidsregel ligt bij de burgemeester (fictief)."),
        ),
    ),
    DemoAction(
        origin="demo:lelystad-apv-escort",
        organisation="GM0995",
        round="flevoland-2022-najaar",
        item="3.2.2.B",
        description=(
            "APV aanvullen met een exploitatievergunning voor seks- en escortbedrijven met de eis "
            "van goed levensgedrag (fictief)."
        ),
        owner="Juridisch adviseur",
        owner_user=None,
        due_date=date(2023, 6, 30),
        status="open",
    ),
    DemoAction(
        origin="demo:zeewolde-apv",
        organisation="GM0050",
        round="flevoland-2023-voorjaar",
        item="3.1",
        description=(
            "Ondermijningsartikelen in de APV opnemen en districtelijk afstemmen (fictief)."
        ),
        owner="Beleidsadviseur OOV",
        owner_user="zeewolde",
        due_date=date(2026, 12, 15),
        status="open",
    ),
    DemoAction(
        origin="demo:provincie-aanbesteding",
        organisation="PV24",
        round="flevoland-2022-najaar",
        item="3.5.I",
        description="Bibob-toets opnemen in het aanbestedingsbeleid (fictief).",
        owner="Inkoopadviseur",
        owner_user="provincie",
        due_date=date(2023, 1, 31),
        status="done",
    ),
)


@dataclass(frozen=True)
class DemoInitiative:
    title: str
    description: str
    organisations: tuple[str, ...]
    lead: str
    partners: str
    status: str
    start_date: date | None
    end_date: date | None
    budget: str | None
    funding_source: str
    ambitions: tuple[str, ...]
    source: str
    # (source, amount, year, index of the line it matches)
    funding: tuple[tuple[str, str, int, int | None], ...] = ()


INITIATIVES = (
    DemoInitiative(
        title="Keurmerk Veilig Ondernemen Bedrijventerrein Flevokust Haven (KVO-B)",
        description=(
            "Traject naar het Keurmerk Veilig Ondernemen voor bedrijventerreinen (KVO-B) voor "
            "Flevokust Haven. Een werkgroep onder leiding van de gemeente Lelystad werkt met een "
            "plan van aanpak met doelstellingen toe naar het keurmerk en de ondertekening van een "
            "convenant. Bedrijventerreinen zijn een van de drie focusthema's van het district."
        ),
        organisations=("GM0995", "PV24"),
        lead="GM0995",
        partners="Ondernemingen aan de Flevokust, politie, brandweer, RIEC",
        status="running",
        start_date=date(2019, 1, 1),
        end_date=None,
        budget=None,
        funding_source="",
        ambitions=("2.3",),
        source=(
            "Mededeling GS Flevoland aan PS over de bestuurlijke aanpak ondermijnende "
            "criminaliteit (2020), punt 4. Start- en status fictief waar niet vermeld; de "
            "koppeling aan ambitie 2.3 is illustratief."
        ),
    ),
    DemoInitiative(
        title="Financiële impuls aanpak vakantieparken",
        description=(
            "Het ministerie van BZK stelt voor 2019/2020 per jaar EUR 50.000 beschikbaar voor "
            "initiatieven in de aanpak van vakantieparken; provincie en gemeenten vullen dit "
            "gezamenlijk met een zelfde bedrag aan. Vier thema's: ruimtelijk, economisch, "
            "sociaal/wonen en veiligheid (overlast, criminaliteit en ondermijning op "
            "vakantieparken). Of het maatwerk per gemeente of een gezamenlijke aanpak wordt, "
            "volgt uit de reactie van de gemeenten."
        ),
        organisations=("PV24", "GM0034", "GM0050", "GM0171", "GM0184", "GM0303", "GM0995"),
        lead="PV24",
        partners="Provincies Utrecht en Noord-Holland (verkenning scan vakantieparken)",
        status="running",
        start_date=date(2019, 1, 1),
        end_date=date(2020, 12, 31),
        budget="200000.00",
        funding_source="Ministerie van BZK, aangevuld door provincie en gemeenten (matching)",
        ambitions=("1.1",),
        source=(
            "Mededeling GS Flevoland aan PS (2020), punt 3. Welke gemeenten deelnemen en de "
            "status zijn fictief; de koppeling aan ambitie 1.1 is illustratief."
        ),
        funding=(
            ("Ministerie van BZK (financiële impuls vakantieparken)", "50000.00", 2019, None),
            ("Provincie en gemeenten (matching)", "50000.00", 2019, 0),
            ("Ministerie van BZK (financiële impuls vakantieparken)", "50000.00", 2020, None),
            ("Provincie en gemeenten (matching)", "50000.00", 2020, 2),
        ),
    ),
    DemoInitiative(
        title="Integraal Veiligheidsbeleid Dronten, Noordoostpolder en Urk 2020–2023",
        description=(
            "Gezamenlijk integraal veiligheidsbeleid van de drie gemeenten van het basisteam, "
            "opgesteld met politie en OM. Gezamenlijke prioriteiten: de aanpak van ondermijning "
            "en cybercrime. Lokale speerpunten van Dronten: evenementen, zorg en veiligheid, "
            "lokale crisisorganisatie. Voor de aanpak van ondermijning is in Dronten 1 fte "
            "incidenteel begroot tot 2022."
        ),
        organisations=("GM0303", "GM0171", "GM0184"),
        lead="GM0303",
        partners="Politie (basisteam), Openbaar Ministerie",
        status="completed",
        start_date=date(2020, 1, 1),
        end_date=date(2023, 12, 31),
        budget="72500.00",
        funding_source="Gemeente Dronten, programma Veiligheid: werkbudget IVB (excl. personeel)",
        ambitions=("1.3",),
        source=(
            "Raadsvoorstel Integraal Veiligheidsbeleid Dronten, Noordoostpolder en Urk 2020-2023 "
            "(gemeente Dronten). Het budget is het werkbudget van Dronten."
        ),
    ),
)

# A baseline scan of the province (RIEC Midden-Nederland delivered one in December 2019) and
# of Urk; the answers are fictitious.
SCANS = (
    (
        "PV24",
        date(2019, 12, 1),
        "RIEC Midden-Nederland (antwoorden fictief)",
        {
            "A1": "deels",
            "A2": "nee",
            "B1": "nee",
            "B4": "ja",
            "C2": "deels",
            "C4": "nee",
            "C5": "deels",
            "C7": "ja",
            "D1": "ja",
            "D2": "nee",
            "D3": "deels",
            "D4": "nee",
            "D5": "ja",
        },
        True,  # propose the actions of the report
    ),
    (
        "GM0184",
        date(2020, 6, 1),
        "DTO Flevoland (antwoorden fictief)",
        {
            "A1": "ja",
            "A2": "deels",
            "A3": "deels",
            "A4": "ja",
            "B1": "ja",
            "B2": "ja",
            "B3": "deels",
            "B4": "ja",
            "C1": "deels",
            "C2": "ja",
            "C3": "nee",
            "C4": "deels",
            "C5": "deels",
            "C6": "ja",
            "C7": "deels",
            "D1": "deels",
            "D2": "nee",
            "D3": "ja",
            "D4": "nee",
            "D5": "ja",
        },
        False,
    ),
)
