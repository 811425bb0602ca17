"""Every URL the application has, for every role, against the organisations that role must not
reach: nothing of theirs leaks into a response and nothing changes.

The URL patterns come from the resolver (walking every include), so a URL added later is tested
automatically; its keyword arguments are filled from the table below, and a keyword the table
does not know fails the test loudly: add it (with the foreign object it should point at).

For each (role, foreign organisation) the test GETs and POSTs the URL, with a payload that would
change something if a permission check were missing, and then checks that
- no secret planted in the foreign organisation's free-text fields appears in the response,
- no response is a server error,
- for a URL that names an object, no row anywhere in the database changed; for a URL without
  one (a list, a "new" form, an account page), nothing of the foreign organisation changed.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from normmonitor.assessments.models import Answer, ReviewComment
from normmonitor.evidence.models import Evidence
from normmonitor.organisations.models import Organisation, Region
from tests.evidence import samples
from tests.security.conftest import Target, fingerprint

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Pattern:
    name: str
    route: str
    kwargs: tuple[str, ...]

    @property
    def namespace(self) -> str:
        return self.name.rpartition(":")[0]


def walk(
    resolver: URLResolver, prefix: str = "", namespace: str = "", keywords: frozenset = frozenset()
) -> Iterator[Pattern]:
    for entry in resolver.url_patterns:
        # An include's own route can carry keywords too (allauth: keys/<int:pk>/...).
        found = keywords | frozenset(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry, prefix + str(entry.pattern), inner, found)
        elif isinstance(entry, URLPattern):
            name = entry.name or ""
            full = f"{namespace}:{name}" if namespace and name else name
            yield Pattern(
                full or f"<unnamed {prefix}{entry.pattern}>",
                prefix + str(entry.pattern),
                tuple(sorted(found)),
            )


# Django's own admin is for superusers only (none of the roles is one): tested apart below.
SKIPPED_PREFIXES = ("beheer/django/",)
PATTERNS = [p for p in walk(get_resolver()) if not p.route.startswith(SKIPPED_PREFIXES)]

Filler = Callable[[Target], Any]

# How to fill each keyword argument. Looked up by URL name, then by namespace, then by the
# keyword alone. An unknown keyword fails the test: add a line here.
BY_KEYWORD: dict[str, Filler] = {
    "key": lambda t: t.round.key,
    "organisation": lambda t: t.organisation.code,
    "code": lambda t: t.organisation.code,
    "answer_id": lambda t: t.answer.pk,
    "evidence_id": lambda t: t.evidence.pk,
    "region": lambda t: t.region.key,
    "action": lambda t: "close",
    "chart": lambda t: "themas",
    "roundKey": lambda t: t.round.key,
    "organisationCode": lambda t: t.organisation.code,
    "regionKey": lambda t: t.region.key,
    "requirementCode": lambda t: t.answer.requirement.code,
    "normKey": lambda t: t.round.norm_version.norm.key,
    "normVersionId": lambda t: t.round.norm_version.pk,
    "job_id": lambda t: uuid.uuid4(),
    "import_id": lambda t: uuid.uuid4(),
    "uidb36": lambda t: "2",
}
BY_NAMESPACE: dict[tuple[str, str], Filler] = {
    ("actions", "pk"): lambda t: t.action.pk,
    ("initiatives", "pk"): lambda t: t.initiative.pk,
    ("resiliencescan", "pk"): lambda t: t.scan.pk,
    ("documentscan", "pk"): lambda t: t.document.pk,
    ("documentscan", "key"): lambda t: t.region.key,
    ("access", "key"): lambda t: t.region.key,
    ("beheer", "key"): lambda t: t.region.key,
    ("beheer", "pk"): lambda t: t.user.pk,
    ("beheer", "membership_pk"): lambda t: t.membership.pk,
    ("api", "token_id"): lambda t: t.token.pk,
}
BY_NAME: dict[tuple[str, str], Filler] = {
    ("beheer:norm", "pk"): lambda t: t.round.norm_version.pk,
    ("account_reset_password_from_key", "key"): lambda t: "set-password",
    ("account_confirm_email", "key"): lambda t: "not-a-key",
    ("mfa_remove_webauthn", "pk"): lambda t: t.authenticator.pk,
    ("mfa_edit_webauthn", "pk"): lambda t: t.authenticator.pk,
}


class UnknownKeyword(LookupError):
    pass


def url_for(pattern: Pattern, target: Target) -> str:
    kwargs = {}
    for keyword in pattern.kwargs:
        filler = (
            BY_NAME.get((pattern.name, keyword))
            or BY_NAMESPACE.get((pattern.namespace, keyword))
            or BY_KEYWORD.get(keyword)
        )
        if filler is None:
            raise UnknownKeyword(
                f"{pattern.name} ({pattern.route}): no filler for keyword {keyword!r}. Add it to "
                "BY_NAME, BY_NAMESPACE or BY_KEYWORD in tests/security/test_url_access.py."
            )
        kwargs[keyword] = filler(target)
    return reverse(pattern.name, kwargs=kwargs)


def payload(target: Target) -> dict[str, Any]:
    """Fields that would change the target's data if a view forgot its permission check."""
    answer = target.answer
    prefix = f"a{answer.pk}"
    level = answer.requirement.norm_version.scale.get(code="behaald")
    return {
        f"{prefix}-level": level.pk,
        f"{prefix}-explanation": "PWNED",
        f"{prefix}-version": answer.version,
        "version": answer.version,
        "decision": "accept",
        "action": "propose",
        "comment": "PWNED",
        "text": "PWNED",
        "motivation": "PWNED",
        "reason": "PWNED",
        "note": "PWNED",
        "name": "PWNED",
        "title": "PWNED",
        "description": "PWNED",
        "organisation": target.organisation.pk,
        "region": target.region.pk,
        "role": "administrator",
        "user": target.user.pk,
        "is_active": "",
        "ratings_visible_to_members": "",
        "file": SimpleUploadedFile("PWNED.pdf", samples.PDF, "application/pdf"),
    }


