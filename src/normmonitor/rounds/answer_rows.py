"""The answer rows of a round being opened, made by the database in one INSERT … SELECT.

A national round has ~35 000 answers: building them as model instances (and, to carry over,
loading the previous round's answers) takes seconds, while the database makes the same rows
in a fraction of that. Identifiers come from the models' metadata and are quoted; every value
is a query parameter."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Field
from django.utils import timezone

from normmonitor.assessments.models import Answer, Assessment
from normmonitor.norms.models import NormVersion, Requirement, ScaleLevel
from normmonitor.norms.selectors import carry_over_codes
from normmonitor.organisations.models import Organisation

from .models import MonitoringRound

# What a carried-over answer copies from the previous one; everything else starts afresh.
CARRIED_FIELDS = ("explanation", "planned_date", "owner", "last_done_on")


def carry_over_sources(norm_version: NormVersion, previous_version: NormVersion) -> dict[int, int]:
    """Rated requirement of ``norm_version`` → the requirement of ``previous_version`` whose
    answer it carries over, following the versions' mapping (``carry_over_codes``): items that
    continue one to one, also renumbered, or as a part of a split item. Merged and new items
    get nothing, and so does every item when no mapping links the versions: across versions a
    code can name another item."""
    codes = carry_over_codes(previous_version, norm_version)
    if not codes:
        return {}
    previous = dict(
        Requirement.objects.filter(norm_version=previous_version).values_list("code", "pk")
    )
    return {
        pk: previous[codes[code]]
        for pk, code in Requirement.objects.filter(
            norm_version=norm_version, derived=False
        ).values_list("pk", "code")
        if code in codes and codes[code] in previous
    }


def insert_answers(monitoring_round: MonitoringRound, *, previous: MonitoringRound | None) -> int:
    """Insert an answer for every applicable rated requirement of every assessment of the round
    (which has its assessments and no answers yet). With ``previous``, an answer whose
    requirement has a source there (``carry_over_sources``, also across norm versions) and
    whose organisation answered it copies that answer (the level by code, when this version's
    scale has it) and is marked carried over, to be confirmed; the others start unanswered.
    Returns the number of answers inserted."""
    norm_version = monitoring_round.norm_version
    sources = carry_over_sources(norm_version, previous.norm_version) if previous else {}
    # One row per organisation type and applicable rated requirement, in tree order.
    rated: list[Any] = []
    for position, (pk, applies_to) in enumerate(
        Requirement.objects.filter(norm_version=norm_version, derived=False)
        .order_by("order")
        .values_list("pk", "applies_to")
    ):
        for organisation_type in sorted(set(applies_to)):
            rated.append((organisation_type, pk, sources.get(pk), position))
    if not rated:
        return 0
    carrying = previous is not None and bool(sources)

    q = connection.ops.quote_name

    def column(model: Any, name: str) -> str:
        return q(model._meta.get_field(name).column)

    answer, assessment = q(Answer._meta.db_table), q(Assessment._meta.db_table)
    level, organisation = q(ScaleLevel._meta.db_table), q(Organisation._meta.db_table)
    now = timezone.now()

    def default(field: Field) -> tuple[str, list[Any]]:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return "%s", [field.get_db_prep_save(now, connection)]
        return "%s", [field.get_db_prep_save(field.get_default(), connection)]

    # Every column of the answer table: assessment and requirement, what is carried over, and
    # every other field at its model default (a field added to Answer later needs no change).
    values: dict[str, tuple[str, list[Any]]] = {
        "assessment": (f"a.{column(Assessment, 'id')}", []),
        "requirement": ("rated.requirement_id", []),
    }
    if carrying:
        values["level"] = (f"nl.{column(ScaleLevel, 'id')}", [])
        for name in CARRIED_FIELDS:
            expression, params = default(Answer._meta.get_field(name))
            values[name] = (f"COALESCE(pa.{column(Answer, name)}, {expression})", params)
        values["carried_over"] = (
            f"CASE WHEN pa.{column(Answer, 'id')} IS NULL THEN %s ELSE %s END",
            [False, True],
        )
    columns, expressions, select_params = [], [], []
    for field in Answer._meta.concrete_fields:
        if field.primary_key:
            continue
        expression, params = values.get(field.name) or default(field)
        columns.append(q(field.column))
        expressions.append(expression)
        select_params += params

    joins, join_params = "", []
    if carrying:
        assert previous is not None
        by_organisation = column(Assessment, "organisation")
        joins = f"""
            LEFT JOIN {assessment} pa_a
                ON pa_a.{column(Assessment, "round")} = %s
                AND pa_a.{by_organisation} = a.{by_organisation}
            LEFT JOIN {answer} pa
                ON pa.{column(Answer, "assessment")} = pa_a.{column(Assessment, "id")}
                AND pa.{column(Answer, "requirement")} = rated.previous_id
            LEFT JOIN {level} pl ON pl.{column(ScaleLevel, "id")} = pa.{column(Answer, "level")}
            LEFT JOIN {level} nl
                ON nl.{column(ScaleLevel, "norm_version")} = %s
                AND nl.{column(ScaleLevel, "code")} = pl.{column(ScaleLevel, "code")}"""
        join_params = [previous.pk, norm_version.pk]
    # The CTE sits inside the INSERT: SQLite's driver counts rows only for statements that
    # start with INSERT. Ordered so that an assessment's answers lie together, in tree order.
    sql = f"""
        INSERT INTO {answer} ({", ".join(columns)})
        WITH rated (organisation_type, requirement_id, previous_id, tree_order) AS (
            VALUES {", ".join(["(%s, %s, %s, %s)"] * len(rated))}
        )
        SELECT {", ".join(expressions)}
        FROM {assessment} a
        JOIN {organisation} o
            ON o.{column(Organisation, "id")} = a.{column(Assessment, "organisation")}
        JOIN rated ON rated.organisation_type = o.{column(Organisation, "type")}
        {joins}
        WHERE a.{column(Assessment, "round")} = %s
        ORDER BY a.{column(Assessment, "id")}, rated.tree_order"""  # noqa: S608 - quoted names
    params = [
        *(value for row in rated for value in row),
        *select_params,
        *join_params,
        monitoring_round.pk,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
