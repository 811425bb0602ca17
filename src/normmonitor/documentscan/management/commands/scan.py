"""``normmonitor scan FILE --norm KEY``, the name issue #6 gives the command; the same command is
also available as ``normmonitor documentscan``."""

from .documentscan import Command  # noqa: F401
