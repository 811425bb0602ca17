import pytest


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    """Every test stores its evidence in its own folder."""
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT
