"""Reading a regulation's structure: headings, numbering variants, members, preamble,
explanatory notes, closing formula and amending ordinances."""

import datetime as dt

import pytest

from normmonitor.documentscan.scanner import AMENDMENT, EXPLANATORY, OPERATIVE, parse_text
from normmonitor.documentscan.scanner.document import normalise, number_key


def numbers(document):
    return [(article.number, article.title) for article in document.articles]


def sentences(document, number):
    article = next(a for a in document.articles if a.number == number)
    return [(s.member, s.item, document.quote(s.start, s.end)) for s in article.sentences]


@pytest.mark.parametrize(
    ("heading", "number", "title"),
    [
        ("Artikel 2:28 Exploitatievergunning", "2:28", "Exploitatievergunning"),
        ("Artikel 2.28 Exploitatievergunning", "2.28", "Exploitatievergunning"),
        ("Art. 2:28a Exploitatievergunning", "2:28a", "Exploitatievergunning"),
        ("ARTIKEL 2:28 EXPLOITATIEVERGUNNING", "2:28", "EXPLOITATIEVERGUNNING"),
        ("Artikel 2:28. Exploitatievergunning.", "2:28", "Exploitatievergunning"),
        ("Artikel 2:28 - Exploitatievergunning", "2:28", "Exploitatievergunning"),
        ("Artikel 2:28A Exploitatievergunning", "2:28A", "Exploitatievergunning"),
        ("Artikel 12 Exploitatievergunning", "12", "Exploitatievergunning"),
        ("Artikel IV Exploitatievergunning", "IV", "Exploitatievergunning"),
        ("Artikel 2:28\nExploitatievergunning", "2:28", "Exploitatievergunning"),
    ],
)
def test_numbering_variants(heading, number, title):
    document = parse_text(f"APV\n\n{heading}\n1. Het is verboden.\n")
    assert numbers(document) == [(number, title)]
    assert sentences(document, number) == [("1", "", "Het is verboden.")]


def test_number_keys_compare_styles():
    assert number_key("2.28A") == number_key("2:28a") == "2:28a"
    assert number_key("IV") == "iv"


def test_a_sentence_that_starts_with_artikel_is_no_heading():
    document = parse_text(
        "Artikel 1 Begrippen\nIn deze verordening wordt verstaan onder weg: een weg.\n"
        "Artikel 1:8 is van overeenkomstige toepassing.\n"
        "Artikel 2 Toepassing\nHet is verboden.\n"
    )
    assert [a.number for a in document.articles] == ["1", "2"]
    assert "Artikel 1:8 is van overeenkomstige toepassing." in [
        s for _, _, s in sentences(document, "1")
    ]


def test_a_wrapped_sentence_is_no_title():
    document = parse_text(
        "Artikel 2:28\nHet is verboden zonder vergunning een horecabedrijf\nte exploiteren.\n"
    )
    article = document.articles[0]
    assert article.title == ""
    assert sentences(document, "2:28") == [
        ("", "", "Het is verboden zonder vergunning een horecabedrijf te exploiteren.")
    ]


def test_sections_members_items_and_lead():
    document = parse_text(
        "APV\n\nHoofdstuk 2 Openbare orde\nAfdeling 8 Horeca\nArtikel 2:28 Exploitatievergunning\n"
        "1. Het is verboden een horecabedrijf te exploiteren zonder vergunning.\n"
        "2. De burgemeester weigert de vergunning als:\n"
        "a. de exploitant in enig opzicht van slecht levensgedrag is;\n"
        "b. het bestemmingsplan zich ertegen verzet.\n"
        "3. Dit geldt ook voor terrassen. Het vierde lid van artikel 2:29 is van toepassing.\n"
        "Afdeling 9 Speelgelegenheden\nArtikel 2:39 Speelgelegenheden\nHet is verboden.\n"
    )
    horeca, games = document.articles
    assert horeca.path == ("Hoofdstuk 2 Openbare orde", "Afdeling 8 Horeca")
    assert games.path == ("Hoofdstuk 2 Openbare orde", "Afdeling 9 Speelgelegenheden")
    found = [(s.member, s.item, s.lead) for s in horeca.sentences]
    assert found == [
        ("1", "", -1),
        ("2", "", -1),
        ("2", "a", 1),
        ("2", "b", 1),
        ("3", "", -1),
        ("3", "", -1),
    ]


def test_inline_list_items_after_a_colon():
    document = parse_text(
        "Artikel 3:4 Weigeringsgronden\nDe vergunning wordt geweigerd als: a. de exploitant "
        "minderjarig is; b. de exploitant in enig opzicht van slecht levensgedrag is.\n"
    )
    assert [(s.item, s.lead) for s in document.articles[0].sentences] == [
        ("", -1),
        ("a", 0),
        ("b", 0),
    ]


