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
