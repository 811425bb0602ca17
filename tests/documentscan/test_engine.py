"""The hard cases of the issue, each on a small text: content not numbers, references and
preambles, "slecht levensgedrag" in the wrong article, licences without it, the colour ban."""

from normmonitor.documentscan.scanner import Finding, guess_kind, parse_text, scan

HORECA_OLD = "\n".join(
    [
        "APV Testdorp",
        "",
        "Afdeling 3 Evenementen",
        "Artikel 2:24 Begripsbepaling",
        "Onder evenement wordt verstaan: elke voor publiek toegankelijke verrichting van vermaak.",
        "Artikel 2:25 Evenement",
        "1. Het is verboden zonder vergunning van de burgemeester een evenement te organiseren.",
        "2. De burgemeester kan de vergunning weigeren als de organisator in enig opzicht van "
        "slecht levensgedrag is.",
        "",
        "Afdeling 8 Horeca",
        "Artikel 2:28 Exploitatievergunning",
        "Het is verboden zonder vergunning van de burgemeester een horecabedrijf te exploiteren.",
        "",
    ]
)


def finding(findings, code) -> Finding:
    return next(f for f in findings if f.requirement == code)


def test_slecht_levensgedrag_in_an_event_article_does_not_complete_horeca(rules):
    result = finding(scan(parse_text(HORECA_OLD), rules, kind="apv"), "3.2.2.A")
    assert result.verdict == "partial"
    assert result.article == "2:28"
    assert result.quote.text.startswith("Het is verboden zonder vergunning")
    assert "slecht levensgedrag" in result.why
    # and the event licence is reported for 3.2.4, by the number found (2:25, the old model)
    events = finding(scan(parse_text(HORECA_OLD), rules, kind="apv"), "3.2.4")
    assert (events.verdict, events.article) == ("partial", "2:25")


def test_event_articles_are_found_by_content_whatever_their_number(rules):
    new = HORECA_OLD.replace("2:24", "2:9").replace("2:25", "2:10")
    events = finding(scan(parse_text(new), rules, kind="apv"), "3.2.4")
    assert (events.verdict, events.article) == ("partial", "2:10")


def test_licence_with_slecht_levensgedrag_is_present_with_both_quotes(rules):
    text = HORECA_OLD + (
        "Artikel 2:28a Weigeringsgronden\n"
        "De vergunning als bedoeld in artikel 2:28 wordt geweigerd als de exploitant in enig "
        "opzicht van slecht levensgedrag is.\n"
    )
    result = finding(scan(parse_text(text), rules, kind="apv"), "3.2.2.A")
    assert (result.verdict, result.article, result.reason) == ("present", "2:28", "complete")
    assert [quote.article for quote in result.quotes] == ["2:28a", "2:28"]
    assert "slecht levensgedrag" in result.quote.text
    assert 0 < result.confidence <= 1


def test_preamble_and_cross_references_are_not_the_article(rules):
    text = "\n".join(
        [
            "APV Testdorp",
            "De raad; gelet op artikel 174 van de Gemeentewet en artikel 30c van de Wet op de "
            "kansspelen;",
            "overwegende dat de burgemeester voor het publiek toegankelijke gebouwen kan sluiten;",
            "",
            "Artikel 1:1 Begripsbepalingen",
            "Speelautomatenhal: een speelautomatenhal als bedoeld in artikel 30c van de Wet op de "
            "kansspelen, waarvoor het verboden is zonder vergunning te exploiteren.",
            "Artikel 1:3 Lex silencio positivo",
            "Paragraaf 4.1.3.3 Awb is niet van toepassing op de vergunning als bedoeld in artikel "
            "3:4 (seksinrichting) en de exploitatievergunning als bedoeld in artikel 2:28.",
            "Artikel 2:30a Sluiting woning",
            "De burgemeester kan op grond van artikel 174a van de Gemeentewet een woning of een "
            "niet voor het publiek toegankelijk lokaal sluiten.",
            "Artikel 2:40 Kansspelautomaten",
            "Een aanwezigheidsvergunning als bedoeld in artikel 30b van de Wet op de kansspelen "
            "wordt verleend voor ten hoogste twee kansspelautomaten.",
        ]
    )
    findings = scan(parse_text(text), rules, kind="apv")
    assert {f.requirement: f.verdict for f in findings} == {
        "3.2.1": "absent",
        "3.2.2.A": "absent",
        "3.2.2.B": "absent",
        "3.2.2.C": "absent",
        "3.2.3": "absent",
        "3.2.4": "absent",
        "3.2.5": "absent",
    }


def test_colour_ban_is_a_legal_risk_and_its_absence_is_explained(rules):
    text = (
        "APV\nArtikel 2:73 Verbod uitingen verboden organisaties\n"
        "Het is verboden op een openbare plaats kleding te dragen met uiterlijke kenmerken van een "
        "organisatie die bij rechterlijke uitspraak verboden is verklaard.\n"
    )
    risk = finding(scan(parse_text(text), rules, kind="apv"), "3.2.5")
    assert (risk.verdict, risk.article, risk.propose) == ("risk", "2:73", "none")
    assert "ECLI:NL:HR:2021:1946" in risk.why and "24 december 2021" in risk.why
    absent = finding(scan(parse_text(HORECA_OLD), rules, kind="apv"), "3.2.5")
    assert absent.verdict == "absent" and absent.propose == "none"
    assert "ECLI:NL:HR:2021:1946" in absent.why and "geen tekortkoming" in absent.why


def test_kinds_select_rules(rules):
    document = parse_text(HORECA_OLD)
    assert {f.requirement for f in scan(document, rules, kind="damocles")} == {"3.7"}
    assert len(scan(document, rules)) == len(rules)
    assert guess_kind(parse_text("Notulen van de vergadering\n")) is None
    assert guess_kind(document) == "apv"
    assert guess_kind(parse_text("Algemene plaatselijke verordening Testdorp\n")) == "apv"
    assert guess_kind(parse_text("Beleidsregels Wet Bibob 2022\n")) == "bibob"
    assert guess_kind(parse_text("Damoclesbeleid 2021\n")) == "damocles"


def test_absent_in_an_amending_ordinance_says_so(rules):
    text = (
        "Wijziging\n\nArtikel I\nDe APV wordt als volgt gewijzigd:\nA. Artikel 2:50a vervalt.\n"
        "Artikel II\nDit besluit treedt in werking.\n"
    )
    result = finding(scan(parse_text(text), rules, kind="apv"), "3.2.5")
    assert result.verdict == "absent"
    assert "amending_ordinance" in result.notes and result.confidence < 0.5


def test_finding_round_trips_through_json(rules):
    result = finding(scan(parse_text(HORECA_OLD), rules, kind="apv"), "3.2.2.A")
    data = result.to_dict()
    assert data["quote"]["location"] == "2:28"
    assert Finding.from_dict(data) == result
