"""``normmonitor scan FILE --norm KEY`` as issue #6 names it. While the resilience scan's
``scan validate|load|report`` command (listed earlier in INSTALLED_APPS) holds the name, use
``normmonitor documentscan``; this alias takes over once that command is renamed."""

from .documentscan import Command  # noqa: F401
