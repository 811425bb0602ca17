"""Plain-dict representations of the API's resources (see serializers.py for their schema)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.urls import reverse

from normmonitor.assessments.models import Answer, Assessment
from normmonitor.assessments.selectors import Progress
from normmonitor.norms.models import Norm, NormVersion
from normmonitor.organisations.models import Organisation, Region
from normmonitor.rounds.models import MonitoringRound
from normmonitor.scoring import OrganisationScore, Tally, percent_value


class Urls:
    """Absolute URLs for one request. Reversing once and formatting is faster than reversing per
    item in national lists."""

    def __init__(self, request: Any) -> None:
        self.base = request.build_absolute_uri("/").rstrip("/")

    def href(self, name: str, *args: Any) -> dict[str, str]:
        return {"href": self.base + reverse(f"api:{name}", args=args)}


def percent(value: Fraction | None) -> float | None:
    return None if value is None else float(percent_value(value, 1))


def tally(t: Tally) -> dict[str, Any]:
    return {
        "achieved": t.achieved,
        "applicable": t.applicable,
        "answered": t.answered,
        "percentage": percent(t.percentage),
        "weightedPercentage": percent(t.weighted_percentage),
        "completeness": percent(t.completeness),
    }


def by_theme(tallies: dict[str, Tally]) -> list[dict[str, Any]]:
    return [{"theme": code, **tally(t)} for code, t in tallies.items()]


def norm(urls: Urls, n: Norm, versions: list[NormVersion]) -> dict[str, Any]:
    return {
        "key": n.key,
        "name": n.name,
        "versions": [
            {
                "id": v.pk,
                "version": v.version,
                "revision": v.revision,
                "name": v.name,
                "date": v.date,
                "_links": {"self": urls.href("norm-version", v.pk)},
            }
            for v in versions
        ],
        "_links": {"self": urls.href("norm", n.key)},
    }


def norm_version(urls: Urls, v: NormVersion) -> dict[str, Any]:
    requirements = list(v.requirements.select_related("theme", "parent").order_by("order"))
    return {
        "id": v.pk,
        "norm": v.norm.key,
        "version": v.version,
        "revision": v.revision,
        "name": v.name,
        "date": v.date,
        "source": v.source,
        "organisationTypes": list(v.organisation_types),
        "contentHash": v.content_hash,
        "scale": [
            {
                "code": level.code,
                "label": level.label,
                "achieved": level.achieved,
                "weight": None if level.weight is None else float(level.weight),
                "notApplicable": level.not_applicable,
                "description": level.description,
            }
            for level in v.scale.order_by("order")
        ],
        "themes": [{"code": t.code, "title": t.title} for t in v.themes.order_by("order")],
        "requirements": [
            {
                "code": r.code,
                "label": r.label,
                "kind": r.kind,
                "theme": r.theme.code,
                "parent": r.parent.code if r.parent_id else None,
                "group": r.group,
                "text": r.text,
                "appliesTo": list(r.applies_to),
                "applicabilityNote": r.applicability_note,
                "derived": r.derived,
                "recurrence": r.recurrence,
                "depth": r.depth,
            }
            for r in requirements
        ],
        "_links": {"self": urls.href("norm-version", v.pk), "norm": urls.href("norm", v.norm.key)},
    }


def organisation_summary(o: Organisation) -> dict[str, Any]:
    return {"code": o.code, "name": o.name, "type": o.type}


def organisation(urls: Urls, o: Organisation) -> dict[str, Any]:
    return {
        **organisation_summary(o),
        "cbsCode": o.cbs_code,
        "_links": {"self": urls.href("organisation", o.code)},
    }


def region(urls: Urls, r: Region) -> dict[str, Any]:
    organisations = urls.href("organisations")
    organisations["href"] += f"?region={r.key}"
    rounds = urls.href("rounds")
    rounds["href"] += f"?region={r.key}"
    return {
        "key": r.key,
        "name": r.name,
        "targetDate": r.target_date,
        "_links": {
            "self": urls.href("region", r.key),
            "organisations": organisations,
            "rounds": rounds,
        },
    }


def monitoring_round(urls: Urls, r: MonitoringRound, previous_key: str | None) -> dict[str, Any]:
    return {
        "key": r.key,
        "name": r.name,
        "region": r.region.key,
        "normVersion": r.norm_version_id,
        "referenceDate": r.reference_date,
        "deadline": r.deadline,
        "state": r.state,
        "previous": previous_key,
        "openedAt": r.opened_at,
        "closedAt": r.closed_at,
        "_links": {
            "self": urls.href("round", r.key),
            "region": urls.href("region", r.region.key),
            "normVersion": urls.href("norm-version", r.norm_version_id),
            "assessments": urls.href("assessments", r.key),
            "scores": urls.href("round-scores", r.key),
        },
    }


def progress(p: Progress | None) -> dict[str, int]:
    p = p or Progress(0, 0, 0)
    return {
        "answered": p.answered,
        "total": p.total,
        "carriedOver": p.carried_over,
        "percentage": p.percentage,
    }


class AssessmentLinks:
    """The two links of every assessment in a list, by formatting instead of reversing."""

    def __init__(self, urls: Urls, round_key: str) -> None:
        marker = "ORGANISATION-CODE"
        self.assessment = urls.href("assessment", round_key, marker)["href"].split(marker)
        self.score = urls.href("assessment-score", round_key, marker)["href"].split(marker)

    def __call__(self, code: str) -> dict[str, Any]:
        return {
            "self": {"href": code.join(self.assessment)},
            "score": {"href": code.join(self.score)},
        }


def assessment(
    links: AssessmentLinks,
    a: Assessment,
    p: Progress | None,
    can_edit: bool,
) -> dict[str, Any]:
    return {
        "round": a.round.key,
        "organisation": organisation_summary(a.organisation),
        "progress": progress(p),
        "canEdit": can_edit,
        "_links": links(a.organisation.code),
    }


def answer(urls: Urls, a: Answer, round_key: str, organisation_code: str) -> dict[str, Any]:
    return {
        "requirement": a.requirement.code,
        "label": a.requirement.label,
        "level": a.level.code if a.level_id else None,
        "explanation": a.explanation,
        "plannedDate": a.planned_date,
        "owner": a.owner,
        "lastDoneOn": a.last_done_on,
        "carriedOver": a.carried_over,
        "version": a.version,
        "updatedAt": a.updated_at,
        "updatedBy": a.updated_by.get_username() if a.updated_by_id else None,
        "_links": {"self": urls.href("answer", round_key, organisation_code, a.requirement.code)},
    }


def organisation_score(
    urls: Urls, r: MonitoringRound, o: Organisation, score: OrganisationScore | None
) -> dict[str, Any]:
    return {
        "round": r.key,
        "organisation": organisation_summary(o),
        "total": tally(score.total if score else Tally()),
        "byTheme": by_theme(score.by_theme) if score else [],
        "items": [
            {
                "code": outcome.code,
                "status": outcome.status,
                "level": outcome.level,
                "achievedChildren": outcome.achieved_children,
                "applicableChildren": outcome.applicable_children,
            }
            for outcome in (score.items.values() if score else ())
        ],
        "_links": {
            "self": urls.href("assessment-score", r.key, o.code),
            "assessment": urls.href("assessment", r.key, o.code),
        },
    }
