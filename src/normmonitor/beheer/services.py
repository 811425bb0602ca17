"""Management changes made in the application: each function checks the permission, makes one
change in one transaction and records one named audit event (see CONTRIBUTING.md).

Norms are loaded through the same parser and loader as ``normmonitor norm load``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from normmonitor.access.models import Membership, Role
from normmonitor.access.policy import forget_grants
from normmonitor.audit.services import record
from normmonitor.core.exceptions import InvalidState, ServiceError
from normmonitor.core.permissions import require
from normmonitor.norms.normfile import NormDocument, parse_norm
from normmonitor.norms.services import LoadResult, load_norm
from normmonitor.organisations.models import Organisation, OrganisationType, Region

#: The largest norm file the upload accepts. The Flevolandse Norm is about 60 KB.
MAX_NORM_FILE_BYTES = 2 * 1024 * 1024

ORGANISATION_FIELDS = ("name", "type", "cbs_code", "contact_name", "contact_email")


class InvalidInput(ServiceError):
    """The request's data cannot be used; the message says why. Nothing was changed.
    ``field`` names the input it is about, when there is one, so a form can show it there."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# -- Norms ------------------------------------------------------------------------------------


def read_norm_upload(data: bytes, filename: str) -> NormDocument:
    """Parse and validate an uploaded norm file; raises normfile.NormFileError with every
    problem and its line, exactly as ``normmonitor norm validate`` reports them."""
    if len(data) > MAX_NORM_FILE_BYTES:
        raise InvalidInput(_("The file is larger than 2 MB; a norm file is much smaller."))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput(_("The file is not UTF-8 text. Save it as UTF-8 and try again.")) from (
            error
        )
    return parse_norm(text, filename=filename)


def norm_load(*, actor: Any, document: NormDocument, address: str | None = None) -> LoadResult:
    """Load a validated norm document. Unchanged content is a no-op (and no event); changed
    content becomes a new revision beside the old, which rounds keep pointing at."""
    require(actor, "norms.manage_norm")
    with transaction.atomic():
        result = load_norm(document)
        if result.created:
            version = result.norm_version
            record(
                "norm.loaded",
                actor=actor,
                address=address,
                norm=version.norm.key,
                version=version.version,
                revision=version.revision,
                content_hash=version.content_hash,
            )
    return result


# -- Organisations and regions ------------------------------------------------------------------


def organisation_create(
    *,
    actor: Any,
    code: str,
    name: str,
    type: str,
    cbs_code: str = "",
    contact_name: str = "",
    contact_email: str = "",
    address: str | None = None,
) -> Organisation:
    require(actor, "organisations.manage_organisation")
    if type not in OrganisationType.values:
        raise InvalidInput(_("Unknown organisation type."))
    with transaction.atomic():
        if Organisation.objects.filter(code__iexact=code).exists():
            raise InvalidInput(_("An organisation with this code exists already."), field="code")
        organisation = Organisation.objects.create(
            code=code,
            name=name,
            type=type,
            cbs_code=cbs_code,
            contact_name=contact_name,
            contact_email=contact_email,
        )
        record(
            "organisation.created",
            actor=actor,
            organisation=organisation,
            address=address,
            code=code,
            organisation_name=name,
            organisation_type=type,
        )
    return organisation


def organisation_update(
    *, actor: Any, organisation: Organisation, address: str | None = None, **values: str
) -> Organisation:
    """Change an organisation's name, type, CBS code or contact. The code is its stable key and
    does not change. Records the changed fields, before and after."""
    require(actor, "organisations.manage_organisation", organisation)
    unknown = set(values) - set(ORGANISATION_FIELDS)
    if unknown:
        raise InvalidInput(f"Cannot change {', '.join(sorted(unknown))}")
    if "type" in values and values["type"] not in OrganisationType.values:
        raise InvalidInput(_("Unknown organisation type."))
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        changes = {
            field: [getattr(organisation, field), value]
            for field, value in values.items()
            if getattr(organisation, field) != value
        }
        if not changes:
            return organisation
        for field, (_before, after) in changes.items():
            setattr(organisation, field, after)
        organisation.save(update_fields=list(changes))
        record(
            "organisation.updated",
            actor=actor,
            organisation=organisation,
            address=address,
            changes=changes,
        )
    return organisation


