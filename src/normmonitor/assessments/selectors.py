"""Reads of assessments, and the bridge from stored answers to the pure scoring module."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum

from normmonitor.norms.models import NormVersion, Requirement
from normmonitor.organisations.models import Organisation
from normmonitor.rounds.models import MonitoringRound, RoundSnapshot, RoundState
from normmonitor.rounds.snapshots import model_from_data, ratings_from_data
from normmonitor.scoring import (
    Item,
    Level,
    NormModel,
    RegionScore,
    Tally,
    as_percent,
    pool,
    score_region,
)

from .models import Answer, Assessment, DeviationStatus

_norm_models: dict[tuple[int, str], NormModel] = {}


def norm_model(norm_version: NormVersion) -> NormModel:
    """The scoring model of a norm version. Versions are immutable, so the model is cached by
    primary key and content hash."""
    cache_key = (norm_version.pk, norm_version.content_hash)
    model = _norm_models.get(cache_key)
    if model is None:
        requirements = list(
            norm_version.requirements.select_related("theme", "parent").order_by("order")
        )
        model = NormModel(
            items=tuple(
                Item(
                    code=r.code,
                    theme=r.theme.code,
                    parent=r.parent.code if r.parent_id else None,
                    derived=r.derived,
                    applies_to=frozenset(r.applies_to),
                )
                for r in requirements
            ),
            scale=tuple(
                Level(
                    code=level.code,
                    achieved=level.achieved,
                    weight=Fraction(level.weight) if level.weight is not None else None,
                    not_applicable=level.not_applicable,
                )
                for level in norm_version.scale.order_by("order")
            ),
            themes=tuple(norm_version.themes.order_by("order").values_list("code", flat=True)),
        )
        _norm_models[cache_key] = model
    return model


def not_applicable_level(norm_version: NormVersion) -> str | None:
    """The scale's not-applicable level: what an accepted deviation (maatwerk) counts as."""
    return (
        norm_version.scale.filter(not_applicable=True)
        .order_by("order")
        .values_list("code", flat=True)
        .first()
    )


def round_ratings(
    monitoring_round: MonitoringRound, organisation_ids: set[int] | None = None
) -> dict[str, tuple[str, dict[str, str | None]]]:
    """Organisation code → (type, {requirement code → level code or None}), in one query.

    These are the ratings that count: an item with a deviation the working group accepted
    counts as the norm's not-applicable level, whatever its own rating; a deviation that is
    only proposed changes nothing (docs/security.md, "Deviations").

    The answers are read as ids and turned into codes here: for a national round (35 000
    answers) joining the codes in SQL costs more than the scoring itself."""
    assessments = Assessment.objects.filter(round=monitoring_round)
    if organisation_ids is not None:
        assessments = assessments.filter(organisation_id__in=organisation_ids)
    organisations = {
        pk: (code, org_type)
        for pk, code, org_type in assessments.values_list(
            "pk", "organisation__code", "organisation__type"
        )
    }
    requirements, levels, not_applicable = _norm_codes(monitoring_round.norm_version)
    answers = Answer.objects.filter(assessment__round=monitoring_round)
    if organisation_ids is not None:
        answers = answers.filter(assessment__organisation_id__in=organisation_ids)
    by_assessment: dict[int, dict[str, str | None]] = {}
    for assessment_id, requirement_id, level_id, deviation in answers.values_list(
        "assessment_id", "requirement_id", "level_id", "deviation_status"
    ):
        level = levels[level_id]
        if deviation == DeviationStatus.ACCEPTED and not_applicable is not None:
            level = not_applicable
        by_assessment.setdefault(assessment_id, {})[requirements[requirement_id]] = level
    return {
        organisations[pk][0]: (organisations[pk][1], ratings)
        for pk, ratings in sorted(by_assessment.items(), key=lambda entry: organisations[entry[0]])
    }


@dataclass(frozen=True)
class _Scored:
    norm: NormModel
    score: RegionScore
    codes_by_id: dict[int, str]  # organisation id → code, as the round knew them

    @property
    def weight(self) -> int:
        return max(1, len(self.score.by_organisation))

    def part(self, organisation_ids: set[int]) -> RegionScore:
        codes = {self.codes_by_id[pk] for pk in organisation_ids if pk in self.codes_by_id}
        return pool(
            self.norm,
            {code: s for code, s in self.score.by_organisation.items() if code in codes},
        )


_codes: dict[tuple[int, str], tuple[dict[int, str], dict[int | None, str | None], str | None]] = {}


