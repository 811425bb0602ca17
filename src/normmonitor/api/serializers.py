"""The API's representations. Output is built by the functions in representations.py (plain
dicts, fast for national lists); these serializers describe it for the OpenAPI schema and
validate input. Property names are camelCase, as the NL API Design Rules ask."""

from __future__ import annotations

import functools
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from normmonitor.organisations.models import OrganisationType
from normmonitor.rounds.models import RoundState

from .pagination import MAX_PAGE_SIZE


class Link(serializers.Serializer):
    href = serializers.URLField()


@functools.cache
def _links_class(names: tuple[str, ...], optional: tuple[str, ...]) -> type:
    fields = {name: Link() for name in names}
    fields.update({name: Link(required=False) for name in optional})
    return type(
        "Links" + "".join(n[:1].upper() + n[1:] for n in (*names, *optional)),
        (serializers.Serializer,),
        fields,
    )


def links(*names: str, optional: tuple[str, ...] = ()) -> serializers.Serializer:
    """The HAL ``_links`` object with the named links, each ``{"href": ...}``."""
    return _links_class(names, optional)(source="*", read_only=True)


class PageInfo(serializers.Serializer):
    number = serializers.IntegerField()
    size = serializers.IntegerField()
    totalElements = serializers.IntegerField()
    totalPages = serializers.IntegerField()


# -- norms --------------------------------------------------------------------------------------


