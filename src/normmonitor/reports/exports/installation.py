"""A complete JSON export of an installation, and its import into an empty one.

The export holds the norms (every version, as its parsed document), the version mappings, the
organisations, regions and neighbours, the rounds with every assessment and answer, and a
manifest of the evidence (names, sizes, SHA-256; the files themselves are copied separately,
see docs/reports.md). It uses natural keys only (codes, keys, version labels) and a fixed
order, so the same data always gives the same bytes: export → import → export is identical.

Deliberately left out: user accounts, memberships, API tokens and the audit trail. They are
personal data and security state of one installation; a new installation gets its own accounts,
and its audit trail starts with the import (``installation.imported``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from normmonitor.assessments.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    DeviationStatus,
    ReviewStatus,
)
from normmonitor.audit.services import record
from normmonitor.norms.models import Norm, NormVersion, Requirement, ScaleLevel
from normmonitor.norms.normfile import NormDocument, NormFileError, parse_norm
from normmonitor.norms.services import load_norm
from normmonitor.organisations.models import Neighbour, Organisation, OrganisationType, Region
from normmonitor.rounds.models import MonitoringRound, RoundState
from normmonitor.rounds.services import snapshot_write

FORMAT = "normmonitor-installation"
FORMAT_VERSION = 1
Progress = Callable[[int, str], None]


class ImportRefused(Exception):
    """The file cannot be imported; ``problems`` lists why. Nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:5]) + (" …" if len(problems) > 5 else ""))
        self.problems = problems


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _evidence_model() -> Any:
    try:
        return apps.get_model("evidence", "Evidence")
    except LookupError:
        return None


def _mapping_model() -> Any:
    try:
        return apps.get_model("norms", "NormMapping")
    except LookupError:
        return None


def _version_key(version: NormVersion) -> dict[str, Any]:
    return {"norm": version.norm.key, "version": version.version, "revision": version.revision}


# ---------------------------------------------------------------------------------------------
# Export


