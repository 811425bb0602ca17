"""Fixtures for the norm tests. Test modules locate tests/norms/data from their own __file__:
the suite runs with --import-mode=importlib, so test folders are not importable."""

from collections.abc import Callable
from pathlib import Path

import pytest

from normmonitor.norms.normfile import FLEVOLANDSE_NORM_PATH, NormDocument, read_norm_file

WATERSCHAP_PATH = Path(__file__).parent / "data" / "voorbeeldnorm-waterschap.yaml"
# Copies of the public source documents (see data/sources/README.md).
SEEDS_DIR = Path(__file__).parent / "data" / "sources"


@pytest.fixture(scope="session")
def flevoland() -> NormDocument:
    return read_norm_file(FLEVOLANDSE_NORM_PATH)


@pytest.fixture(scope="session")
def waterschap() -> NormDocument:
    return read_norm_file(WATERSCHAP_PATH)


@pytest.fixture
def seed_text() -> Callable[[str], str]:
    """The text of a source document."""

    def read(name: str) -> str:
        return (SEEDS_DIR / name).read_text(encoding="utf-8")

    return read