class NormVersionSummary(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.CharField()
    revision = serializers.IntegerField()
    name = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    _links = links("self")


class Norm(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    versions = NormVersionSummary(many=True)
    _links = links("self")


class ScaleLevel(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    achieved = serializers.BooleanField()
    weight = serializers.FloatField(allow_null=True)
    notApplicable = serializers.BooleanField()
    description = serializers.CharField(allow_blank=True)


class Theme(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()


class Requirement(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=["ambition", "subitem", "indicator"])
    theme = serializers.CharField()
    parent = serializers.CharField(allow_null=True)
    group = serializers.CharField(allow_blank=True)
    text = serializers.CharField()
    appliesTo = serializers.ListField(child=serializers.CharField())
    applicabilityNote = serializers.CharField(allow_blank=True)
    derived = serializers.BooleanField()
    recurrence = serializers.CharField(allow_blank=True)
    depth = serializers.IntegerField()


class NormVersion(serializers.Serializer):
    id = serializers.IntegerField()
    norm = serializers.CharField()
    version = serializers.CharField()
    revision = serializers.IntegerField()
    name = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    source = serializers.CharField(allow_blank=True)
    organisationTypes = serializers.ListField(child=serializers.CharField())
    contentHash = serializers.CharField()
    scale = ScaleLevel(many=True)
    themes = Theme(many=True)
    requirements = Requirement(many=True)
    _links = links("self", "norm")


# -- organisations and regions ------------------------------------------------------------------


class OrganisationSummary(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=OrganisationType.values)


class Organisation(OrganisationSummary):
    cbsCode = serializers.CharField(allow_blank=True)
    _links = links("self")


class OrganisationDetail(Organisation):
    regions = serializers.ListField(child=serializers.CharField())
    neighbours = OrganisationSummary(many=True)


class Region(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    targetDate = serializers.DateField(allow_null=True)
    _links = links("self", "organisations", "rounds")


# -- rounds, assessments, answers ---------------------------------------------------------------


class Round(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    region = serializers.CharField()
    normVersion = serializers.IntegerField()
    referenceDate = serializers.DateField()
    deadline = serializers.DateField()
    state = serializers.ChoiceField(choices=RoundState.values)
    previous = serializers.CharField(allow_null=True)
    openedAt = serializers.DateTimeField(allow_null=True)
    closedAt = serializers.DateTimeField(allow_null=True)
    _links = links("self", "region", "normVersion", "assessments", "scores")


class Progress(serializers.Serializer):
    answered = serializers.IntegerField()
    total = serializers.IntegerField()
    carriedOver = serializers.IntegerField()
    percentage = serializers.IntegerField()


class Assessment(serializers.Serializer):
    round = serializers.CharField()
    organisation = OrganisationSummary()
    progress = Progress()
    canEdit = serializers.BooleanField()
    _links = links("self", "score")


class Answer(serializers.Serializer):
    requirement = serializers.CharField()
    label = serializers.CharField()
    level = serializers.CharField(allow_null=True)
    explanation = serializers.CharField(allow_blank=True)
    plannedDate = serializers.DateField(allow_null=True)
    owner = serializers.CharField(allow_blank=True)
    lastDoneOn = serializers.DateField(allow_null=True)
    carriedOver = serializers.BooleanField()
    version = serializers.IntegerField()
    updatedAt = serializers.DateTimeField()
    updatedBy = serializers.CharField(allow_null=True)
    _links = links("self")


class AssessmentDetail(Assessment):
    answers = Answer(many=True)


class AnswerUpdate(serializers.Serializer):
    """A partial update (JSON Merge Patch): fields left out keep their value. ``version`` is the
    answer's version the change is based on, unless an If-Match header gives it."""

    level = serializers.CharField(
        allow_null=True, required=False, max_length=40, help_text="A level code of the scale."
    )
    explanation = serializers.CharField(allow_blank=True, required=False, max_length=10000)
    plannedDate = serializers.DateField(allow_null=True, required=False)
    owner = serializers.CharField(allow_blank=True, required=False, max_length=200)
    lastDoneOn = serializers.DateField(
        allow_null=True, required=False, help_text="Only for periodic duties (a recurrence)."
    )
    version = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = (
            set(self.initial_data) - set(self.fields)
            if isinstance(self.initial_data, dict)
            else set()
        )
        if unknown:
            raise serializers.ValidationError(
                {name: [_("Unknown field.")] for name in sorted(unknown)}
            )
        return attrs


# -- scores -------------------------------------------------------------------------------------


class Tally(serializers.Serializer):
    achieved = serializers.IntegerField()
    applicable = serializers.IntegerField()
    answered = serializers.IntegerField()
    percentage = serializers.FloatField(allow_null=True, help_text="Achieved of applicable, %.")
    weightedPercentage = serializers.FloatField(allow_null=True)
    completeness = serializers.FloatField(allow_null=True, help_text="Answered of applicable, %.")


class ThemeTally(Tally):
    theme = serializers.CharField()


class ItemOutcome(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.ChoiceField(
        choices=["achieved", "not_achieved", "unanswered", "not_applicable", "excluded"]
    )
    level = serializers.CharField(allow_null=True)
    achievedChildren = serializers.IntegerField()
    applicableChildren = serializers.IntegerField()


class OrganisationScore(serializers.Serializer):
    round = serializers.CharField()
    organisation = OrganisationSummary()
    total = Tally()
    byTheme = ThemeTally(many=True)
    items = ItemOutcome(many=True)
    _links = links("self", "assessment")


class OrganisationTotal(OrganisationSummary):
    total = Tally()
    byTheme = ThemeTally(many=True)


class RoundScores(serializers.Serializer):
    round = serializers.CharField()
    region = serializers.CharField()
    normVersion = serializers.IntegerField()
    state = serializers.ChoiceField(choices=RoundState.values)
    total = Tally()
    byTheme = ThemeTally(many=True)
    meanOfOrganisations = serializers.FloatField(allow_null=True)
    organisations = OrganisationTotal(many=True)
    _links = links("self", "round")


class ComparedFigure(serializers.Serializer):
    round = serializers.FloatField(allow_null=True)
    baseRound = serializers.FloatField(allow_null=True)
    difference = serializers.FloatField(
        allow_null=True, help_text="Percentage points: round minus base round."
    )


class ComparedTheme(ComparedFigure):
    theme = serializers.CharField()


class ComparedOrganisation(ComparedFigure):
    code = serializers.CharField()
    name = serializers.CharField()


class RoundSummary(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    total = Tally()


class Comparison(serializers.Serializer):
    round = RoundSummary()
    baseRound = RoundSummary()
    total = ComparedFigure()
    byTheme = ComparedTheme(many=True)
    organisations = ComparedOrganisation(many=True)


# -- query parameters ---------------------------------------------------------------------------

SLUG = r"^[-a-zA-Z0-9_]+$"


class OrganisationQuery(serializers.Serializer):
    type = serializers.ChoiceField(choices=OrganisationType.values, required=False)
    region = serializers.RegexField(SLUG, max_length=60, required=False)


class RoundQuery(serializers.Serializer):
    region = serializers.RegexField(SLUG, max_length=60, required=False)
    state = serializers.ChoiceField(choices=RoundState.values, required=False)


class ComparisonQuery(serializers.Serializer):
    round = serializers.RegexField(SLUG, max_length=80)
    baseRound = serializers.RegexField(SLUG, max_length=80)


def page_parameters() -> list[Any]:
    from drf_spectacular.utils import OpenApiParameter

    return [
        OpenApiParameter("page", int, description="Page number, from 1."),
        OpenApiParameter(
            "pageSize", int, description=f"Items per page, at most {MAX_PAGE_SIZE} (default 100)."
        ),
    ]
