"""Errors that services raise and views and commands turn into messages."""


class ServiceError(Exception):
    """A request that cannot be carried out as asked; the message is for the user."""


class NotAllowed(ServiceError):
    """The actor lacks the permission; nothing was changed."""


class InvalidState(ServiceError):
    """The object is not in a state that allows the change (a closed round, for one)."""


class StaleVersion(ServiceError):
    """Someone else saved the same object first (optimistic locking)."""