def test_preamble_toc_closing_and_explanatory_notes():
    document = parse_text(
        "Algemene plaatselijke verordening Testdorp 2022\n\n"
        "De raad van de gemeente Testdorp;\ngelet op artikel 174 van de Gemeentewet;\n\n"
        "Inhoudsopgave\nArtikel 2:28 Exploitatievergunning ........ 12\n\n"
        "Artikel 2:28 Exploitatievergunning\nHet is verboden.\n\n"
        "Aldus vastgesteld in de openbare vergadering van 12 juli 2022.\n"
        "De griffier, De voorzitter,\n\n"
        "Toelichting\nArtikel 2:28 Exploitatievergunning\nDit artikel regelt de vergunning.\n"
    )
    assert document.title == "Algemene plaatselijke verordening Testdorp 2022"
    assert "gelet op artikel 174" in document.text[slice(*document.preamble)]
    assert [(a.number, a.part) for a in document.articles] == [
        ("2:28", OPERATIVE),
        ("2:28", EXPLANATORY),
    ]
    operative = document.articles[0]
    assert sentences(document, "2:28") == [("", "", "Het is verboden.")]  # no signatures
    assert "griffier" not in document.text[operative.start : operative.end]
    assert document.adopted_on == dt.date(2022, 7, 12)


def test_a_note_between_articles_is_not_the_explanatory_part():
    document = parse_text(
        "Beleidsregels\n\nArtikel 3 Toepassing\nDe burgemeester past de wet toe.\n"
        "Toelichting\nDit artikel noemt de vergunningen.\n"
        "Artikel 4 Subsidies\nHet college kan de wet toepassen bij subsidies.\n"
    )
    assert [(a.number, a.part) for a in document.articles] == [("3", OPERATIVE), ("4", OPERATIVE)]
    assert sentences(document, "3") == [("", "", "De burgemeester past de wet toe.")]


def test_an_explanatory_part_that_names_a_new_number_stays_explanatory():
    document = parse_text(
        "APV\n\nArtikel 6:4 Citeertitel\nDeze verordening heet APV.\n\n"
        "Toelichting\nArtikel 2:50a (vervallen)\nHet verbod is geschrapt.\n"
    )
    assert [(a.number, a.part) for a in document.articles] == [
        ("6:4", OPERATIVE),
        ("2:50a", EXPLANATORY),
    ]


def test_amending_ordinance():
    document = parse_text(
        "Wijziging APV\n\nArtikel I\nDe APV wordt als volgt gewijzigd:\n\n"
        "A\nArtikel 2:30 komt te luiden:\nArtikel 2:30 Tijdelijke sluiting\n"
        "De burgemeester kan sluiting bevelen.\n\n"
        "B. Na artikel 2:30 wordt een artikel ingevoegd, luidende:\n"
        "Artikel 2:30a Sluiting gebouwen\nDe burgemeester kan een gebouw sluiten.\n\n"
        "C. Artikel 2:39, derde lid, komt te luiden:\n"
        "3. De burgemeester weigert de vergunning.\n\n"
        "D. Artikel 2:50a vervalt.\n\n"
        "Artikel II\nDit besluit treedt in werking op 1 januari 2022.\n"
    )
    assert document.is_amendment
    summary = [(a.number, a.title, a.part, a.amended_by, a.repealed) for a in document.articles]
    assert summary == [
        ("I", "", OPERATIVE, "", False),
        ("2:30", "Tijdelijke sluiting", AMENDMENT, "Artikel I, onderdeel A", False),
        ("2:30a", "Sluiting gebouwen", AMENDMENT, "Artikel I, onderdeel B", False),
        ("2:39", "", AMENDMENT, "Artikel I, onderdeel C", False),
        ("2:50a", "", AMENDMENT, "Artikel I, onderdeel D", True),
        ("II", "", OPERATIVE, "", False),
    ]
    assert sentences(document, "2:39") == [("3", "", "De burgemeester weigert de vergunning.")]


def test_consolidated_text_saying_vervallen_is_no_amendment():
    document = parse_text("APV\n\nHoofdstuk 3 [Vervallen]\n\nArtikel 6:1 Citeertitel\nAPV.\n")
    assert not document.is_amendment
    assert [a.part for a in document.articles] == [OPERATIVE]


def test_policy_without_articles_uses_numbered_headings():
    document = parse_text(
        "Bibob-beleid 2021\n\n1. Inleiding\nDe wet kan worden toegepast.\n\n"
        "3.1 Horeca\nDe burgemeester past de wet toe bij horeca.\n\n"
        "2. De burgemeester past de wet toe bij\nalle vergunningen.\n"
    )
    assert numbers(document) == [("1", "Inleiding"), ("3.1", "Horeca")]
    assert all(article.heading == "" for article in document.articles)


def test_page_lines_inside_an_article_are_ignored():
    document = parse_text(
        "Artikel 2:28 Vergunning\nHet is verboden zonder vergunning een\nPagina 9 van 31\n"
        "horecabedrijf te exploiteren.\n"
    )
    assert sentences(document, "2:28") == [
        ("", "", "Het is verboden zonder vergunning een horecabedrijf te exploiteren.")
    ]


def test_normalise():
    raw = (
        "Het is\u00a0ver-\nboden \u201ein enig opzicht\u201d;\r\n"
        "Drank-\nen Horecawet\u00ad\n\n\n\nx"
    )
    assert normalise(raw) == 'Het is verboden "in enig opzicht";\nDrank-\nen Horecawet\n\nx'