def foreign_fingerprint(target: Target) -> str:
    """The target organisation's own data: its answers, evidence, comments, assessment, users."""
    rows = [
        list(
            Answer.objects.filter(assessment__organisation=target.organisation)
            .order_by("pk")
            .values_list()
        ),
        list(
            Evidence.objects.filter(answer__assessment__organisation=target.organisation)
            .order_by("pk")
            .values_list()
        ),
        list(
            ReviewComment.objects.filter(answer__assessment__organisation=target.organisation)
            .order_by("pk")
            .values_list()
        ),
        list(type(target.assessment).objects.filter(pk=target.assessment.pk).values_list()),
        list(type(target.round).objects.filter(pk=target.round.pk).values_list()),
        list(Organisation.objects.filter(pk=target.organisation.pk).values_list()),
        list(Region.objects.filter(pk=target.region.pk).values_list()),
        list(
            type(target.user).objects.filter(pk=target.user.pk).values_list("password", "is_active")
        ),
        list(type(target.membership).objects.filter(user=target.user).values_list()),
        list(type(target.authenticator).objects.filter(user=target.user).values_list("pk", "type")),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


# role → (user key in the world, the foreign organisations it must not reach)
ROLES = {
    "almere editor": ("almere", ("lelystad", "elderveen")),
    "almere reader": ("almere_reader", ("lelystad", "elderveen")),
    "flevoland coordinator": ("coordinator", ("elderveen",)),
    "elders coordinator": ("elders_coordinator", ("lelystad", "almere")),
    "user without role": ("nobody", ("lelystad", "elderveen")),
    "anonymous": (None, ("lelystad", "elderveen")),
}


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def probe(client, world, pattern: Pattern) -> list[str]:
    """All requests of one URL; the database is compared once around all of them (and, only if
    it changed, again per request to find out which one did it)."""
    names_an_object = bool(pattern.kwargs)
    requests = [
        (role, username, world[target_name], method)
        for role, (username, targets) in ROLES.items()
        for target_name in targets
        for method in ("get", "post")
    ]
    targets = {id(target): target for _r, _u, target, _m in requests}.values()

    def state() -> object:
        if names_an_object:
            return fingerprint()
        return [foreign_fingerprint(target) for target in targets]

    before = state()
    failures = _send(client, world, pattern, requests)
    if state() != before:
        failures.append(f"{pattern.name}: a request changed data; see the lines below")
        # The first run already changed something: the world is compared request by request
        # from here on, which names at least the requests that keep changing it.
        for request in requests:
            before = state()
            _send(client, world, pattern, [request])
            if state() != before:
                role, _username, target, method = request
                failures.append(f"{role} {method.upper()} {url_for(pattern, target)}: changed data")
    return failures


def _send(client, world, pattern: Pattern, requests) -> list[str]:
    failures = []
    for role, username, target, method in requests:
        url = url_for(pattern, target)
        client.logout()
        if username:
            client.force_login(world["users"][username])
        try:
            response = client.get(url) if method == "get" else client.post(url, payload(target))
        except Exception as error:  # a crash is a failure, and must not hide the others
            failures.append(f"{role} {method.upper()} {url}: raised {error!r}")
            continue
        if response.status_code >= 500:
            failures.append(f"{role} {method.upper()} {url}: {response.status_code}")
        leaked = [secret for secret in target.secrets if secret in body_of(response)]
        if leaked:
            failures.append(f"{role} {method.upper()} {url}: leaks {leaked}")
    return failures


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.name for p in PATTERNS])
def test_nothing_leaks_and_nothing_changes(client, world, pattern):
    client.raise_request_exception = True
    failures = probe(client, world, pattern)
    assert not failures, "\n".join(failures)


