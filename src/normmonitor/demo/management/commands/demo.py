"""``normmonitor demo``: load the fictitious Flevoland demo and start the server."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from normmonitor import organisations
from normmonitor.access.models import Membership, Role
from normmonitor.actions import services as action_services
from normmonitor.actions.models import Action
from normmonitor.assessments.models import Answer
from normmonitor.audit.services import record
from normmonitor.demo.scenario import (
    ACHIEVED_NOTES,
    MISSING_NOTES,
    NORM_2_PARTNERS,
    NORM_2_ROUND,
    OWNERS,
    ROUNDS,
    RoundPlan,
    organisation_ranking,
)
from normmonitor.demo.scenario import ACTIONS as DEMO_ACTIONS
from normmonitor.demo.scenario import INITIATIVES as DEMO_INITIATIVES
from normmonitor.demo.scenario import SCANS as DEMO_SCANS
from normmonitor.initiatives import services as initiative_services
from normmonitor.initiatives.models import Initiative
from normmonitor.norms.mapping import FLEVOLANDSE_MAPPING_PATH, FLEVOLANDSE_NORM_2_PATH
from normmonitor.norms.models import Norm, NormVersion, Requirement
from normmonitor.norms.services import FLEVOLANDSE_NORM_PATH, load_mapping_file, load_norm_file
from normmonitor.organisations.models import Organisation, Region
from normmonitor.organisations.services import load_region_fixture
from normmonitor.resiliencescan import services as scan_services
from normmonitor.resiliencescan.models import Scan
from normmonitor.resiliencescan.questionnaire import WEERBAARHEIDSSCAN_PATH
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
    ("waterschap", "Wouter Waterschap", Role.EDITOR, "zuiderzeeland"),
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
        # The partners that joined with Norm 2.0 (2025); rounds on 1.0 do not include them.
        for code, name, kind in NORM_2_PARTNERS:
            partner, _created = Organisation.objects.get_or_create(
                code=code, defaults={"name": name, "type": kind}
            )
            region.members.add(partner)
        self._users(region)
        previous = None
        for plan in ROUNDS:
            previous = self._round(plan, region, result.norm_version, previous)
        self._analysis_demo(region)
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
            ranking = [
                a
                for a in organisation_ranking(code, applicable, plan.difficulty)
                if a not in weak_ambitions
            ]
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
            done_rng = random.Random(f"{plan.key}-{code}-done")  # noqa: S311 - demo data
            for answer in organisation_answers:
                if code in plan.in_place.get(answer.requirement.code, ()):
                    answer.level = achieved
                    answer.explanation = ACHIEVED_NOTES[0]
                    answer.planned_date = None
                # Periodic duties record when they were last done (they fall overdue by
                # themselves once their period has passed: docs/analysis.md).
                if answer.requirement.recurrence and answer.level_id == achieved.pk:
                    answer.last_done_on = plan.reference_date - timedelta(
                        days=done_rng.randint(20, 400)
                    )
            # A missing derived ambition must have at least one sub-item not achieved.
            _ensure_missing_derived(organisation_answers, ambition_of, done, achieved, partial)
        Answer.objects.bulk_update(
            answers,
            ["level", "explanation", "planned_date", "owner", "carried_over", "last_done_on"],
            batch_size=1000,
        )

    def _analysis_demo(self, region: Region) -> None:
        """Issue #5: the illustrative Norm 2.0 with its mapping and partners, a round on it,
        actions, initiatives and resilience scans. Idempotent like the rest of the demo."""
        norm2 = load_norm_file(FLEVOLANDSE_NORM_2_PATH)
        self.stdout.write(f"Norm 2.0 (illustrative): {norm2.message}")
        mapping = load_mapping_file(FLEVOLANDSE_MAPPING_PATH)
        self.stdout.write(f"Mapping: {mapping.message}")
        self._round(NORM_2_ROUND, region, norm2.norm_version, None)
        self._actions()
        self._initiatives(region)
        self._scans()
        self.stdout.write(
            "Reminders: run `normmonitor remind` (the demo's console e-mail backend prints them)."
        )

    @transaction.atomic
    def _actions(self) -> None:
        users = {u.username: u for u in get_user_model().objects.all()}
        created = 0
        for plan in DEMO_ACTIONS:
            organisation = Organisation.objects.get(code=plan.organisation)
            if Action.objects.filter(organisation=organisation, origin=plan.origin).exists():
                continue
            monitoring_round = MonitoringRound.objects.get(key=plan.round)
            action = action_services.action_create(
                actor=None,
                organisation=organisation,
                description=plan.description,
                requirement=monitoring_round.norm_version.requirements.get(code=plan.item),
                monitoring_round=monitoring_round,
                owner=plan.owner,
                owner_user=users.get(plan.owner_user) if plan.owner_user else None,
                due_date=plan.due_date,
                origin=plan.origin,
            )
            if plan.status != "open":
                action = action_services.action_update(
                    actor=None,
                    action=action,
                    description=action.description,
                    owner=action.owner,
                    owner_user=action.owner_user,
                    due_date=action.due_date,
                    status=plan.status,
                )
            for username, text in plan.comments:
                action_services.action_comment(actor=users[username], action=action, text=text)
            created += 1
        self.stdout.write(f"Actions: {created} created")

    @transaction.atomic
    def _initiatives(self, region: Region) -> None:
        norm = Norm.objects.get(key="flevolandse-norm")
        created = 0
        for plan in DEMO_INITIATIVES:
            if Initiative.objects.filter(title=plan.title).exists():
                continue
            organisations = {
                o.code: o for o in Organisation.objects.filter(code__in=plan.organisations)
            }
            initiative_services.initiative_create(
                actor=None,
                region=region,
                data=initiative_services.InitiativeData(
                    title=plan.title,
                    organisations=[organisations[code] for code in plan.organisations],
                    description=plan.description,
                    lead=organisations[plan.lead],
                    partners=plan.partners,
                    status=plan.status,
                    start_date=plan.start_date,
                    end_date=plan.end_date,
                    budget=Decimal(plan.budget) if plan.budget else None,
                    funding_source=plan.funding_source,
                    norm=norm,
                    ambition_codes=plan.ambitions,
                    source=plan.source,
                ),
                funding=[
                    initiative_services.FundingLine(
                        source=source, amount=Decimal(amount), year=year, matches=matches
                    )
                    for source, amount, year, matches in plan.funding
                ],
            )
            created += 1
        self.stdout.write(f"Initiatives: {created} created")

    @transaction.atomic
    def _scans(self) -> None:
        questionnaire = scan_services.load_questionnaire_file(WEERBAARHEIDSSCAN_PATH)
        self.stdout.write(f"Questionnaire: {questionnaire.message}")
        created = 0
        for code, conducted_on, conducted_by, answers, propose in DEMO_SCANS:
            organisation = Organisation.objects.get(code=code)
            if Scan.objects.filter(organisation=organisation, conducted_on=conducted_on).exists():
                continue
            scan = scan_services.scan_create(
                actor=None,
                organisation=organisation,
                questionnaire=questionnaire.questionnaire,
                conducted_on=conducted_on,
                conducted_by=conducted_by,
                baseline=True,
            )
            scan_services.scan_save(
                actor=None, scan=scan, answers={q: (a, "") for q, a in answers.items()}
            )
            scan = scan_services.scan_complete(actor=None, scan=scan)
            if propose:
                scan_services.scan_propose_actions(actor=None, scan=scan)
            created += 1
        self.stdout.write(f"Resilience scans: {created} created")

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
