"""``normmonitor demo``: load the fictitious Flevoland demo and start the server."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from normmonitor import organisations
from normmonitor.access.models import Membership, Role
from normmonitor.assessments.models import Answer
from normmonitor.audit.services import record
from normmonitor.demo.scenario import (
    ACHIEVED_NOTES,
    MISSING_NOTES,
    OWNERS,
    ROUNDS,
    RoundPlan,
    organisation_ranking,
)
from normmonitor.norms.models import NormVersion, Requirement
from normmonitor.norms.services import FLEVOLANDSE_NORM_PATH, load_norm_file
from normmonitor.organisations.models import Organisation, Region
from normmonitor.organisations.services import load_region_fixture
from normmonitor.rounds import services as round_services
from normmonitor.rounds.models import MonitoringRound

FLEVOLAND_FIXTURE_PATH = Path(organisations.__file__).parent / "data" / "flevoland.yaml"
DEMO_PASSWORD = "demo-Flevoland-2022"  # noqa: S105 - fictitious demo accounts, printed on purpose

# username, full name, role, organisation code (or region key for a coordinator)
DEMO_USERS = (
    ("beheerder", "Bea Beheer", Role.ADMINISTRATOR, None),
    ("coordinator", "Wim Werkgroep", Role.COORDINATOR, "flevoland"),
    ("almere", "Ayla Almere", Role.EDITOR, "GM0034"),
    ("lelystad", "Lars Lelystad", Role.EDITOR, "GM0995"),
    ("dronten", "Dirk Dronten", Role.EDITOR, "GM0303"),
    ("noordoostpolder", "Noor Noordoostpolder", Role.EDITOR, "GM0171"),
    ("urk", "Ulbe Urk", Role.EDITOR, "GM0184"),
    ("zeewolde", "Zara Zeewolde", Role.EDITOR, "GM0050"),
    ("provincie", "Pim Provincie", Role.EDITOR, "PV24"),
    ("lezer-almere", "Lotte Lezer", Role.READER, "GM0034"),
)


class Command(BaseCommand):
    help = "Load the fictitious Flevoland demo (idempotent) and start the server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Load only; do not serve")
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, no_serve: bool, addrport: str, **options) -> None:
        if not settings.DEBUG and "test" not in settings.SETTINGS_MODULE:
            raise CommandError(
                "The demo creates accounts with a published password: it only runs with the "
                "development settings (DJANGO_SETTINGS_MODULE=normmonitor.conf.dev)."
            )
        call_command("migrate", interactive=False, verbosity=0)
        result = load_norm_file(FLEVOLANDSE_NORM_PATH)
        self.stdout.write(f"Norm: {result.message}")
        region = load_region_fixture(FLEVOLAND_FIXTURE_PATH)
        if region.target_date is None:
            # The declaration of intent: implemented "medio 2022" / by June 2022.
            region.target_date = date(2022, 6, 30)
            region.save(update_fields=["target_date"])
        self.stdout.write(f"Region: {region.name} with {region.members.count()} organisations")
        self._users(region)
        previous = None
        for plan in ROUNDS:
            previous = self._round(plan, region, result.norm_version, previous)
        self._print_logins()
        if not no_serve:
            call_command("runserver", addrport, use_reloader=False)

    def _users(self, region: Region) -> None:
        user_model = get_user_model()
        for username, full_name, role, scope in DEMO_USERS:
            first, _, last = full_name.partition(" ")
            user, created = user_model.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@demo.normmonitor.invalid",
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            scope_fields: dict = {}
            if role == Role.COORDINATOR:
                scope_fields["region"] = region
            elif role in (Role.EDITOR, Role.READER):
                scope_fields["organisation"] = Organisation.objects.get(code=scope)
            Membership.objects.get_or_create(user=user, role=role, **scope_fields)

    @transaction.atomic
    def _round(
        self,
        plan: RoundPlan,
        region: Region,
        norm_version: NormVersion,
        previous: MonitoringRound | None,
    ) -> MonitoringRound:
        existing = MonitoringRound.objects.filter(key=plan.key).first()
        if existing is not None:
            self.stdout.write(f"Round {plan.key}: present, left as it is")
            return existing
        monitoring_round = round_services.round_create(
            actor=None,
            key=plan.key,
            name=plan.name,
            region=region,
            norm_version=norm_version,
            reference_date=plan.reference_date,
            deadline=plan.deadline,
            previous=previous,
        )
        round_services.round_open(actor=None, monitoring_round=monitoring_round)
        self._fill(monitoring_round, plan)
        if plan.close:
            round_services.round_close(actor=None, monitoring_round=monitoring_round)
        record("demo.round_filled", actor=None, round=monitoring_round, fictitious=True)
        self.stdout.write(f"Round {plan.key}: created ({monitoring_round.get_state_display()})")
        return monitoring_round

    def _fill(self, monitoring_round: MonitoringRound, plan: RoundPlan) -> None:
        """Rate every answer so that each organisation achieves exactly its target number of
        ambitions; the score itself is computed by the scoring module, never stored."""
        norm_version = monitoring_round.norm_version
        levels = {level.code: level for level in norm_version.scale.all()}
        achieved, partial, missing = _levels_by_role(levels)
        requirements = list(norm_version.requirements.order_by("order"))
        ambitions = [r for r in requirements if r.parent_id is None]
        ambition_of = _ambition_codes(requirements)
        answers = list(
            Answer.objects.filter(assessment__round=monitoring_round).select_related(
                "assessment__organisation", "requirement"
            )
        )
        by_organisation: dict[str, list[Answer]] = {}
        for answer in answers:
            by_organisation.setdefault(answer.assessment.organisation.code, []).append(answer)

        for code, organisation_answers in by_organisation.items():
            organisation_type = organisation_answers[0].assessment.organisation.type
            applicable = [a.code for a in ambitions if organisation_type in a.applies_to]
            weak = set(plan.weak_spots.get(code, ()))
            weak_ambitions = {ambition_of[c] for c in weak}
            ranking = [a for a in organisation_ranking(code, applicable) if a not in weak_ambitions]
            done = set(ranking[: plan.targets.get(code, 0)])
            rng = random.Random(f"{plan.key}-{code}")  # noqa: S311 - demo data, not security
            for answer in organisation_answers:
                if ambition_of[answer.requirement.code] in done:
                    answer.level = achieved
                    answer.explanation = rng.choice(ACHIEVED_NOTES)
                    answer.planned_date = None
                else:
                    # Within a missing derived ambition some sub-items are already in place.
                    in_place = answer.requirement.parent_id and rng.random() < 0.5
                    if in_place and answer.requirement.code not in weak:
                        answer.level = achieved
                        answer.explanation = rng.choice(ACHIEVED_NOTES)
                    else:
                        answer.level = partial if rng.random() < 0.6 else missing
                        answer.explanation = rng.choice(MISSING_NOTES)
                        answer.planned_date = plan.deadline + timedelta(
                            days=rng.choice((90, 180, 270))
                        )
                answer.owner = rng.choice(OWNERS)
                answer.carried_over = answer.carried_over and rng.random() > plan.confirmed_share
            # A missing derived ambition must have at least one sub-item not achieved.
            _ensure_missing_derived(organisation_answers, ambition_of, done, achieved, partial)
        Answer.objects.bulk_update(
            answers,
            ["level", "explanation", "planned_date", "owner", "carried_over"],
            batch_size=1000,
        )

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(
            f"Demo logins (fictitious data) – password for every account: {DEMO_PASSWORD}"
        )
        for username, full_name, role, scope in DEMO_USERS:
            where = f" ({scope})" if scope else ""
            self.stdout.write(f"  {username:<16} {Role(role).label}{where} – {full_name}")
        self.stdout.write("Open http://127.0.0.1:8000/ and log in.")


def _levels_by_role(levels: dict) -> tuple:
    ordered = sorted(levels.values(), key=lambda level: level.order)
    achieved = next(level for level in ordered if level.achieved)
    rated = [level for level in ordered if not level.achieved and not level.not_applicable]
    partial = next((level for level in rated if level.weight and level.weight > 0), rated[0])
    missing = rated[-1]
    return achieved, partial, missing


def _ambition_codes(requirements: list[Requirement]) -> dict[str, str]:
    """Requirement code → code of its ambition (top-level ancestor); requirements in tree order."""
    by_pk = {r.pk: r for r in requirements}
    result: dict[str, str] = {}
    for requirement in requirements:
        parent = by_pk.get(requirement.parent_id)
        result[requirement.code] = result[parent.code] if parent else requirement.code
    return result


def _ensure_missing_derived(
    answers: list[Answer], ambition_of: dict[str, str], done: set[str], achieved, partial
) -> None:
    by_ambition: dict[str, list[Answer]] = {}
    for answer in answers:
        by_ambition.setdefault(ambition_of[answer.requirement.code], []).append(answer)
    for code, group in by_ambition.items():
        if code in done:
            continue
        if all(a.level_id == achieved.pk for a in group):
            group[-1].level = partial
            group[-1].explanation = MISSING_NOTES[0]
