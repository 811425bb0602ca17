"""Fixtures for the norm tests. Test modules locate tests/norms/data from their own __file__:
the suite runs with --import-mode=importlib, so test folders are not importable."""

from collections.abc import Callable
from pathlib import Path

import pytest

from normmonitor.norms.normfile import FLEVOLANDSE_NORM_PATH, NormDocument, read_norm_file

WATERSCHAP_PATH = Path(__file__).parent / "data" / "voorbeeldnorm-waterschap.yaml"
# shared/ lies beside the repository (also in CI, which copies it next to its clone).
SEEDS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def flevoland() -> NormDocument:
    return read_norm_file(FLEVOLANDSE_NORM_PATH)


@pytest.fixture(scope="session")
def waterschap() -> NormDocument:
    return read_norm_file(WATERSCHAP_PATH)


@pytest.fixture
def seed_text() -> Callable[[str], str]:
    """The text of a source document; skips where the documents are not available."""

    def read(name: str) -> str:
        path = SEEDS_DIR / name
        if not path.exists():
            pytest.skip(f"source document {path} is not available here")
        return path.read_text(encoding="utf-8")

    return read
