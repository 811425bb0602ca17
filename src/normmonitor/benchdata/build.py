"""Build a synthetic national installation with bulk inserts (see ``bench-data``)."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC as utc
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from normmonitor.access.models import Membership, Role
from normmonitor.assessments.models import Answer, Assessment
from normmonitor.audit.models import AuditEvent
from normmonitor.norms.models import NormVersion
from normmonitor.norms.services import FLEVOLANDSE_NORM_PATH, load_norm, load_norm_file
from normmonitor.organisations import geo
from normmonitor.organisations.models import Neighbour, Organisation, Region
from normmonitor.rounds import services as round_services
from normmonitor.rounds.models import MonitoringRound, RoundState

from .norm import synthetic_norm

BENCH_PASSWORD = "bench-password-not-secret"  # noqa: S105 - synthetic accounts, printed on purpose
BOUNDARY_YEAR = 2021  # 352 municipalities + 12 provinces + 21 water boards = 385
FIRST_PROVINCE = "PV24"  # Flevoland first, so that every size has the region of 7
NATIONAL_REGION = "nederland"

# The 21 water boards (2021) and the province of their seat; codes are not CBS codes.
WATER_BOARDS = (
    ("Wetterskip Fryslân", "PV21"),
    ("Waterschap Noorderzijlvest", "PV20"),
    ("Waterschap Hunze en Aa's", "PV20"),
    ("Waterschap Drents Overijsselse Delta", "PV23"),
    ("Waterschap Vechtstromen", "PV23"),
    ("Waterschap Zuiderzeeland", "PV24"),
    ("Waterschap Vallei en Veluwe", "PV25"),
    ("Waterschap Rijn en IJssel", "PV25"),
    ("Waterschap Rivierenland", "PV25"),
    ("Hoogheemraadschap De Stichtse Rijnlanden", "PV26"),
    ("Waterschap Amstel, Gooi en Vecht", "PV27"),
    ("Hoogheemraadschap Hollands Noorderkwartier", "PV27"),
    ("Hoogheemraadschap van Rijnland", "PV28"),
    ("Hoogheemraadschap van Delfland", "PV28"),
    ("Hoogheemraadschap van Schieland en de Krimpenerwaard", "PV28"),
    ("Waterschap Hollandse Delta", "PV28"),
    ("Waterschap Scheldestromen", "PV29"),
    ("Waterschap Brabantse Delta", "PV30"),
    ("Waterschap De Dommel", "PV30"),
    ("Waterschap Aa en Maas", "PV30"),
    ("Waterschap Limburg", "PV31"),
)
EXPLANATIONS = (
    "Staat gepland voor het volgende kwartaal.",
    "Beleid in voorbereiding; besluit volgt na de zomer.",
    "Afhankelijk van de regionale afstemming in het DTO.",
    "Capaciteit ontbreekt; opgenomen in de begroting van volgend jaar.",
)
OWNERS = ("Team OOV", "Juridische zaken", "Vergunningen", "Concernstaf", "Integriteitsbureau")


@dataclass
class BenchResult:
    organisations: int = 0
    regions: int = 0
    rounds: int = 0
    assessments: int = 0
    answers: int = 0
    audit_events: int = 0
    users: int = 0
    neighbours: int = 0
    timings: dict[str, float] = field(default_factory=dict)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("â", "a")).strip("-")


@dataclass(frozen=True)
class _Org:
    code: str
    name: str
    type: str
    cbs_code: str
    province: str


def _organisations(count: int) -> tuple[list[_Org], dict[str, str], dict[str, set[str]]]:
    """The first ``count`` organisations, province by province (Flevoland first): the province,
    its municipalities, its water boards. Also province names and municipal adjacency."""
    municipalities = geo.load_features(geo.boundary_file("gemeente", BOUNDARY_YEAR))
    provinces = geo.load_features(geo.boundary_file("provincie", BOUNDARY_YEAR))
    province_of = geo.province_of(municipalities, provinces)
    province_names = {p.statcode: p.name for p in provinces}
    order = [FIRST_PROVINCE, *sorted(c for c in province_names if c != FIRST_PROVINCE)]
    everything: list[_Org] = []
    for province in order:
        everything.append(
            _Org(province, f"Provincie {province_names[province]}", "provincie", province, province)
        )
        everything += [
            _Org(m.statcode, m.name, "gemeente", m.statcode, province)
            for m in municipalities
            if province_of[m.statcode] == province
        ]
        everything += [
            _Org(f"WS-{_slug(name)}"[:40], name, "waterschap", "", province)
            for name, seat in WATER_BOARDS
            if seat == province
        ]
    selected = everything[:count]
    chosen = {o.code for o in selected if o.type == "gemeente"}
    features = [m for m in municipalities if m.statcode in chosen]
    adjacency = geo.adjacency(features) if len(features) > 1 else {}
    return selected, province_names, adjacency


def build(
    *,
    organisations: int = 385,
    rounds: int = 10,
    seed: int = 1,
    ambitions: int = 60,
    audit: bool = True,
    log: Callable[[str], None] = lambda message: None,
) -> BenchResult:
    """Create the installation in an empty database; returns counts and timings."""
    import time

    result = BenchResult()
    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible by seed
    started = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        result.timings[name] = round(now - started, 2)
        log(f"{name}: {now - started:.1f} s")
        started = now

    flevolandse = load_norm_file(FLEVOLANDSE_NORM_PATH).norm_version
    synthetic = load_norm(synthetic_norm(ambitions)).norm_version
    lap("norms")

    specs, province_names, adjacency = _organisations(organisations)
    lap("boundaries and neighbours")
    with transaction.atomic():
        rows = Organisation.objects.bulk_create(
            Organisation(code=o.code, name=o.name, type=o.type, cbs_code=o.cbs_code) for o in specs
        )
        by_code = {row.code: row for row in rows}
        pairs = {(a, b) for a, ns in adjacency.items() for b in ns}
        Neighbour.objects.bulk_create(
            (
                Neighbour(
                    organisation_id=by_code[a].pk,
                    neighbour_id=by_code[b].pk,
                    source=f"CBS municipal boundaries {BOUNDARY_YEAR}, generalised",
                )
                for a, b in sorted(pairs)
            ),
            batch_size=5000,
        )
        result.organisations, result.neighbours = len(rows), len(pairs) // 2

        regions: dict[str, tuple[Region, list[Organisation]]] = {}
        for province in dict.fromkeys(o.province for o in specs):
            name = province_names[province]
            region = Region.objects.create(
                key=_slug(name), name=f"District {name}", geo_attribution=geo.ATTRIBUTION
            )
            regions[region.key] = (
                region,
                [by_code[o.code] for o in specs if o.province == province],
            )
        national = Region.objects.create(
            key=NATIONAL_REGION, name="Nederland (synthetisch)", geo_attribution=geo.ATTRIBUTION
        )
        regions[NATIONAL_REGION] = (national, rows)
        Through = Region.members.through
        Through.objects.bulk_create(
            (
                Through(region_id=region.pk, organisation_id=member.pk)
                for region, members in regions.values()
                for member in members
            ),
            batch_size=5000,
        )
        result.regions = len(regions)
        editors = _users(regions, rows)
        result.users = len(editors) + len(regions) + 1
    lap("organisations, regions, users")

    for key, (region, members) in regions.items():
        norm_version = synthetic if key == NATIONAL_REGION else flevolandse
        previous = None
        for number in range(1, rounds + 1):
            previous = _round(
                region, members, norm_version, number, rounds, previous, editors, rng, audit, result
            )
    lap("rounds, assessments, answers, audit")
    _analyse()
    lap("planner statistics")
    return result


def _analyse() -> None:
    """Give the query planner statistics of what was just bulk-inserted, as a production
    database has them (autovacuum; ``PRAGMA optimize``): without them SQLite picks plans for
    empty tables and the benchmarks measure that instead of the application."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor in ("postgresql", "sqlite"):
            cursor.execute("ANALYZE")