def _norm_codes(
    norm_version: NormVersion,
) -> tuple[dict[int, str], dict[int | None, str | None], str | None]:
    """Requirement id → code, level id → code (None → None) and the not-applicable level of a
    norm version; versions are immutable, so remembered like ``norm_model``."""
    cache_key = (norm_version.pk, norm_version.content_hash)
    codes = _codes.get(cache_key)
    if codes is None:
        levels: dict[int | None, str | None] = dict(
            norm_version.scale.order_by().values_list("pk", "code")
        )
        levels[None] = None
        codes = _codes[cache_key] = (
            dict(norm_version.requirements.order_by().values_list("pk", "code")),
            levels,
            not_applicable_level(norm_version),
        )
    return codes


class _ScoreCache:
    """The scores of the last rounds asked for, per process, keyed by what they depend on.

    A closed round is keyed by its latest snapshot (immutable: its id and checksum). An open
    round is keyed by the number of its answers and the sum of their versions (every change of
    an answer goes through assessments.services and raises its version: optimistic locking),
    so the key changes with every save, deviation decision and confirmation, in any process;
    and by its organisations' types. Bounded by the number of organisation scores it holds
    (one national round: 385, with its analysis a few MB), least recently used first out."""

    def __init__(self, organisations: int) -> None:
        self.organisations = organisations
        self._entries: OrderedDict[tuple[Any, ...], _Scored] = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> _Scored | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: tuple[Any, ...], scored: _Scored) -> None:
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = scored
            self._held += scored.weight
            while self._held > self.organisations and len(self._entries) > 1:
                _key, dropped = self._entries.popitem(last=False)
                self._held -= dropped.weight

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._held = 0


score_cache = _ScoreCache(organisations=settings.NORMMONITOR_SCORE_CACHE_ORGANISATIONS)


def round_scores(rounds: Iterable[MonitoringRound]) -> dict[int, RegionScore]:
    """``round_score`` of each round (by pk), with one query for the snapshots of all the
    closed ones instead of one each: the history of a region reads ten rounds at once."""
    rounds = list(rounds)
    latest = _latest_snapshots([r.pk for r in rounds if r.state == RoundState.CLOSED])
    return {
        r.pk: (
            _closed_round_scored(("snapshot", *latest[r.pk])).score
            if r.pk in latest
            else round_score(r)
        )
        for r in rounds
    }


def round_score(
    monitoring_round: MonitoringRound, organisation_ids: set[int] | None = None
) -> RegionScore:
    """The figures of a round. A closed round is scored from its snapshot (rounds/snapshots.py),
    so that nothing edited after closing changes them; any other round from the live answers.

    Whole rounds are remembered (``score_cache``). Part of a closed round is taken from the
    whole; part of an open one is scored on its own (one organisation's answers are quick to
    read, the fingerprint of a national round is not free)."""
    if monitoring_round.state == RoundState.CLOSED:
        latest = _latest_snapshots([monitoring_round.pk]).get(monitoring_round.pk)
        if latest is not None:
            scored = _closed_round_scored(("snapshot", *latest))
            return scored.score if organisation_ids is None else scored.part(organisation_ids)
        # closed without a snapshot (not made by round_close): score the stored answers
    if organisation_ids is not None or connection.in_atomic_block:
        # Inside a transaction the answers may hold changes that are rolled back later, and
        # the fingerprint of a rolled-back state can come back with other content: not cached.
        return live_round_score(monitoring_round, organisation_ids)
    key = ("live", monitoring_round.pk, *_live_fingerprint(monitoring_round))
    scored = score_cache.get(key)
    if scored is None:
        norm = norm_model(monitoring_round.norm_version)
        scored = _Scored(norm, score_region(norm, round_ratings(monitoring_round)), {})
        score_cache.put(key, scored)
    return scored.score


def _latest_snapshots(round_ids: list[int]) -> dict[int, tuple[int, str]]:
    """Round id → (id, checksum) of its latest snapshot, for rounds that have one; read from
    the covering index, never the snapshots' JSON."""
    latest: dict[int, tuple[int, str]] = {}
    for round_id, pk, checksum in (
        RoundSnapshot.objects.filter(round_id__in=round_ids)
        .order_by("round_id", "sequence")
        .values_list("round_id", "pk", "checksum")
    ):
        latest[round_id] = (pk, checksum)  # the highest sequence comes last
    return latest


def _closed_round_scored(key: tuple[str, int, str]) -> _Scored:
    scored = score_cache.get(key)
    if scored is None:
        snapshot = RoundSnapshot.objects.get(pk=key[1])
        norm = snapshot_model(snapshot)
        scored = _Scored(
            norm,
            score_region(norm, ratings_from_data(snapshot.data)),
            {entry["id"]: entry["code"] for entry in snapshot.data["organisations"]},
        )
        score_cache.put(key, scored)
    return scored


