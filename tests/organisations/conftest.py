import pytest

from normmonitor.organisations import geo


@pytest.fixture(scope="session")
def municipalities_2021() -> list[geo.Feature]:
    return geo.load_features(geo.boundary_file("gemeente", 2021))


@pytest.fixture(scope="session")
def provinces_2021() -> list[geo.Feature]:
    return geo.load_features(geo.boundary_file("provincie", 2021))


@pytest.fixture(scope="session")
def adjacency_2021(municipalities_2021) -> dict[str, set[str]]:
    return geo.adjacency(municipalities_2021)
