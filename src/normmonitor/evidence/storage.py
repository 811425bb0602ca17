"""Evidence files on disk, outside the web root (settings.EVIDENCE_ROOT), content-addressed by
SHA-256: a stored name never comes from the user, so a hostile name cannot reach the path."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class DamagedFile(Exception):
    """A stored file is missing or no longer matches its checksum."""


def root() -> Path:
    return Path(settings.EVIDENCE_ROOT)


def path_for(sha256: str) -> Path:
    if not _SHA256.match(sha256):
        raise ValueError("not a SHA-256 hex digest")
    return root() / sha256[:2] / sha256


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def store(data: bytes) -> str:
    """Write the bytes (once: identical content is stored once) and return their SHA-256. The
    file is written to a temporary name and renamed, so a reader never sees half a file."""
    sha256 = digest(data)
    target = path_for(sha256)
    if target.exists() and file_digest(target) == sha256:
        return sha256
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o640)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return sha256


def file_digest(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def open_verified(sha256: str) -> BinaryIO:
    """Open a stored file for reading after checking that its bytes still match the checksum."""
    path = path_for(sha256)
    if not path.is_file() or file_digest(path) != sha256:
        raise DamagedFile(sha256)
    return path.open("rb")
