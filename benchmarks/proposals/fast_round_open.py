"""Proposal for rounds.services.round_open (owner: issue #3), measured by bench_pages.py.

Opening a national round creates ~35 000 answers. round_open builds them as model instances
(and, when carrying over, first loads the previous round's ~35 000 answers with three joined
models each) and inserts them with bulk_create: 2–6 s. The same rows can be made by the
database itself with one INSERT … SELECT per organisation type, the carried-over values joined
in from the previous round by requirement code and level code: no rows travel to Python.

``create_answers(locked_round, carry_over)`` does exactly what the answer part of round_open
does (tests/performance/test_fast_round_open.py compares the two row for row); round_open
would call it after its bulk_create of the assessments, in the same transaction.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from normmonitor.assessments.models import Answer, Assessment
from normmonitor.norms.models import Requirement, ScaleLevel
from normmonitor.organisations.models import Organisation
from normmonitor.rounds.models import MonitoringRound


def create_answers(monitoring_round: MonitoringRound, *, carry_over: bool = True) -> int:
    """Insert an answer for every applicable rated requirement of every assessment of the
    round (which must have its assessments and no answers yet). Returns the number inserted."""
    norm_version = monitoring_round.norm_version
    previous = monitoring_round.previous if carry_over else None
    rated = list(
        Requirement.objects.filter(norm_version=norm_version, derived=False).values_list(
            "pk", "applies_to"
        )
    )
    types = set(
        Assessment.objects.filter(round=monitoring_round).values_list(
            "organisation__type", flat=True
        )
    )
    t = {
        "answer": Answer._meta.db_table,
        "assessment": Assessment._meta.db_table,
        "organisation": Organisation._meta.db_table,
        "requirement": Requirement._meta.db_table,
        "level": ScaleLevel._meta.db_table,
    }
    now = timezone.now()
    carried = "CASE WHEN pa.id IS NULL THEN %s ELSE %s END"
    # Every column of the answer table: the ones a new answer takes from the round or from
    # the previous answer, and every other field at its model default (so that a field added
    # to Answer later needs no change here).
    fields = [f for f in Answer._meta.concrete_fields if not f.primary_key]
    values = {
        "assessment": ("a.id", []),
        "requirement": ("r.id", []),
        "updated_at": ("%s", [now]),
        "version": ("0", []),
        "updated_by": ("NULL", []),
    }
    if previous is None:
        values |= {"level": ("NULL", []), "carried_over": ("%s", [False])}
    else:
        values |= {
            "level": ("nl.id", []),
            "explanation": ("COALESCE(pa.explanation, %s)", [""]),
            "planned_date": ("pa.planned_date", []),
            "owner": ("COALESCE(pa.owner, %s)", [""]),
            "last_done_on": ("pa.last_done_on", []),
            "carried_over": (carried, [False, True]),
        }
    columns, expressions, select_params = [], [], []
    for f in fields:
        expression, params = values.get(
            f.name, ("%s", [f.get_db_prep_save(f.get_default(), connection)])
        )
        columns.append(connection.ops.quote_name(f.column))
        expressions.append(expression)
        select_params += params
    inserted = 0
    with connection.cursor() as cursor:
        for organisation_type in sorted(types):
            ids = [pk for pk, applies_to in rated if organisation_type in applies_to]
            if not ids:
                continue
            placeholders = ", ".join(["%s"] * len(ids))
            joins, join_params = "", []
            if previous is not None:
                joins = f"""
                    LEFT JOIN {t["assessment"]} pa_a
                        ON pa_a.round_id = %s AND pa_a.organisation_id = a.organisation_id
                    LEFT JOIN {t["requirement"]} pr
                        ON pr.norm_version_id = %s AND pr.code = r.code
                    LEFT JOIN {t["answer"]} pa
                        ON pa.assessment_id = pa_a.id AND pa.requirement_id = pr.id
                    LEFT JOIN {t["level"]} pl ON pl.id = pa.level_id
                    LEFT JOIN {t["level"]} nl
                        ON nl.norm_version_id = %s AND nl.code = pl.code"""
                join_params = [previous.pk, previous.norm_version_id, norm_version.pk]
            sql = f"""
                INSERT INTO {t["answer"]} ({", ".join(columns)})
                SELECT {", ".join(expressions)}
                FROM {t["assessment"]} a
                JOIN {t["organisation"]} o ON o.id = a.organisation_id
                JOIN {t["requirement"]} r ON r.id IN ({placeholders})
                {joins}
                WHERE a.round_id = %s AND o.type = %s"""
            params = [*select_params, *ids, *join_params, monitoring_round.pk, organisation_type]
            cursor.execute(sql, params)
            inserted += cursor.rowcount
    return inserted