def region_set_members(
    *, actor: Any, region: Region, members: list[Organisation], address: str | None = None
) -> Region:
    """Make ``members`` exactly the region's member organisations. Neighbour links are derived
    from the boundaries and are not changed here."""
    require(actor, "organisations.manage_region", region)
    with transaction.atomic():
        before = set(region.members.values_list("code", flat=True))
        after = {organisation.code for organisation in members}
        if before == after:
            return region
        region.members.set(members)
        record(
            "region.updated",
            actor=actor,
            address=address,
            region=region.key,
            added=sorted(after - before),
            removed=sorted(before - after),
        )
    return region


# -- Users and memberships ----------------------------------------------------------------------


def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    address: str | None = None,
) -> Any:
    """Create an account. The password must pass the configured validators (at least 12
    characters, not common, not only digits, not like the user's name)."""
    require(actor, "access.manage_user")
    User = get_user_model()
    candidate = User(username=username, first_name=first_name, last_name=last_name, email=email)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), field="password") from error
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise InvalidInput(_("A user with this user name exists already."), field="username")
        user = User.objects.create_user(
            username=username,
            password=password,
            first_name=first_name,
            last_name=last_name,
            email=email,
        )
        record("user.created", actor=actor, address=address, user=username)
    return user


def user_set_active(*, actor: Any, user: Any, active: bool, address: str | None = None) -> Any:
    """Allow or stop a user's logging in. Nobody can deactivate themselves."""
    require(actor, "access.manage_user")
    if not active and actor is not None and actor.pk == user.pk:
        raise InvalidState(_("You cannot deactivate your own account."))
    with transaction.atomic():
        if user.is_active == active:
            return user
        user.is_active = active
        user.save(update_fields=["is_active"])
        record(
            "user.activated" if active else "user.deactivated",
            actor=actor,
            address=address,
            user=user.get_username(),
        )
    return user


@dataclass(frozen=True)
class _Scope:
    organisation: Organisation | None
    region: Region | None


def _scope_for(role: str, organisation: Organisation | None, region: Region | None) -> _Scope:
    """The membership's scope must match its role (the database enforces it too)."""
    if role == Role.ADMINISTRATOR:
        if organisation or region:
            raise InvalidInput(_("An administrator has no organisation or region."))
        return _Scope(None, None)
    if role == Role.COORDINATOR:
        if region is None or organisation is not None:
            raise InvalidInput(_("A region coordinator needs a region, and no organisation."))
        return _Scope(None, region)
    if role in (Role.EDITOR, Role.READER):
        if organisation is None or region is not None:
            raise InvalidInput(_("An editor or reader needs an organisation, and no region."))
        return _Scope(organisation, None)
    raise InvalidInput(_("Unknown role."))


def membership_create(
    *,
    actor: Any,
    user: Any,
    role: str,
    organisation: Organisation | None = None,
    region: Region | None = None,
    address: str | None = None,
) -> Membership:
    require(actor, "access.manage_membership")
    scope = _scope_for(role, organisation, region)
    try:
        with transaction.atomic():
            # The database refuses duplicates too (access.Membership's constraints); asking
            # first gives the administrator a clear message instead of a failed insert.
            if Membership.objects.filter(
                user=user, role=role, organisation=scope.organisation, region=scope.region
            ).exists():
                raise IntegrityError("duplicate membership")
            membership = Membership.objects.create(
                user=user, role=role, organisation=scope.organisation, region=scope.region
            )
            record(
                "membership.created",
                actor=actor,
                organisation=scope.organisation,
                address=address,
                user=user.get_username(),
                role=role,
                region=scope.region.key if scope.region else None,
            )
    except IntegrityError as error:
        raise InvalidInput(_("This user has this role already.")) from error
    forget_grants(user)
    return membership


def membership_delete(*, actor: Any, membership: Membership, address: str | None = None) -> None:
    """Remove a role. The last administrator's role cannot be removed: someone must be left
    who can manage users."""
    require(actor, "access.manage_membership")
    with transaction.atomic():
        if membership.role == Role.ADMINISTRATOR:
            others = (
                Membership.objects.filter(role=Role.ADMINISTRATOR, user__is_active=True)
                .exclude(pk=membership.pk)
                .exists()
            )
            if not others:
                raise InvalidState(
                    _("This is the last administrator: give someone else the role first.")
                )
        user = membership.user
        record(
            "membership.deleted",
            actor=actor,
            organisation=membership.organisation,
            address=address,
            user=user.get_username(),
            role=membership.role,
            region=membership.region.key if membership.region else None,
        )
        membership.delete()
    forget_grants(user)
