# Imported by rules' autodiscovery so that the permissions are registered at start-up.
from . import policy  # noqa: F401