def test_every_keyword_has_a_filler(world):
    """Fails loudly, listing every URL whose keyword arguments the table cannot fill."""
    unknown = []
    for pattern in PATTERNS:
        try:
            url_for(pattern, world["lelystad"])
        except UnknownKeyword as error:
            unknown.append(str(error))
    assert not unknown, "\n".join(unknown)


# Keywords that name a stored object by its id; values that exist nowhere (such as a random
# job id or an e-mail confirmation key) are meant to be refused and are not listed here.
OBJECT_KEYWORDS = {"pk", "answer_id", "evidence_id", "token_id", "membership_pk"}


def test_every_object_url_names_a_real_object_of_the_target(client, world, make_user):
    """The probes above mean something only if each id names the foreign organisation's own
    object: a superuser, who may see everything, gets no 404 for any of them."""
    superuser = make_user("root")
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    client.force_login(superuser)
    missing = []
    for pattern in PATTERNS:
        if not OBJECT_KEYWORDS & set(pattern.kwargs):
            continue
        for name in ("lelystad", "elderveen"):
            url = url_for(pattern, world[name])
            if client.get(url).status_code == 404:
                missing.append(f"{pattern.name}: {url}")
    assert not missing, "\n".join(missing)


def test_the_walk_finds_the_applications_urls():
    names = {pattern.name for pattern in PATTERNS}
    assert {"assessments:answer", "evidence:download", "audit:export", "login"} <= names
    assert all(not name.startswith("<unnamed") for name in names), "name every URL pattern"


def test_django_admin_is_for_superusers_only(client, world, make_user):
    """Not for any role, and not for a staff account that is no superuser: the admin shows every
    table, outside the access policy."""
    staff = make_user("staff-only")
    staff.is_staff = True
    staff.save()
    staff_administrator = world["users"]["admin"]
    staff_administrator.is_staff = True
    staff_administrator.save()
    for user in (
        *(world["users"][name] for name in ("almere", "coordinator", "nobody")),
        staff,
        staff_administrator,
    ):
        client.force_login(user)
        for url in ("/beheer/django/", "/beheer/django/password_change/"):
            response = client.get(url)
            assert response.status_code == 302, (user, url)
            assert "/login/" in response["Location"], (user, url)
    superuser = make_user("root")
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    client.force_login(superuser)
    assert client.get("/beheer/django/").status_code == 200
