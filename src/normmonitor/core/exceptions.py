"""Errors that services raise and views and commands turn into messages."""

from django.core.exceptions import PermissionDenied


class ServiceError(Exception):
    """A request that cannot be carried out as asked; the message is for the user."""


class NotAllowed(ServiceError):
    """The actor lacks the permission; nothing was changed."""


class InvalidState(ServiceError):
    """The object is not in a state that allows the change (a closed round, for one)."""


class StaleVersion(ServiceError):
    """Someone else saved the same object first (optimistic locking)."""


class Refused(PermissionDenied):
    """A 403 whose message is written for the user (the error page shows it); a bare
    PermissionDenied shows only the generic text, so no internal detail reaches the page."""