def export_installation(
    progress: Progress | None = None, *, round_keys: Collection[str] | None = None
) -> dict[str, Any]:
    """Everything; with ``round_keys``, only those rounds (and their evidence) besides the
    norms, organisations and regions: a previous round left out is not named."""

    def step(percent: int, message: str) -> None:
        if progress:
            progress(percent, message)

    data: dict[str, Any] = {"format": FORMAT, "format_version": FORMAT_VERSION}
    step(5, "norms")
    data["norms"] = [
        {
            "key": norm.key,
            "name": norm.name,
            "versions": [
                {
                    "version": version.version,
                    "revision": version.revision,
                    "content_hash": version.content_hash,
                    "loaded_at": _iso(version.loaded_at),
                    "document": version.document,
                }
                for version in norm.versions.order_by("version", "revision")
            ],
        }
        for norm in Norm.objects.order_by("key")
    ]
    mapping_model = _mapping_model()
    if mapping_model is not None:
        data["norm_mappings"] = [
            {
                "from": _version_key(mapping.from_version),
                "to": _version_key(mapping.to_version),
                "content_hash": mapping.content_hash,
                "loaded_at": _iso(mapping.loaded_at),
                "document": mapping.document,
            }
            for mapping in mapping_model.objects.select_related(
                "from_version__norm", "to_version__norm"
            ).order_by("loaded_at", "content_hash")
        ]
    step(15, "organisations")
    data["organisations"] = [
        {
            "code": o.code,
            "name": o.name,
            "type": o.type,
            "cbs_code": o.cbs_code,
            "contact_name": o.contact_name,
            "contact_email": o.contact_email,
        }
        for o in Organisation.objects.order_by("code")
    ]
    data["regions"] = [
        {
            "key": region.key,
            "name": region.name,
            "geo_attribution": region.geo_attribution,
            "target_date": _iso(region.target_date),
            "members": sorted(region.members.values_list("code", flat=True)),
        }
        for region in Region.objects.order_by("key")
    ]
    data["neighbours"] = [
        {"organisation": a, "neighbour": b, "source": source}
        for a, b, source in Neighbour.objects.order_by(
            "organisation__code", "neighbour__code"
        ).values_list("organisation__code", "neighbour__code", "source")
    ]
    selected = MonitoringRound.objects.select_related("region", "norm_version__norm", "previous")
    if round_keys is not None:
        selected = selected.filter(key__in=round_keys)
    rounds = list(selected.order_by("reference_date", "key"))
    keys = {r.key for r in rounds}
    data["rounds"] = []
    for number, monitoring_round in enumerate(rounds, start=1):
        step(20 + 70 * number // max(len(rounds), 1), monitoring_round.key)
        exported = _export_round(monitoring_round)
        if exported["previous"] not in keys:
            exported["previous"] = None
        data["rounds"].append(exported)
    evidence_model = _evidence_model()
    if evidence_model is not None:
        data["evidence"] = _export_evidence(
            evidence_model, keys if round_keys is not None else None
        )
    step(95, "done")
    return data


# An answer's review and deviation (docs/security.md) are exported only when they differ from a
# fresh answer's, as one "review" object: an accepted deviation changes the figures, so a closed
# round's snapshot made on import needs it; most answers of an installation have none.
REVIEW_DEFAULTS: dict[str, Any] = {
    "status": ReviewStatus.PENDING,
    "reviewed_at": None,
    "deviation_status": DeviationStatus.NONE,
    "deviation_motivation": "",
    "deviation_decided_at": None,
}


def _export_round(monitoring_round: MonitoringRound) -> dict[str, Any]:
    # Plain tuples, not model instances: a national round has 35 000 answers.
    answers: dict[int, list[dict[str, Any]]] = {}
    for (
        assessment_id,
        requirement,
        level,
        explanation,
        planned_date,
        owner,
        last_done_on,
        carried_over,
        version,
        updated_at,
        review_status,
        reviewed_at,
        deviation_status,
        deviation_motivation,
        deviation_decided_at,
    ) in (
        Answer.objects.filter(assessment__round=monitoring_round)
        .order_by("assessment_id", "requirement__order")
        .values_list(
            "assessment_id",
            "requirement__code",
            "level__code",
            "explanation",
            "planned_date",
            "owner",
            "last_done_on",
            "carried_over",
            "version",
            "updated_at",
            "review_status",
            "reviewed_at",
            "deviation_status",
            "deviation_motivation",
            "deviation_decided_at",
        )
    ):
        item = {
            "requirement": requirement,
            "level": level,
            "explanation": explanation,
            "planned_date": _iso(planned_date),
            "owner": owner,
            "last_done_on": _iso(last_done_on),
            "carried_over": carried_over,
            "version": version,
            "updated_at": _iso(updated_at),
        }
        review = {
            "status": review_status,
            "reviewed_at": _iso(reviewed_at),
            "deviation_status": deviation_status,
            "deviation_motivation": deviation_motivation,
            "deviation_decided_at": _iso(deviation_decided_at),
        }
        if review != REVIEW_DEFAULTS:
            item["review"] = review
        answers.setdefault(assessment_id, []).append(item)
    return {
        "key": monitoring_round.key,
        "name": monitoring_round.name,
        "region": monitoring_round.region.key,
        "norm": _version_key(monitoring_round.norm_version),
        "reference_date": _iso(monitoring_round.reference_date),
        "deadline": _iso(monitoring_round.deadline),
        "state": monitoring_round.state,
        "previous": monitoring_round.previous.key if monitoring_round.previous_id else None,
        "opened_at": _iso(monitoring_round.opened_at),
        "closed_at": _iso(monitoring_round.closed_at),
        "assessments": [
            {
                "organisation": code,
                "created_at": _iso(created_at),
                "status": status,
                "version": version,
                "submitted_at": _iso(submitted_at),
                "reviewed_at": _iso(reviewed_at),
                "answers": answers.get(pk, []),
            }
            for pk, code, created_at, status, version, submitted_at, reviewed_at in (
                monitoring_round.assessments.order_by("organisation__code").values_list(
                    "pk",
                    "organisation__code",
                    "created_at",
                    "status",
                    "version",
                    "submitted_at",
                    "reviewed_at",
                )
            )
        ],
    }


def _export_evidence(model: Any, round_keys: set[str] | None = None) -> list[dict[str, Any]]:
    selected = model.objects.select_related(
        "answer__assessment__round", "answer__assessment__organisation", "answer__requirement"
    )
    if round_keys is not None:
        selected = selected.filter(answer__assessment__round__key__in=round_keys)
    rows = list(selected.order_by("uploaded_at", "sha256", "pk"))
    position = {row.pk: number for number, row in enumerate(rows)}
    return [
        {
            "round": row.answer.assessment.round.key,
            "organisation": row.answer.assessment.organisation.code,
            "requirement": row.answer.requirement.code,
            "name": row.name,
            "kind": row.kind,
            "content_type": row.content_type,
            "size": row.size,
            "sha256": row.sha256,
            "note": row.note,
            "expires_on": _iso(row.expires_on),
            "source": row.source,
            "uploaded_at": _iso(row.uploaded_at),
            "uploaded_by_name": row.uploaded_by_name,
            "replaces": position.get(row.replaces_id) if row.replaces_id else None,
            "withdrawn_at": _iso(row.withdrawn_at),
        }
        for row in rows
    ]


def dumps(data: dict[str, Any]) -> bytes:
    """Canonical bytes: sorted keys, UTF-8, two-space indent, a final newline."""
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Validation


@dataclass
class _Checker:
    problems: list[str] = field(default_factory=list)

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def obj(self, value: Any, path: str, required: dict[str, type | tuple]) -> bool:
        if not isinstance(value, dict):
            self.fail(path, "expected an object")
            return False
        ok = True
        for key, kind in required.items():
            if key not in value:
                self.fail(path, f"missing {key!r}")
                ok = False
            elif not isinstance(value[key], kind) or (
                isinstance(value[key], bool) and bool not in _as_tuple(kind)
            ):
                self.fail(f"{path}.{key}", f"unexpected value {value[key]!r}")
                ok = False
        return ok

    def items(self, value: Any, path: str) -> list:
        if not isinstance(value, list):
            self.fail(path, "expected a list")
            return []
        return value

    def day(self, value: Any, path: str, *, optional: bool = True) -> None:
        if value is None and optional:
            return
        if not isinstance(value, str) or parse_date(value) is None:
            self.fail(path, f"expected a date (YYYY-MM-DD), got {value!r}")

    def moment(self, value: Any, path: str, *, optional: bool = True) -> None:
        if value is None and optional:
            return
        if not isinstance(value, str) or parse_datetime(value) is None:
            self.fail(path, f"expected a date and time (ISO 8601), got {value!r}")


def _as_tuple(kind: type | tuple) -> tuple:
    return kind if isinstance(kind, tuple) else (kind,)


OPTIONAL_STR = (str, type(None))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_review(check: _Checker, review: Any, path: str) -> None:
    if not check.obj(review, path, {"status": str, "deviation_status": str}):
        return
    if review["status"] not in set(ReviewStatus.values):
        check.fail(f"{path}.status", f"unknown review status {review['status']!r}")
    if review["deviation_status"] not in set(DeviationStatus.values):
        check.fail(f"{path}.deviation_status", f"unknown status {review['deviation_status']!r}")
    if not isinstance(review.get("deviation_motivation", ""), str):
        check.fail(f"{path}.deviation_motivation", "expected text")
    check.moment(review.get("reviewed_at"), f"{path}.reviewed_at")
    check.moment(review.get("deviation_decided_at"), f"{path}.deviation_decided_at")


def validate(data: Any) -> list[str]:
    """Every problem of an export file, with its JSON path; an empty list when it can load."""
    return _validate(data)[0]


def _validate(data: Any) -> tuple[list[str], dict[tuple[str, str, int], NormDocument]]:
    """The problems, and the norm documents parsed on the way (the import loads those rather
    than parse each document a second time)."""
    check = _Checker()
    documents: dict[tuple[str, str, int], NormDocument] = {}
    if not check.obj(data, "$", {"format": str, "format_version": int}):
        return check.problems, documents
    if data["format"] != FORMAT:
        return [f"$.format: not a Normmonitor installation export ({data['format']!r})"], documents
    if data["format_version"] != FORMAT_VERSION:
        return [f"$.format_version: version {data['format_version']} is not supported"], documents

    versions: dict[tuple[str, str, int], dict[str, set[str]]] = {}
    for n, norm in enumerate(check.items(data.get("norms"), "$.norms")):
        path = f"$.norms[{n}]"
        if not check.obj(norm, path, {"key": str, "name": str, "versions": list}):
            continue
        for v, version in enumerate(norm["versions"]):
            vpath = f"{path}.versions[{v}]"
            if not check.obj(
                version,
                vpath,
                {"version": str, "revision": int, "content_hash": str, "document": dict},
            ):
                continue
            check.moment(version.get("loaded_at"), f"{vpath}.loaded_at")
            try:
                document = parse_norm(json.dumps(version["document"]), filename=vpath)
            except NormFileError as error:
                check.fail(vpath, f"the norm document is not valid: {error}")
                continue
            if document.content_hash != version["content_hash"]:
                check.fail(vpath, "the content hash does not match the document")
            if document.key != norm["key"] or document.version != version["version"]:
                check.fail(vpath, "the document names another norm or version")
            codes = {spec.code for _theme, spec, _parent, _depth in document.walk()}
            documents[(norm["key"], version["version"], version["revision"])] = document
            versions[(norm["key"], version["version"], version["revision"])] = {
                "codes": codes,
                "rated": {
                    spec.code
                    for _theme, spec, _parent, _depth in document.walk()
                    if not spec.derived
                },
                "levels": {level.code for level in document.scale},
            }

    def version_ref(value: Any, path: str) -> tuple[str, str, int] | None:
        if not check.obj(value, path, {"norm": str, "version": str, "revision": int}):
            return None
        key = (value["norm"], value["version"], value["revision"])
        if key not in versions:
            check.fail(path, f"unknown norm version {key}")
            return None
        return key

    for m, mapping in enumerate(check.items(data.get("norm_mappings", []), "$.norm_mappings")):
        path = f"$.norm_mappings[{m}]"
        if check.obj(
            mapping, path, {"from": dict, "to": dict, "content_hash": str, "document": dict}
        ):
            version_ref(mapping["from"], f"{path}.from")
            version_ref(mapping["to"], f"{path}.to")
            check.moment(mapping.get("loaded_at"), f"{path}.loaded_at")

    types = {t.value for t in OrganisationType}
    codes: dict[str, str] = {}
    for o, organisation in enumerate(check.items(data.get("organisations"), "$.organisations")):
        path = f"$.organisations[{o}]"
        if check.obj(organisation, path, {"code": str, "name": str, "type": str}):
            if organisation["code"] in codes:
                check.fail(path, f"code {organisation['code']} occurs twice")
            if organisation["type"] not in types:
                check.fail(f"{path}.type", f"unknown type {organisation['type']!r}")
            codes[organisation["code"]] = organisation["type"]
    regions = set()
    for r, region in enumerate(check.items(data.get("regions"), "$.regions")):
        path = f"$.regions[{r}]"
        if check.obj(region, path, {"key": str, "name": str, "members": list}):
            regions.add(region["key"])
            check.day(region.get("target_date"), f"{path}.target_date")
            for member in region["members"]:
                if member not in codes:
                    check.fail(f"{path}.members", f"unknown organisation {member!r}")
    for n, link in enumerate(check.items(data.get("neighbours"), "$.neighbours")):
        path = f"$.neighbours[{n}]"
        if check.obj(link, path, {"organisation": str, "neighbour": str}):
            for side in ("organisation", "neighbour"):
                if link[side] not in codes:
                    check.fail(f"{path}.{side}", f"unknown organisation {link[side]!r}")

    round_keys: set[str] = set()
    answered: set[tuple[str, str, str]] = set()
    assessment_states = set(AssessmentStatus.values)
    for r, monitoring_round in enumerate(check.items(data.get("rounds"), "$.rounds")):
        path = f"$.rounds[{r}]"
        if not check.obj(
            monitoring_round,
            path,
            {
                "key": str,
                "name": str,
                "region": str,
                "norm": dict,
                "reference_date": str,
                "deadline": str,
                "state": str,
                "assessments": list,
            },
        ):
            continue
        key = monitoring_round["key"]
        if key in round_keys:
            check.fail(path, f"round {key} occurs twice")
        round_keys.add(key)
        if monitoring_round["region"] not in regions:
            check.fail(f"{path}.region", f"unknown region {monitoring_round['region']!r}")
        if monitoring_round["state"] not in set(RoundState.values):
            check.fail(f"{path}.state", f"unknown state {monitoring_round['state']!r}")
        previous = monitoring_round.get("previous")
        if previous is not None and previous not in round_keys:
            check.fail(f"{path}.previous", f"{previous!r} is not an earlier round in the file")
        for field_name in ("reference_date", "deadline"):
            check.day(monitoring_round[field_name], f"{path}.{field_name}", optional=False)
        for field_name in ("opened_at", "closed_at"):
            check.moment(monitoring_round.get(field_name), f"{path}.{field_name}")
        norm = version_ref(monitoring_round["norm"], f"{path}.norm")
        seen = set()
        for a, assessment in enumerate(monitoring_round["assessments"]):
            apath = f"{path}.assessments[{a}]"
            if not check.obj(assessment, apath, {"organisation": str, "answers": list}):
                continue
            organisation = assessment["organisation"]
            if organisation not in codes:
                check.fail(f"{apath}.organisation", f"unknown organisation {organisation!r}")
            if organisation in seen:
                check.fail(apath, f"{organisation} is assessed twice")
            seen.add(organisation)
            check.moment(assessment.get("created_at"), f"{apath}.created_at")
            # Optional: files written before they were exported take the defaults.
            if assessment.get("status", AssessmentStatus.DRAFT) not in assessment_states:
                check.fail(f"{apath}.status", f"unknown status {assessment['status']!r}")
            if not _is_int(assessment.get("version", 0)):
                check.fail(f"{apath}.version", f"unexpected value {assessment['version']!r}")
            check.moment(assessment.get("submitted_at"), f"{apath}.submitted_at")
            check.moment(assessment.get("reviewed_at"), f"{apath}.reviewed_at")
            for n, answer in enumerate(assessment["answers"]):
                npath = f"{apath}.answers[{n}]"
                if not check.obj(
                    answer,
                    npath,
                    {
                        "requirement": str,
                        "level": OPTIONAL_STR,
                        "explanation": str,
                        "owner": str,
                        "carried_over": bool,
                        "version": int,
                    },
                ):
                    continue
                if (key, organisation, answer["requirement"]) in answered:
                    check.fail(f"{npath}.requirement", f"{answer['requirement']!r} occurs twice")
                answered.add((key, organisation, answer["requirement"]))
                if norm is not None:
                    if answer["requirement"] not in versions[norm]["rated"]:
                        check.fail(
                            f"{npath}.requirement",
                            f"{answer['requirement']!r} is not a rated item of the norm",
                        )
                    if (
                        answer["level"] is not None
                        and answer["level"] not in versions[norm]["levels"]
                    ):
                        check.fail(f"{npath}.level", f"{answer['level']!r} is not on the scale")
                check.day(answer.get("planned_date"), f"{npath}.planned_date")
                check.day(answer.get("last_done_on"), f"{npath}.last_done_on")
                check.moment(answer.get("updated_at"), f"{npath}.updated_at")
                if "review" in answer:
                    _check_review(check, answer["review"], f"{npath}.review")
    for e, item in enumerate(check.items(data.get("evidence", []), "$.evidence")):
        path = f"$.evidence[{e}]"
        if check.obj(
            item,
            path,
            {"round": str, "organisation": str, "requirement": str, "name": str, "sha256": str},
        ):
            if (item["round"], item["organisation"], item["requirement"]) not in answered:
                check.fail(path, "refers to an answer that is not in the file")
            replaces = item.get("replaces")
            if replaces is not None and not (isinstance(replaces, int) and 0 <= replaces < e):
                check.fail(f"{path}.replaces", "must be the index of an earlier evidence record")
    return check.problems, documents


# ---------------------------------------------------------------------------------------------
# Import


def installation_is_empty() -> bool:
    return not (
        Norm.objects.exists()
        or Organisation.objects.exists()
        or Region.objects.exists()
        or MonitoringRound.objects.exists()
    )


@dataclass(frozen=True)
class ImportResult:
    norm_versions: int
    organisations: int
    regions: int
    rounds: int
    answers: int
    evidence: int
    warnings: list[str]


def import_installation(data: Any, *, actor: Any = None) -> ImportResult:
    """Load an export into an empty installation: refuse a non-empty one, validate everything
    first, then write it all in one transaction (all or nothing)."""
    if not installation_is_empty():
        raise ImportRefused(
            [
                "This installation already has norms, organisations, regions or rounds; an "
                "export can only be imported into an empty installation."
            ]
        )
    problems, documents = _validate(data)
    if problems:
        raise ImportRefused(problems)
    warnings: list[str] = []
    with transaction.atomic():
        versions = _import_norms(data, documents)
        organisations = _import_organisations(data)
        answers = 0
        rounds: dict[str, MonitoringRound] = {}
        checksums: dict[str, str] = {}
        for item in data["rounds"]:
            monitoring_round, count = _import_round(item, versions, organisations, rounds)
            rounds[monitoring_round.key] = monitoring_round
            answers += count
            if monitoring_round.state == RoundState.CLOSED:
                checksums[monitoring_round.key] = snapshot_write(monitoring_round, actor).checksum
        evidence = _import_evidence(data.get("evidence", []), warnings)
        record(
            "installation.imported",
            actor=actor,
            norm_versions=len(versions),
            organisations=len(organisations),
            rounds=len(rounds),
            answers=answers,
            evidence=evidence,
            snapshots=checksums,
        )
    return ImportResult(
        norm_versions=len(versions),
        organisations=len(organisations),
        regions=len(data["regions"]),
        rounds=len(rounds),
        answers=answers,
        evidence=evidence,
        warnings=warnings,
    )


def _moment(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


def _day(value: str | None) -> date | None:
    return parse_date(value) if value else None


def _import_norms(
    data: dict[str, Any], documents: dict[tuple[str, str, int], NormDocument]
) -> dict[tuple[str, str, int], NormVersion]:
    versions: dict[tuple[str, str, int], NormVersion] = {}
    loaded: list[tuple[NormVersion, datetime | None]] = []
    for norm in data["norms"]:
        for item in sorted(norm["versions"], key=lambda v: (v["version"], v["revision"])):
            result = load_norm(documents[(norm["key"], item["version"], item["revision"])])
            version = result.norm_version
            if version.revision != item["revision"]:
                raise ImportRefused(
                    [
                        f"norm {norm['key']} {item['version']}: revision {item['revision']} "
                        f"became {version.revision}; the file lacks an earlier revision"
                    ]
                )
            versions[(norm["key"], item["version"], item["revision"])] = version
            loaded.append((version, _moment(item.get("loaded_at"))))
        Norm.objects.filter(key=norm["key"]).update(name=norm["name"])
    for version, loaded_at in loaded:
        if loaded_at is not None:
            version.loaded_at = loaded_at
    NormVersion.objects.bulk_update([v for v, _ in loaded], ["loaded_at"])
    mapping_model = _mapping_model()
    if mapping_model is not None:
        for item in data.get("norm_mappings", []):
            source = versions[
                (item["from"]["norm"], item["from"]["version"], item["from"]["revision"])
            ]
            target = versions[(item["to"]["norm"], item["to"]["version"], item["to"]["revision"])]
            mapping = mapping_model.objects.create(
                norm=source.norm,
                from_version=source,
                to_version=target,
                content_hash=item["content_hash"],
                document=item["document"],
            )
            if item.get("loaded_at"):
                mapping_model.objects.filter(pk=mapping.pk).update(
                    loaded_at=_moment(item["loaded_at"])
                )
    return versions


def _import_organisations(data: dict[str, Any]) -> dict[str, Organisation]:
    organisations = {
        item["code"]: Organisation(
            code=item["code"],
            name=item["name"],
            type=item["type"],
            cbs_code=item.get("cbs_code") or "",
            contact_name=item.get("contact_name") or "",
            contact_email=item.get("contact_email") or "",
        )
        for item in data["organisations"]
    }
    Organisation.objects.bulk_create(organisations.values())
    organisations = {o.code: o for o in Organisation.objects.all()}
    for item in data["regions"]:
        region = Region.objects.create(
            key=item["key"],
            name=item["name"],
            geo_attribution=item.get("geo_attribution") or "",
            target_date=_day(item.get("target_date")),
        )
        region.members.set([organisations[code] for code in item["members"]])
    Neighbour.objects.bulk_create(
        Neighbour(
            organisation=organisations[link["organisation"]],
            neighbour=organisations[link["neighbour"]],
            source=link.get("source") or "",
        )
        for link in data["neighbours"]
    )
    return organisations


def _preparer(field: Any, plain: tuple[type, ...]) -> Callable[[Any], Any] | None:
    """How a value of the field goes to the driver: as it is (None), or prepared. Dates and
    moments go straight to the backend's adapter (35 000 answers have three each)."""
    if isinstance(field, plain) or field.is_relation:
        return None
    ops = connection.ops
    if isinstance(field, models.DateTimeField):

        def moment(value: datetime | None) -> Any:
            if value is not None and timezone.is_naive(value):
                value = timezone.make_aware(value)  # as the ORM reads a naive moment
            return ops.adapt_datetimefield_value(value)

        return moment
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    return lambda value: field.get_db_prep_save(value, connection)


def _insert_rows(model: Any, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows of ``model``: one prepared statement (``executemany``), on PostgreSQL
    one COPY.

    ``bulk_create`` prepares every value of every row through the ORM and, on SQLite, splits
    the rows into statements of 999 parameters: seconds for a national round's 35 000 answers.
    Here each row names the fields it sets (by attribute name, ``assessment_id``); every other
    column gets the field's default, so a field added to the model later needs no change here.
    Values are written as given, not stamped: ``auto_now`` fields keep the exported moments."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    named = {name for row in rows for name in row}
    unknown = named - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
    missing = object()
    # Text, numbers, booleans and keys go to the driver as they are; dates, moments and JSON
    # are prepared by their field, as the ORM would.
    plain = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)
    columns = []
    now = timezone.now()
    for f in fields:
        stamped = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        default = now if stamped else f.get_default()
        columns.append((f.attname, f.get_db_prep_save(default, connection), _preparer(f, plain)))
    params = []
    for row in rows:
        values = []
        for name, default, prepare in columns:
            value = row.get(name, missing)
            if value is missing:
                values.append(default)
            elif prepare is not None:
                values.append(prepare(value))
            else:
                values.append(value)
        params.append(values)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: 35 000 rows in a tenth of a second, where executemany takes seconds.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for values in params:
                    copy.write_row(values)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608 - quoted
            cursor.executemany(sql, params)


def _import_round(
    item: dict[str, Any],
    versions: dict[tuple[str, str, int], NormVersion],
    organisations: dict[str, Organisation],
    rounds: dict[str, MonitoringRound],
) -> tuple[MonitoringRound, int]:
    norm = item["norm"]
    norm_version = versions[(norm["norm"], norm["version"], norm["revision"])]
    monitoring_round = MonitoringRound.objects.create(
        key=item["key"],
        name=item["name"],
        region=Region.objects.get(key=item["region"]),
        norm_version=norm_version,
        reference_date=_day(item["reference_date"]),
        deadline=_day(item["deadline"]),
        state=item["state"],
        previous=rounds.get(item["previous"]) if item.get("previous") else None,
        opened_at=_moment(item.get("opened_at")),
        closed_at=_moment(item.get("closed_at")),
    )
    requirements = dict(
        Requirement.objects.filter(norm_version=norm_version).values_list("code", "pk")
    )
    levels = dict(ScaleLevel.objects.filter(norm_version=norm_version).values_list("code", "pk"))
    now = timezone.now()
    _insert_rows(
        Assessment,
        [
            {
                "round_id": monitoring_round.pk,
                "organisation_id": organisations[spec["organisation"]].pk,
                "created_at": _moment(spec.get("created_at")) or now,
                "status": spec.get("status", AssessmentStatus.DRAFT),
                "version": spec.get("version", 0),
                "submitted_at": _moment(spec.get("submitted_at")),
                "reviewed_at": _moment(spec.get("reviewed_at")),
            }
            for spec in item["assessments"]
        ],
    )
    assessments = dict(
        Assessment.objects.filter(round=monitoring_round).values_list("organisation_id", "pk")
    )
    rows: list[dict[str, Any]] = []
    for spec in item["assessments"]:
        assessment = assessments[organisations[spec["organisation"]].pk]
        for a in spec["answers"]:
            row = {
                "assessment_id": assessment,
                "requirement_id": requirements[a["requirement"]],
                "level_id": levels[a["level"]] if a["level"] else None,
                "explanation": a["explanation"],
                "planned_date": _day(a.get("planned_date")),
                "owner": a["owner"],
                "last_done_on": _day(a.get("last_done_on")),
                "carried_over": a["carried_over"],
                "version": a["version"],
                "updated_at": _moment(a.get("updated_at")) or now,
            }
            review = a.get("review")
            if review:
                row.update(
                    review_status=review["status"],
                    reviewed_at=_moment(review.get("reviewed_at")),
                    deviation_status=review["deviation_status"],
                    deviation_motivation=review.get("deviation_motivation", ""),
                    deviation_decided_at=_moment(review.get("deviation_decided_at")),
                )
            rows.append(row)
    _insert_rows(Answer, rows)
    return monitoring_round, len(rows)


def _import_evidence(items: list[dict[str, Any]], warnings: list[str]) -> int:
    model = _evidence_model()
    if not items:
        return 0
    if model is None:
        warnings.append(f"{len(items)} evidence records skipped: the evidence app is not installed")
        return 0
    answer_ids = {
        (round_key, organisation, requirement): pk
        for pk, round_key, organisation, requirement in Answer.objects.filter(
            assessment__round__key__in={item["round"] for item in items}
        ).values_list(
            "pk",
            "assessment__round__key",
            "assessment__organisation__code",
            "requirement__code",
        )
    }
    created: list[Any] = []
    missing_files = 0
    for item in items:
        row = model.objects.create(
            answer_id=answer_ids[(item["round"], item["organisation"], item["requirement"])],
            name=item["name"],
            kind=item.get("kind") or "",
            content_type=item.get("content_type") or "",
            size=item.get("size") or 0,
            sha256=item["sha256"],
            note=item.get("note") or "",
            expires_on=_day(item.get("expires_on")),
            source=item.get("source") or "upload",
            uploaded_by_name=item.get("uploaded_by_name") or "",
            replaces=created[item["replaces"]] if item.get("replaces") is not None else None,
            withdrawn_at=_moment(item.get("withdrawn_at")),
        )
        if item.get("uploaded_at"):
            model.objects.filter(pk=row.pk).update(uploaded_at=_moment(item["uploaded_at"]))
        created.append(row)
        try:
            from normmonitor.evidence import storage

            if not storage.path_for(item["sha256"]).is_file():
                missing_files += 1
        except Exception:  # noqa: S110 - the check is a courtesy, not a condition
            pass
    if missing_files:
        warnings.append(
            f"{missing_files} evidence files are not in the evidence store yet; copy the store "
            "of the old installation (docs/reports.md)"
        )
    return len(created)
