"""Organisation types known to norms. Kept free of Django so that the norm file parser and the
scoring module can use it without a configured project."""

from typing import Final

ORGANISATION_TYPES: Final[dict[str, str]] = {
    "gemeente": "Gemeente",
    "provincie": "Provincie",
    "waterschap": "Waterschap",
    "politie": "Politie",
    "om": "Openbaar Ministerie",
    "belastingdienst": "Belastingdienst",
    "riec": "RIEC",
    "overig": "Overig",
}