def _users(regions: dict, organisations: list[Organisation]) -> dict[int, object]:
    """bench-admin, bench-coordinator-<region> and bench-<code> (an editor per organisation),
    all with BENCH_PASSWORD (hashed once: the salt is in the hash, so it is valid for all)."""
    User = get_user_model()
    password = make_password(BENCH_PASSWORD)
    users = User.objects.bulk_create(
        [User(username="bench-admin", password=password, is_staff=True)]
        + [User(username=f"bench-coordinator-{key}", password=password) for key in regions]
        + [User(username=f"bench-{o.code.lower()}", password=password) for o in organisations],
        batch_size=2000,
    )
    admin, coordinators, editors = users[0], users[1 : len(regions) + 1], users[len(regions) + 1 :]
    Membership.objects.bulk_create(
        [Membership(user=admin, role=Role.ADMINISTRATOR)]
        + [
            Membership(user=user, role=Role.COORDINATOR, region=region)
            for user, (region, _members) in zip(coordinators, regions.values(), strict=True)
        ]
        + [
            Membership(user=user, role=Role.EDITOR, organisation=o)
            for user, o in zip(editors, organisations, strict=True)
        ],
        batch_size=2000,
    )
    return {o.pk: user for o, user in zip(organisations, editors, strict=True)}


