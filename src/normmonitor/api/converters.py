"""Path converters that accept only what can exist, so odd input is a 404 and never reaches the
database (a NUL byte or an integer beyond 64 bits would make PostgreSQL raise)."""


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class RequirementCodeConverter:
    # As norms/normfile.py allows: a letter or digit, then letters, digits, ".", "_", "-".
    regex = "[A-Za-z0-9][A-Za-z0-9._-]{0,39}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class KeyConverter:
    """Slugs (organisation codes, region, round and norm keys), at most 80 characters."""

    regex = "[-a-zA-Z0-9_]{1,80}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
