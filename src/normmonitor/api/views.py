"""The REST API's operations (docs/api.md). Every list starts from access/selectors.py and every
object is checked with the same permission as the web page that shows it; writes go through the
same services, so permissions, validation and the audit trail are the web's."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from normmonitor.access.selectors import (
    visible_assessments,
    visible_organisations,
    visible_regions,
    visible_rounds,
)
from normmonitor.assessments import services as assessment_services
from normmonitor.assessments.models import Answer, Assessment
from normmonitor.assessments.selectors import progress_by_assessment, round_score
from normmonitor.core.exceptions import StaleVersion
from normmonitor.core.views import client_address
from normmonitor.norms.models import Norm, NormVersion
from normmonitor.organisations.models import Organisation
from normmonitor.rounds.models import MonitoringRound

from . import representations as rep
from . import serializers as s
from .pagination import PageQuery, paginate, paginated_body
from .problems import API_VERSION, PRECONDITION_REQUIRED, STALE_VERSION, problem

REQUIREMENT_CODE = r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}"


class Unprocessable(exceptions.ValidationError):
    """Well-formed input that the domain refuses (422): a level that is not on this norm's
    scale, a missing explanation, a version that contradicts If-Match. Malformed input is 400."""

    status_code = 422


class ApiView(APIView):
    """Read-only unless a subclass adds methods; every response carries API-Version."""

    http_method_names = ["get", "head"]

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        response["API-Version"] = API_VERSION
        return response

    @staticmethod
    def query(serializer_class: type, request: Request) -> dict[str, Any]:
        # A plain dict, so that an empty value is validated (a QueryDict would drop it).
        serializer = serializer_class(data=request.query_params.dict())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @staticmethod
    def allowed(request: Request, permission: str, obj: Any) -> bool:
        return request.user.has_perm(permission, obj)

    def visible_round(self, request: Request, key: str) -> MonitoringRound:
        monitoring_round = (
            MonitoringRound.objects.select_related("region", "norm_version", "norm_version__norm")
            .filter(key=key)
            .first()
        )
        if monitoring_round is None or not self.allowed(
            request, "rounds.view_round", monitoring_round
        ):
            raise exceptions.NotFound(_("There is no such round, or you may not see it."))
        return monitoring_round

    def visible_assessment(self, request: Request, key: str, organisation: str) -> Assessment:
        found = (
            Assessment.objects.select_related(
                "round", "round__region", "round__norm_version", "organisation"
            )
            .filter(round__key=key, organisation__code=organisation)
            .first()
        )
        if found is None or not self.allowed(request, "assessments.view_assessment", found):
            raise exceptions.NotFound(_("There is no such assessment, or you may not see it."))
        return found


def _list(name: str, item: Any, op: str, description: str, params: list | None = None) -> Any:
    fields = {
        "_links": s.links("self", "first", "last", optional=("prev", "next")),
        "_embedded": type(
            f"{op[0].upper()}{op[1:]}Embedded",
            (s.serializers.Serializer,),
            {name: item(many=True)},
        )(),
        "page": s.PageInfo(),
    }
    page_cls = type(f"{op[0].upper()}{op[1:]}Page", (s.serializers.Serializer,), fields)
    return extend_schema(
        operation_id=op,
        description=description,
        parameters=[PageQuery, *(params or [])],
        responses={200: page_cls},
    )


# -- norms --------------------------------------------------------------------------------------


class NormList(ApiView):
    @_list("norms", s.Norm, "listNorms", "The norms and their versions.")
    def get(self, request: Request) -> Response:
        page = paginate(Norm.objects.order_by("key"), self.query(PageQuery, request))
        versions = _versions_by_norm([n.pk for n in page.items])
        urls = rep.Urls(request)
        items = [rep.norm(urls, n, versions.get(n.pk, [])) for n in page.items]
        return Response(paginated_body(request, page, "norms", items))


def _versions_by_norm(norm_ids: list[int]) -> dict[int, list[NormVersion]]:
    result: dict[int, list[NormVersion]] = {}
    for version in NormVersion.objects.filter(norm_id__in=norm_ids).order_by(
        "date", "version", "revision"
    ):
        result.setdefault(version.norm_id, []).append(version)
    return result


class NormDetail(ApiView):
    @extend_schema(operation_id="getNorm", responses={200: s.Norm})
    def get(self, request: Request, normKey: str) -> Response:
        found = Norm.objects.filter(key=normKey).first()
        if found is None:
            raise exceptions.NotFound(_("There is no such norm."))
        versions = _versions_by_norm([found.pk]).get(found.pk, [])
        return Response(rep.norm(rep.Urls(request), found, versions))


class NormVersionDetail(ApiView):
    @extend_schema(
        operation_id="getNormVersion",
        description="A norm version with its scale, themes and every requirement (depth first).",
        responses={200: s.NormVersion},
    )
    def get(self, request: Request, normVersionId: int) -> Response:
        found = NormVersion.objects.select_related("norm").filter(pk=normVersionId).first()
        if found is None:
            raise exceptions.NotFound(_("There is no such norm version."))
        return Response(rep.norm_version(rep.Urls(request), found))


# -- organisations and regions ------------------------------------------------------------------


class OrganisationList(ApiView):
    @_list(
        "organisations",
        s.Organisation,
        "listOrganisations",
        "The organisations you may see, by name.",
        [s.OrganisationQuery],
    )
    def get(self, request: Request) -> Response:
        query = self.query(s.OrganisationQuery, request)
        organisations = visible_organisations(request.user).order_by("name", "code")
        if "type" in query:
            organisations = organisations.filter(type=query["type"])
        if "region" in query:
            organisations = organisations.filter(regions__key=query["region"])
        page = paginate(organisations, self.query(PageQuery, request))
        urls = rep.Urls(request)
        items = [rep.organisation(urls, o) for o in page.items]
        return Response(paginated_body(request, page, "organisations", items))


class OrganisationDetail(ApiView):
    @extend_schema(operation_id="getOrganisation", responses={200: s.OrganisationDetail})
    def get(self, request: Request, organisationCode: str) -> Response:
        found = (
            Organisation.objects.prefetch_related("regions").filter(code=organisationCode).first()
        )
        if found is None or not self.allowed(request, "organisations.view_organisation", found):
            raise exceptions.NotFound(_("There is no such organisation, or you may not see it."))
        neighbours = Organisation.objects.filter(
            pk__in=found.neighbour_links.values("neighbour")
        ).order_by("name")
        body = rep.organisation(rep.Urls(request), found)
        body["regions"] = sorted(region.key for region in found.regions.all())
        body["neighbours"] = [rep.organisation_summary(n) for n in neighbours]
        return Response(body)


class RegionList(ApiView):
    @_list("regions", s.Region, "listRegions", "The regions you take part in or coordinate.")
    def get(self, request: Request) -> Response:
        page = paginate(
            visible_regions(request.user).order_by("name", "key"), self.query(PageQuery, request)
        )
        urls = rep.Urls(request)
        return Response(
            paginated_body(request, page, "regions", [rep.region(urls, r) for r in page.items])
        )


class RegionDetail(ApiView):
    @extend_schema(operation_id="getRegion", responses={200: s.Region})
    def get(self, request: Request, regionKey: str) -> Response:
        found = visible_regions(request.user).filter(key=regionKey).first()
        if found is None:
            raise exceptions.NotFound(_("There is no such region, or you may not see it."))
        return Response(rep.region(rep.Urls(request), found))


# -- rounds -------------------------------------------------------------------------------------


def _rounds(user: Any) -> QuerySet[MonitoringRound]:
    return visible_rounds(user).select_related("region", "previous")


class RoundList(ApiView):
    @_list(
        "rounds",
        s.Round,
        "listRounds",
        "The monitoring rounds you may see, newest first.",
        [s.RoundQuery],
    )
    def get(self, request: Request) -> Response:
        query = self.query(s.RoundQuery, request)
        rounds = _rounds(request.user).order_by("-reference_date", "key")
        if "region" in query:
            rounds = rounds.filter(region__key=query["region"])
        if "state" in query:
            rounds = rounds.filter(state=query["state"])
        page = paginate(rounds, self.query(PageQuery, request))
        urls = rep.Urls(request)
        items = [
            rep.monitoring_round(urls, r, r.previous.key if r.previous_id else None)
            for r in page.items
        ]
        return Response(paginated_body(request, page, "rounds", items))


class RoundDetail(ApiView):
    @extend_schema(operation_id="getRound", responses={200: s.Round})
    def get(self, request: Request, roundKey: str) -> Response:
        found = self.visible_round(request, roundKey)
        previous = (
            MonitoringRound.objects.filter(pk=found.previous_id).values_list("key", flat=True)
            if found.previous_id
            else []
        )
        return Response(rep.monitoring_round(rep.Urls(request), found, next(iter(previous), None)))


class RoundScores(ApiView):
    @extend_schema(
        operation_id="getRoundScores",
        description="The region's figures of a round, as on its dashboard (coordinators and "
        "administrators).",
        responses={200: s.RoundScores},
    )
    def get(self, request: Request, roundKey: str) -> Response:
        found = self.visible_round(request, roundKey)
        if not self.allowed(request, "rounds.view_dashboard", found):
            raise exceptions.PermissionDenied()
        return Response(_round_scores(rep.Urls(request), found))


def _round_scores(urls: rep.Urls, monitoring_round: MonitoringRound) -> dict[str, Any]:
    score = round_score(monitoring_round)
    organisations = Organisation.objects.filter(assessments__round=monitoring_round).order_by(
        "type", "name"
    )
    return {
        "round": monitoring_round.key,
        "region": monitoring_round.region.key,
        "normVersion": monitoring_round.norm_version_id,
        "state": monitoring_round.state,
        "total": rep.tally(score.total),
        "byTheme": rep.by_theme(score.by_theme),
        "meanOfOrganisations": rep.percent(score.mean_of_organisations),
        "organisations": [
            {
                **rep.organisation_summary(o),
                "total": rep.tally(score.by_organisation[o.code].total),
                "byTheme": rep.by_theme(score.by_organisation[o.code].by_theme),
            }
            for o in organisations
            if o.code in score.by_organisation
        ],
        "_links": {
            "self": urls.href("round-scores", monitoring_round.key),
            "round": urls.href("round", monitoring_round.key),
        },
    }


# -- assessments and answers --------------------------------------------------------------------


class AssessmentList(ApiView):
    @_list(
        "assessments",
        s.Assessment,
        "listAssessments",
        "The assessments of a round that you may see, with their progress, by organisation.",
    )
    def get(self, request: Request, roundKey: str) -> Response:
        monitoring_round = self.visible_round(request, roundKey)
        assessments = (
            visible_assessments(request.user)
            .filter(round=monitoring_round)
            .order_by("organisation__name", "organisation__code")
        )
        page = paginate(assessments, self.query(PageQuery, request))
        progress = progress_by_assessment(
            Assessment.objects.filter(pk__in=[a.pk for a in page.items])
        )
        links = rep.AssessmentLinks(rep.Urls(request), monitoring_round.key)
        items = [
            rep.assessment(
                links,
                a,
                progress.get(a.pk),
                self.allowed(request, "assessments.change_assessment", a),
            )
            for a in page.items
        ]
        return Response(paginated_body(request, page, "assessments", items))


class AssessmentDetail(ApiView):
    @extend_schema(
        operation_id="getAssessment",
        description="An organisation's assessment in a round, with every answer.",
        responses={200: s.AssessmentDetail},
    )
    def get(self, request: Request, roundKey: str, organisationCode: str) -> Response:
        assessment = self.visible_assessment(request, roundKey, organisationCode)
        answers = assessment.answers.select_related("requirement", "level", "updated_by").order_by(
            "requirement__order"
        )
        progress = progress_by_assessment(Assessment.objects.filter(pk=assessment.pk))
        urls = rep.Urls(request)
        body = rep.assessment(
            rep.AssessmentLinks(urls, roundKey),
            assessment,
            progress.get(assessment.pk),
            self.allowed(request, "assessments.change_assessment", assessment),
        )
        body["answers"] = [rep.answer(urls, a, roundKey, organisationCode) for a in answers]
        return Response(body)


class AssessmentScore(ApiView):
    @extend_schema(operation_id="getAssessmentScore", responses={200: s.OrganisationScore})
    def get(self, request: Request, roundKey: str, organisationCode: str) -> Response:
        assessment = self.visible_assessment(request, roundKey, organisationCode)
        score = round_score(assessment.round, {assessment.organisation_id})
        return Response(
            rep.organisation_score(
                rep.Urls(request),
                assessment.round,
                assessment.organisation,
                score.by_organisation.get(assessment.organisation.code),
            )
        )


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description='The ETag of the answer the change is based on, such as "3" (its version).',
)
ETAG_HEADER = {"ETag": {"schema": {"type": "string"}, "description": "The answer's version."}}
_ETAG = re.compile(r'^\s*(?:W/)?"(\d{1,10})"\s*$')


def etag(answer: Answer) -> str:
    return f'"{answer.version}"'


class AnswerDetail(ApiView):
    http_method_names = ["get", "head", "patch"]

    def _answer(self, assessment: Assessment, code: str) -> Answer:
        found = (
            Answer.objects.select_related("requirement", "level", "updated_by")
            .filter(assessment=assessment, requirement__code=code)
            .first()
        )
        if found is None:
            raise exceptions.NotFound(_("This assessment has no answer for that requirement."))
        found.assessment = assessment
        return found

    def _respond(self, request: Request, answer: Answer, round_key: str, code: str) -> Response:
        body = rep.answer(rep.Urls(request), answer, round_key, code)
        return Response(body, headers={"ETag": etag(answer)})

    @extend_schema(
        operation_id="getAnswer",
        responses={200: s.Answer},
    )
    def get(
        self,
        request: Request,
        roundKey: str,
        organisationCode: str,
        requirementCode: str,
    ) -> Response:
        assessment = self.visible_assessment(request, roundKey, organisationCode)
        answer = self._answer(assessment, requirementCode)
        return self._respond(request, answer, roundKey, organisationCode)

    @extend_schema(
        operation_id="updateAnswer",
        description=(
            "Change an answer, as the fill-in page does: only editors of the organisation, only "
            "while the round is open. Name the version you started from in If-Match (412 when "
            "someone saved in between) or in the body's `version` (409); without either, 428. "
            "Fields left out keep their value; saving confirms an answer carried over from the "
            "previous round. Recorded in the audit trail as answer.updated."
        ),
        parameters=[IF_MATCH],
        request={
            "application/json": s.AnswerUpdate,
            "application/merge-patch+json": s.AnswerUpdate,
        },
        responses={200: s.Answer},
    )
    def patch(
        self,
        request: Request,
        roundKey: str,
        organisationCode: str,
        requirementCode: str,
    ) -> Response:
        assessment = self.visible_assessment(request, roundKey, organisationCode)
        if not self.allowed(request, "assessments.change_assessment", assessment):
            raise exceptions.PermissionDenied(
                _("Only the organisation's editors change answers, and only in an open round.")
            )
        answer = self._answer(assessment, requirementCode)
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError({"body": [_("Expected a JSON object.")]})
        update = s.AnswerUpdate(data=request.data)
        update.is_valid(raise_exception=True)
        data = update.validated_data

        header = request.headers.get("If-Match")
        if header is not None:
            match = _ETAG.match(header)
            expected = int(match.group(1)) if match else -1
            if "version" in data and data["version"] != expected:
                raise Unprocessable(
                    {"version": [_("The version differs from the If-Match header.")]}
                )
        elif "version" in data:
            expected = data["version"]
        else:
            return problem(
                428,
                _("Name the version you started from: If-Match or the body's version."),
                request=request,
                type_=PRECONDITION_REQUIRED,
            )

        level = answer.level
        if "level" in data:
            level = _level(assessment, data["level"])
        explanation = data.get("explanation", answer.explanation)
        needs_explanation = level is not None and not level.achieved and not level.not_applicable
        if needs_explanation and not explanation.strip():
            raise Unprocessable(
                {
                    "explanation": [
                        _("Explain why this ambition is not (fully) achieved and what is planned.")
                    ]
                }
            )
        last_done_on = data.get("lastDoneOn", answer.last_done_on)
        if not answer.requirement.recurrence:
            if data.get("lastDoneOn") is not None:
                raise Unprocessable({"lastDoneOn": [_("This requirement is not a periodic duty.")]})
            last_done_on = None
        try:
            saved = assessment_services.answer_update(
                actor=request.user,
                answer=answer,
                level=level,
                explanation=explanation,
                planned_date=data.get("plannedDate", answer.planned_date),
                owner=data.get("owner", answer.owner),
                last_done_on=last_done_on,
                expected_version=expected,
                address=client_address(request),
            )
        except StaleVersion as stale:
            current = Answer.objects.filter(pk=answer.pk).values_list("version", flat=True).first()
            return problem(
                412 if header is not None else 409,
                str(stale),
                request=request,
                type_=STALE_VERSION,
                currentVersion=current,
                headers={"ETag": f'"{current}"'},
            )
        saved.updated_by = request.user
        return self._respond(request, saved, roundKey, organisationCode)


def _level(assessment: Assessment, code: str | None) -> Any:
    if code is None:
        return None
    level = assessment.round.norm_version.scale.filter(code=code).first()
    if level is None:
        raise Unprocessable({"level": [_("That rating is not on this norm's scale.")]})
    return level


# -- comparisons --------------------------------------------------------------------------------


class ComparisonView(ApiView):
    @extend_schema(
        operation_id="compareRounds",
        description="Two rounds' scores side by side (coordinators and administrators of both): "
        "the region total, each theme and each organisation that takes part in both.",
        parameters=[s.ComparisonQuery],
        responses={200: s.Comparison},
    )
    def get(self, request: Request) -> Response:
        query = self.query(s.ComparisonQuery, request)
        rounds = []
        for param in ("round", "baseRound"):
            try:
                found = self.visible_round(request, query[param])
            except exceptions.NotFound as missing:
                raise exceptions.NotFound(
                    _("There is no round %(key)s (%(param)s), or you may not see it.")
                    % {"key": query[param], "param": param}
                ) from missing
            if not self.allowed(request, "rounds.view_dashboard", found):
                raise exceptions.PermissionDenied()
            rounds.append(found)
        return Response(_comparison(*rounds))


def _difference(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(a - b, 1)


def _compared(a: Any, b: Any) -> dict[str, Any]:
    pa = rep.percent(a.percentage) if a is not None else None
    pb = rep.percent(b.percentage) if b is not None else None
    return {"round": pa, "baseRound": pb, "difference": _difference(pa, pb)}


def _comparison(current: MonitoringRound, base: MonitoringRound) -> dict[str, Any]:
    score, base_score = round_score(current), round_score(base)
    themes = list(score.by_theme) + [t for t in base_score.by_theme if t not in score.by_theme]
    common = set(score.by_organisation) & set(base_score.by_organisation)
    names = dict(
        Organisation.objects.filter(code__in=common).order_by().values_list("code", "name")
    )
    return {
        "round": {"key": current.key, "name": current.name, "total": rep.tally(score.total)},
        "baseRound": {"key": base.key, "name": base.name, "total": rep.tally(base_score.total)},
        "total": _compared(score.total, base_score.total),
        "byTheme": [
            {"theme": t, **_compared(score.by_theme.get(t), base_score.by_theme.get(t))}
            for t in themes
        ],
        "organisations": [
            {
                "code": code,
                "name": names.get(code, code),
                **_compared(
                    score.by_organisation[code].total, base_score.by_organisation[code].total
                ),
            }
            for code in sorted(common, key=lambda c: (names.get(c, c), c))
        ],
    }
