"""Properties: numbering variants read the same; noise never creates findings; parsing never
fails on any text; masking keeps offsets."""

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from normmonitor.documentscan.scanner import parse_text, scan
from normmonitor.documentscan.scanner.document import normalise, number_key
from normmonitor.documentscan.scanner.references import mask

from .conftest import flevoland_rules

RULES = flevoland_rules()
APV_RULES = [rule for rule in RULES if "apv" in rule.kinds]

LICENCE = (
    "{heading}\n"
    "1. Het is verboden zonder vergunning van de burgemeester een horecabedrijf te exploiteren.\n"
    "2. De burgemeester weigert de vergunning als de exploitant in enig opzicht van slecht "
    "levensgedrag is.\n"
)

numbers = st.tuples(
    st.integers(min_value=1, max_value=9),
    st.integers(min_value=1, max_value=99),
    st.sampled_from(["", "a", "b"]),
)
labels = st.sampled_from(["Artikel", "ARTIKEL", "Art."])
separators = st.sampled_from([":", "."])
title_styles = st.sampled_from(
    [
        "{n} Exploitatievergunning",
        "{n}. Exploitatievergunning",
        "{n} - Exploitatievergunning",
        "{n}\nExploitatievergunning",
    ]
)

# Paragraphs with none of the words any APV rule needs to find a provision.
NOISE_WORDS = [
    *("de", "het", "een", "gemeente", "raad", "college", "openbare", "weg", "fiets", "parkeren"),
    *("hond", "boom", "markt", "water", "afval", "geluid", "verlichting", "bord", "straat"),
    *("plein", "burger", "inwoner", "wijk", "park", "bank", "school"),
]
noise_paragraph = st.lists(st.sampled_from(NOISE_WORDS), min_size=3, max_size=25).map(
    lambda words: " ".join(words).capitalize() + "."
)


@given(numbers, labels, separators, title_styles)
def test_numbering_variants_give_the_same_finding(number, label, separator, style):
    chapter, article, letter = number
    written = f"{chapter}{separator}{article}{letter}"
    heading = f"{label} " + style.format(n=written)
    document = parse_text("APV Testdorp\n\n" + LICENCE.format(heading=heading))
    (found,) = [f for f in scan(document, APV_RULES, kind="apv") if f.requirement == "3.2.2.A"]
    assert found.verdict == "present"
    assert number_key(found.article) == number_key(written)
    assert document.articles[0].title == "Exploitatievergunning"


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=60)
@given(st.lists(noise_paragraph, min_size=1, max_size=15), st.integers(min_value=1, max_value=40))
def test_noise_paragraphs_never_create_findings(paragraphs, first):
    articles = "\n".join(
        f"Artikel 4:{first + n} Bepaling {n}\n{paragraph}" for n, paragraph in enumerate(paragraphs)
    )
    document = parse_text("APV Testdorp\n\n" + articles)
    assert {f.verdict for f in scan(document, APV_RULES, kind="apv")} == {"absent"}


@settings(max_examples=60)
@given(st.lists(noise_paragraph, min_size=1, max_size=10))
def test_noise_around_a_provision_changes_nothing(paragraphs):
    base = "APV Testdorp\n\n" + LICENCE.format(heading="Artikel 2:28 Exploitatievergunning")
    noisy = base + "\n".join(
        f"Artikel 5:{n} Overig {n}\n{paragraph}" for n, paragraph in enumerate(paragraphs, 1)
    )
    plain = {f.requirement: (f.verdict, f.article) for f in scan(parse_text(base), APV_RULES)}
    with_noise = {f.requirement: (f.verdict, f.article) for f in scan(parse_text(noisy), APV_RULES)}
    assert plain == with_noise


@given(st.text(max_size=2000))
def test_any_text_parses_and_scans(text):
    document = parse_text(text)
    for article in document.articles:
        assert 0 <= article.start <= article.end <= len(document.text)
        for sentence in article.sentences:
            assert article.start <= sentence.start < sentence.end <= article.end
    scan(document, RULES)


@given(st.text(max_size=500))
def test_normalise_is_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once


@given(
    st.text(
        alphabet=st.sampled_from("artikel 2:28 als bedoeld in van de Gemeentewet op grond(),."),
        max_size=300,
    )
)
def test_mask_keeps_length(text):
    assume(text)
    assert len(mask(text)) == len(text)
