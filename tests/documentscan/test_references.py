"""Cross-references are masked before rules look for words; citations link articles."""

import pytest

from normmonitor.documentscan.scanner.references import cited_numbers, mask


@pytest.mark.parametrize(
    ("text", "left"),
    [
        (
            "gelet op artikel 149, 154 en 174 van de Gemeentewet en artikel 30c van de Wet op "
            "de kansspelen;",
            ";",
        ),
        (
            "De vergunning als bedoeld in artikel 2:28 wordt geweigerd.",
            "De vergunning wordt geweigerd.",
        ),
        (
            "De burgemeester kan op grond van artikel 174a van de Gemeentewet een woning sluiten.",
            "De burgemeester kan een woning sluiten.",
        ),
        (
            "Een vergunning als bedoeld in artikel 30b, eerste lid, van de Wet op de kansspelen "
            "wordt verleend.",
            "Een vergunning wordt verleend.",
        ),
        (
            "Paragraaf 4.1.3.3 van de Algemene wet bestuursrecht geldt niet (artikel 2:28).",
            "geldt niet .",
        ),
        (
            "Onverminderd artikel 13b Opiumwet kan de burgemeester sluiten.",
            "kan de burgemeester sluiten.",
        ),
        (
            "een middel als bedoeld in lijst I van de Opiumwet",
            "een middel als bedoeld in lijst I van de Opiumwet",
        ),
    ],
)
def test_mask(text, left):
    masked = mask(text)
    assert len(masked) == len(text)
    assert " ".join(masked.split()) == left


def test_citations_are_articles_of_this_regulation():
    assert cited_numbers("De vergunning als bedoeld in de artikelen 2:28, 2:39 en 3:4.") == {
        "2:28",
        "2:39",
        "3:4",
    }
    assert cited_numbers("De vergunning als bedoeld in artikel 2.28 van deze verordening") == {
        "2:28"
    }
    assert cited_numbers("artikel 13b van de Opiumwet en artikel 3 van de Wet Bibob") == set()
