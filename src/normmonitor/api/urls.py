"""The REST API under /api/v1/ (machine clients) and the API page under /api/ (people)."""

from django.urls import path, re_path, register_converter

from . import pages, views
from .converters import IdConverter, KeyConverter, RequirementCodeConverter
from .problems import not_found

register_converter(IdConverter, "nm_id")
register_converter(KeyConverter, "nm_key")
register_converter(RequirementCodeConverter, "nm_requirement")

app_name = "api"

ASSESSMENT = "api/v1/rounds/<nm_key:roundKey>/assessments/<nm_key:organisationCode>"

urlpatterns = [
    # People: the documentation of the operations, and one's own tokens.
    path("api/", pages.api_page, name="page"),
    path("api/tokens/", pages.token_create_view, name="token-create"),
    path("api/tokens/<int:token_id>/revoke/", pages.token_revoke_view, name="token-revoke"),
    # The OpenAPI document, public (API design rule API-51).
    path("api/v1/openapi.json", pages.schema_view("openapi-json"), name="schema"),
    path("api/v1/openapi.yaml", pages.schema_view("openapi"), name="schema-yaml"),
    # Resources.
    path("api/v1/norms", views.NormList.as_view(), name="norms"),
    path("api/v1/norms/<nm_key:normKey>", views.NormDetail.as_view(), name="norm"),
    path(
        "api/v1/norm-versions/<nm_id:normVersionId>",
        views.NormVersionDetail.as_view(),
        name="norm-version",
    ),
    path("api/v1/organisations", views.OrganisationList.as_view(), name="organisations"),
    path(
        "api/v1/organisations/<nm_key:organisationCode>",
        views.OrganisationDetail.as_view(),
        name="organisation",
    ),
    path("api/v1/regions", views.RegionList.as_view(), name="regions"),
    path("api/v1/regions/<nm_key:regionKey>", views.RegionDetail.as_view(), name="region"),
    path("api/v1/rounds", views.RoundList.as_view(), name="rounds"),
    path("api/v1/rounds/<nm_key:roundKey>", views.RoundDetail.as_view(), name="round"),
    path(
        "api/v1/rounds/<nm_key:roundKey>/scores", views.RoundScores.as_view(), name="round-scores"
    ),
    path(
        "api/v1/rounds/<nm_key:roundKey>/assessments",
        views.AssessmentList.as_view(),
        name="assessments",
    ),
    path(ASSESSMENT, views.AssessmentDetail.as_view(), name="assessment"),
    path(f"{ASSESSMENT}/score", views.AssessmentScore.as_view(), name="assessment-score"),
    path(
        f"{ASSESSMENT}/answers/<nm_requirement:requirementCode>",
        views.AnswerDetail.as_view(),
        name="answer",
    ),
    path("api/v1/comparisons", views.ComparisonView.as_view(), name="comparisons"),
    # Anything else below /api/v1/ (a trailing slash, an unknown path): a problem, not HTML.
    re_path(r"^api/v1(?:/[\s\S]*)?$", not_found, name="not-found"),
]