def _live_fingerprint(monitoring_round: MonitoringRound) -> tuple[int, int, int]:
    """(number of answers, sum of their versions, hash of the organisations' types): changes
    with every saved answer and with a change of what an organisation is."""
    totals = Answer.objects.filter(assessment__round=monitoring_round).aggregate(
        count=Count("pk"), versions=Sum("version")
    )
    types = hash(
        tuple(
            Assessment.objects.filter(round=monitoring_round)
            .order_by("organisation_id")
            .values_list("organisation_id", "organisation__type")
        )
    )
    return totals["count"], totals["versions"] or 0, types


def live_round_score(
    monitoring_round: MonitoringRound, organisation_ids: set[int] | None = None
) -> RegionScore:
    return score_region(
        norm_model(monitoring_round.norm_version),
        round_ratings(monitoring_round, organisation_ids),
    )


_snapshot_models: dict[str, NormModel] = {}


def snapshot_model(snapshot: RoundSnapshot) -> NormModel:
    model = _snapshot_models.get(snapshot.checksum)
    if model is None:
        model = _snapshot_models[snapshot.checksum] = model_from_data(snapshot.data["model"])
    return model


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int
    carried_over: int

    @property
    def percentage(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


def progress_by_assessment(assessments: QuerySet[Assessment]) -> dict[int, Progress]:
    """Answered, total and carried-over answers per assessment. Counted from the answers of the
    chosen assessments (an indexed range per assessment): grouping the assessments with their
    answers joined made PostgreSQL read every answer of every round (478 000) for one round."""
    rows = (
        Answer.objects.filter(assessment_id__in=assessments.values("pk"))
        .order_by()
        .values("assessment_id")
        .annotate(
            total=Count("pk"),
            answered=Count("pk", filter=Q(level__isnull=False)),
            carried=Count("pk", filter=Q(carried_over=True)),
        )
        .values_list("assessment_id", "answered", "total", "carried")
    )
    progress = {pk: Progress(0, 0, 0) for pk in assessments.values_list("pk", flat=True)}
    progress.update(
        {pk: Progress(answered, total, carried) for pk, answered, total, carried in rows}
    )
    return progress


def answers_for_form(assessment: Assessment) -> list[Answer]:
    return list(
        assessment.answers.select_related(
            "requirement", "requirement__theme", "level", "updated_by"
        ).order_by("requirement__order")
    )


def requirements_tree(norm_version: NormVersion) -> list[Requirement]:
    return list(norm_version.requirements.select_related("theme").order_by("order"))


def get_assessment(monitoring_round: MonitoringRound, organisation_code: str) -> Any:
    return Assessment.objects.select_related(
        "round", "round__region", "round__norm_version", "organisation"
    ).get(round=monitoring_round, organisation__code=organisation_code)


def tally_as_json(tally: Tally) -> dict[str, Any]:
    return {
        "achieved": tally.achieved,
        "applicable": tally.applicable,
        "answered": tally.answered,
        "percentage": as_percent(tally.percentage, 1, missing=""),
        "percentage_rounded": as_percent(tally.percentage, 0, missing=""),
        "weighted_percentage": as_percent(tally.weighted_percentage, 1, missing=""),
        "completeness": as_percent(tally.completeness, 0, missing=""),
    }


def round_scores_as_json(
    monitoring_round: MonitoringRound, organisation_code: str | None = None, *, live: bool = False
) -> dict[str, Any]:
    """The figures the dashboard shows, for automation (``normmonitor score``). ``live`` scores
    the stored answers even for a closed round (to compare them with its snapshot)."""
    organisations = {
        organisation.code: organisation
        for organisation in Organisation.objects.filter(assessments__round=monitoring_round)
    }
    selected = None
    if organisation_code is not None:
        if organisation_code not in organisations:
            raise LookupError(f"{organisation_code} takes no part in {monitoring_round.key}")
        selected = {organisations[organisation_code].pk}
    scorer = live_round_score if live else round_score
    score = scorer(monitoring_round, selected)
    result: dict[str, Any] = {
        "round": monitoring_round.key,
        "region": monitoring_round.region.key,
        "norm": monitoring_round.norm_version.norm.key,
        "norm_version": monitoring_round.norm_version.version,
        "state": monitoring_round.state,
        "total": tally_as_json(score.total),
        "by_theme": {code: tally_as_json(t) for code, t in score.by_theme.items()},
        "organisations": {},
    }
    for code, organisation_score in score.by_organisation.items():
        result["organisations"][code] = {
            "name": organisations[code].name,
            "type": organisations[code].type,
            "total": tally_as_json(organisation_score.total),
            "by_theme": {c: tally_as_json(t) for c, t in organisation_score.by_theme.items()},
            "items": {
                c: {
                    "status": o.status,
                    "level": o.level,
                    "achieved_children": o.achieved_children,
                    "applicable_children": o.applicable_children,
                }
                for c, o in organisation_score.items.items()
            },
        }
    return result
