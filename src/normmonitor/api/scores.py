"""Scores for the API: assessments.selectors.round_score, remembered for closed rounds.

A closed round is frozen (no answer can change: answer_update refuses), so its score is the
same on every request; computing it for a national round takes 0.3–0.5 s of pure Python.
Open rounds are always computed afresh. The cache is Django's default cache (per process
unless CACHES says otherwise), keyed by the round, its closing time and its norm version."""

from __future__ import annotations

from django.core.cache import cache

from normmonitor.assessments.selectors import round_score
from normmonitor.rounds.models import MonitoringRound
from normmonitor.scoring import RegionScore

TIMEOUT = 24 * 60 * 60


def region_score(monitoring_round: MonitoringRound) -> RegionScore:
    if not monitoring_round.is_frozen or monitoring_round.closed_at is None:
        return round_score(monitoring_round)
    key = (
        f"normmonitor:api:round-score:{monitoring_round.pk}:"
        f"{monitoring_round.closed_at.timestamp()}:{monitoring_round.norm_version_id}"
    )
    score = cache.get(key)
    if score is None:
        score = round_score(monitoring_round)
        cache.set(key, score, TIMEOUT)
    return score
