"""Writing actions and their comments."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from normmonitor.audit.services import record
from normmonitor.core.exceptions import ServiceError
from normmonitor.core.permissions import require
from normmonitor.norms.models import Requirement
from normmonitor.organisations.models import Organisation
from normmonitor.rounds.models import MonitoringRound

from .models import OPEN_STATUSES, Action, ActionComment, ActionStatus


def _user(actor: Any) -> Any:
    return actor if actor is not None and actor.is_authenticated else None


def _check_links(
    organisation: Organisation,
    requirement: Requirement | None,
    monitoring_round: MonitoringRound | None,
) -> None:
    if monitoring_round is not None:
        if not monitoring_round.assessments.filter(organisation=organisation).exists():
            raise ServiceError(
                _("%(organisation)s takes no part in %(round)s.")
                % {"organisation": organisation.name, "round": monitoring_round.name}
            )
        if requirement is not None and requirement.norm_version_id != (
            monitoring_round.norm_version_id
        ):
            raise ServiceError(_("That item is not part of the round's norm version."))
    if requirement is not None and organisation.type not in requirement.applies_to:
        raise ServiceError(_("That item does not apply to this organisation."))


def _snapshot(action: Action) -> dict[str, Any]:
    return {
        "description": action.description,
        "owner": action.owner,
        "owner_user": action.owner_user_id,
        "due_date": action.due_date.isoformat() if action.due_date else None,
        "status": action.status,
        "requirement": action.requirement.code if action.requirement_id else None,
        "round": action.round.key if action.round_id else None,
    }


def action_create(
    *,
    actor: Any,
    organisation: Organisation,
    description: str,
    requirement: Requirement | None = None,
    monitoring_round: MonitoringRound | None = None,
    owner: str = "",
    owner_user: Any = None,
    due_date: date | None = None,
    origin: str = "",
) -> Action:
    """Record a bottleneck's action for an organisation, linked to an item (and round)."""
    require(actor, "actions.add_action", organisation)
    if not description.strip():
        raise ServiceError(_("Describe the action."))
    _check_links(organisation, requirement, monitoring_round)
    try:
        with transaction.atomic():
            action = Action.objects.create(
                organisation=organisation,
                requirement=requirement,
                round=monitoring_round,
                description=description.strip(),
                owner=owner,
                owner_user=owner_user,
                due_date=due_date,
                origin=origin,
                created_by=_user(actor),
            )
            record(
                "action.created",
                actor=actor,
                organisation=organisation,
                round=monitoring_round,
                action=action.pk,
                after=_snapshot(action),
            )
    except IntegrityError as duplicate:
        raise ServiceError(_("This action has already been proposed.")) from duplicate
    return action


def action_update(
    *,
    actor: Any,
    action: Action,
    description: str,
    owner: str,
    due_date: date | None,
    status: str,
    owner_user: Any = None,
) -> Action:
    require(actor, "actions.change_action", action)
    if status not in ActionStatus.values:
        raise ServiceError(_("Unknown status."))
    if not description.strip():
        raise ServiceError(_("Describe the action."))
    with transaction.atomic():
        locked = Action.objects.select_for_update().get(pk=action.pk)
        before = _snapshot(locked)
        locked.description = description.strip()
        locked.owner = owner
        locked.owner_user = owner_user
        locked.due_date = due_date
        if status not in OPEN_STATUSES and locked.status in OPEN_STATUSES:
            locked.closed_at = timezone.now()
        elif status in OPEN_STATUSES:
            locked.closed_at = None
        locked.status = status
        locked.save()
        after = _snapshot(locked)
        record(
            "action.updated",
            actor=actor,
            organisation=locked.organisation,
            round=locked.round,
            action=locked.pk,
            before=before,
            after=after,
        )
    return locked


def action_comment(*, actor: Any, action: Action, text: str) -> ActionComment:
    require(actor, "actions.change_action", action)
    if not text.strip():
        raise ServiceError(_("Write a comment."))
    user = _user(actor)
    with transaction.atomic():
        comment = ActionComment.objects.create(
            action=action,
            author=user,
            author_name=(user.get_full_name() or user.get_username()) if user else "system",
            text=text.strip(),
        )
        record(
            "action.commented",
            actor=actor,
            organisation=action.organisation,
            round=action.round,
            action=action.pk,
            comment=comment.pk,
        )
    return comment
