"""Fixtures of the document-scan tests: the Flevolandse Norm's rules and the corpus folder."""

from pathlib import Path

import pytest

from normmonitor.documentscan.scanner import Rule, rules_from_norm
from normmonitor.norms.normfile import FLEVOLANDSE_NORM_PATH, read_norm_file

CORPUS = Path(__file__).resolve().parent / "corpus"


def flevoland_rules() -> list[Rule]:
    return rules_from_norm(read_norm_file(FLEVOLANDSE_NORM_PATH).to_dict())


@pytest.fixture(scope="session")
def rules() -> list[Rule]:
    return flevoland_rules()


@pytest.fixture
def files(settings, tmp_path):
    """Stored files go to a temporary folder (the evidence store is outside the web root)."""
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


def upload(name: str, data: bytes | None = None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    if data is None:
        data = (CORPUS / name).read_bytes()
    return SimpleUploadedFile(name, data)