def _round(
    region: Region,
    members: list[Organisation],
    norm_version: NormVersion,
    number: int,
    rounds: int,
    previous: MonitoringRound | None,
    editors: dict[int, object],
    rng: random.Random,
    audit: bool,
    result: BenchResult,
) -> MonitoringRound:
    is_last = number == rounds
    reference = date(2021, 4, 1) + timedelta(days=182 * (number - 1))
    opened = datetime.combine(reference, datetime.min.time(), tzinfo=utc)
    monitoring_round = MonitoringRound.objects.create(
        key=f"{region.key}-{number}",
        name=f"{region.name} – meting {number}",
        region=region,
        norm_version=norm_version,
        reference_date=reference,
        deadline=reference + timedelta(days=42),
        state=RoundState.OPEN,
        previous=previous,
        opened_at=opened,
    )
    result.rounds += 1
    assessed = [o for o in members if o.type in norm_version.organisation_types]
    assessments = Assessment.objects.bulk_create(
        Assessment(round=monitoring_round, organisation=o) for o in assessed
    )
    result.assessments += len(assessments)
    rated = list(norm_version.requirements.filter(derived=False).order_by("order"))
    levels = {level.code: level for level in norm_version.scale.all()}
    answers: list[Answer] = []
    events: list[AuditEvent] = []
    for assessment, organisation in zip(assessments, assessed, strict=True):
        # Each organisation has its own pace; every round it gets a little further.
        maturity = min(0.95, 0.25 + 0.5 * rng.random() + 0.05 * number)
        editor = editors[organisation.pk]
        for requirement in rated:
            if organisation.type not in requirement.applies_to:
                continue
            answer, code = _answer(
                assessment, requirement, maturity, levels, rng, is_last, editor.pk, opened
            )
            answers.append(answer)
            if audit and code is not None:
                events.append(
                    AuditEvent(
                        name="answer.updated",
                        actor_id=editor.pk,
                        actor_name=editor.username,
                        organisation_id=organisation.pk,
                        round_id=monitoring_round.pk,
                        data={
                            "requirement": requirement.code,
                            "before": {"level": None},
                            "after": {"level": code},
                        },
                    )
                )
        if len(answers) >= 20000:
            result.answers += len(Answer.objects.bulk_create(answers, batch_size=5000))
            answers = []
    result.answers += len(Answer.objects.bulk_create(answers, batch_size=5000))
    events += [
        AuditEvent(name="round.created", actor_name="system", round=monitoring_round, data={}),
        AuditEvent(name="round.opened", actor_name="system", round=monitoring_round, data={}),
    ]
    result.audit_events += len(AuditEvent.objects.bulk_create(events, batch_size=5000))
    if not is_last:
        # Through the service, so that the round gets its snapshot and audit event as in use.
        round_services.round_close(actor=None, monitoring_round=monitoring_round)
        result.audit_events += 1
    return monitoring_round


def _answer(
    assessment, requirement, maturity, levels, rng, is_last, editor_id, opened
) -> tuple[Answer, str | None]:
    answer = Answer(assessment_id=assessment.pk, requirement_id=requirement.pk)
    draw = rng.random()
    if is_last and draw < 0.3:
        answer.carried_over = draw < 0.1  # not yet confirmed, or not yet answered
        return answer, None
    draw = rng.random()
    if draw < 0.03:
        code = "nvt"
    elif draw < 0.03 + maturity:
        code = "behaald"
    elif draw < 0.18 + maturity:
        code = "gedeeltelijk"
    else:
        code = "niet-behaald"
    answer.level_id = levels[code].pk
    if code in {"gedeeltelijk", "niet-behaald"}:
        answer.explanation = rng.choice(EXPLANATIONS)
        answer.planned_date = opened.date() + timedelta(days=rng.randrange(30, 400))
    answer.owner = rng.choice(OWNERS)
    if requirement.recurrence:
        answer.last_done_on = opened.date() - timedelta(days=rng.randrange(0, 400))
    answer.version = rng.randrange(1, 4)
    answer.updated_by_id = editor_id
    return answer, code
