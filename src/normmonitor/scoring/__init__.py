"""Scoring of norm self-assessments: pure Python, no Django. Rules: docs/scoring.md."""

from .engine import (
    ItemOutcome,
    OrganisationScore,
    RegionScore,
    Status,
    Tally,
    as_percent,
    percent_value,
    pool,
    score_organisation,
    score_region,
)
from .model import Item, Level, NormModel, Ratings, ScoringError

__all__ = [
    "Item",
    "ItemOutcome",
    "Level",
    "NormModel",
    "OrganisationScore",
    "Ratings",
    "RegionScore",
    "ScoringError",
    "Status",
    "Tally",
    "as_percent",
    "percent_value",
    "pool",
    "score_organisation",
    "score_region",
]
