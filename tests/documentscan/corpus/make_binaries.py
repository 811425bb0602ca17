"""Writes the two binary files of the corpus, apv-docx.docx and apv-pdf.pdf, from the texts
below, so that what they contain can be read and reviewed here.

    .venv/bin/python tests/documentscan/corpus/make_binaries.py

The DOCX uses Word's heading and list styles (list numbers are not part of the text, as in real
Word files); the PDF has a running header, page numbers and text that wraps and hyphenates across
lines and pages, as an APV printed from the Gemeenteblad does.
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent

DOCX_TITLE = "Algemene plaatselijke verordening Veenhoven 2022"
DOCX_BLOCKS = [
    ("p", "De raad van de gemeente Veenhoven;"),
    ("p", "gelet op artikel 149 van de Gemeentewet;"),
    ("p", "besluit vast te stellen de Algemene plaatselijke verordening Veenhoven 2022."),
    ("h1", "Hoofdstuk 2 Openbare orde"),
    ("h2", "Artikel 2:9 Evenement"),
    ("p", "1. Het is verboden zonder vergunning van de burgemeester een evenement te "
          "organiseren."),
    ("p", "2. De burgemeester kan de vergunning weigeren in het belang van de openbare orde."),
    ("h2", "Artikel 2:28 Exploitatievergunning"),
    ("p", "1. Het is verboden zonder vergunning van de burgemeester een horecabedrijf te "
          "exploiteren."),
    ("p", "2. De burgemeester weigert de vergunning als:"),
    ("li", "de exploitant of leidinggevende in enig opzicht van slecht levensgedrag is;"),
    ("li", "de exploitatie in strijd is met het omgevingsplan."),
    ("h2", "Artikel 2:30b Sluiting van voor het publiek toegankelijke gebouwen"),
    ("p", "De burgemeester kan een voor het publiek toegankelijk gebouw sluiten als de openbare "
          "orde daartoe aanleiding geeft."),
    ("h2", "Artikel 2:43 Vergunningplicht aangewezen branches"),
    ("p", "Het is verboden zonder vergunning van de burgemeester in een door de raad aangewezen "
          "gebied een bedrijf te exploiteren dat behoort tot een door het college aangewezen "
          "branche."),
    ("h1", "Hoofdstuk 3 Seksbranche"),
    ("h2", "Artikel 3:3 Vergunning"),
    ("p", "Het is verboden zonder vergunning van de burgemeester een seksinrichting of "
          "escortbedrijf te exploiteren."),
    ("p", "Aldus vastgesteld in de openbare vergadering van 7 juli 2022."),
    ("h1", "Bijlage Overzicht vergunningen"),
    ("table", [
        ["Vergunning", "Artikel", "Weigeringsgrond"],
        ["Speelautomatenhal", "2:39", "slecht levensgedrag"],
        ["Exploitatievergunning", "2:28", "slecht levensgedrag"],
    ]),
]  # fmt: skip

PDF_HTML = """<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><style>
@page { size: A5; margin: 2cm 1.5cm;
  @top-center { content: "Gemeenteblad 2021 nr. 44512 - APV Lindenoord"; font-size: 8pt; }
  @bottom-center { content: "Pagina " counter(page) " van " counter(pages); font-size: 8pt; } }
body { font: 10pt serif; hyphens: auto; text-align: justify; }
h2, h3 { font-size: 10pt; }
</style></head><body>
<p>Algemene plaatselijke verordening Lindenoord 2021</p>
<p>De raad van de gemeente Lindenoord; gelet op artikel 149 en artikel 174 van de Gemeentewet;
besluit vast te stellen de Algemene plaatselijke verordening Lindenoord 2021.</p>
<h2>Hoofdstuk 2 Openbare orde</h2>
<h3>Afdeling 3 Evenementen</h3>
<h3>Artikel 2:24 Begripsbepaling</h3>
<p>In deze afdeling wordt verstaan onder evenement: elke voor publiek toegankelijke verrichting
van vermaak, met uitzondering van bioscoopvoorstellingen, markten, kermissen en betogingen.</p>
<h3>Artikel 2:25 Evenement</h3>
<p>1. Het is verboden zonder vergunning van de burgemeester een evenement te organiseren.</p>
<p>2. Het is verboden zonder vergunning van de burgemeester een vechtsportevenement te
organiseren. De burgemeester stelt nadere regels over de veiligheid van deelnemers en publiek
bij vechtsportevenementen.</p>
<p>3. De burgemeester kan de vergunning weigeren als de organisator in enig opzicht van slecht
levensgedrag is.</p>
<h3>Afdeling 8 Toezicht op openbare inrichtingen</h3>
<h3>Artikel 2:28 Exploitatievergunning</h3>
<p>1. Het is verboden een openbare inrichting te exploiteren zonder vergunning van de
burgemeester.</p>
<p>2. De burgemeester kan de vergunning weigeren als de woon- en leefsituatie in de omgeving
van de openbare inrichting op ontoelaatbare wijze nadelig wordt beïnvloed door de aanwezigheid
van de openbare inrichting, waarbij hij rekening houdt met het karakter van de straat en de
wijk, de spreiding van openbare inrichtingen en de aard van de inrichting.</p>
<h3>Artikel 2:30 Afwijking sluitingstijd; tijdelijke sluiting</h3>
<p>De burgemeester kan in het belang van de openbare orde, veiligheid of gezondheid voor een of
meer openbare inrichtingen tijdelijk andere sluitingstijden vaststellen of tijdelijk sluiting
bevelen.</p>
<h3>Artikel 2:39 Speelgelegenheden</h3>
<p>1. Het is verboden zonder vergunning van de burgemeester een speelautomatenhal te
exploiteren.</p>
<p>2. De burgemeester weigert de vergunning als de exploitant of de beheerder in enig opzicht
van slecht levensgedrag is.</p>
<h3>Artikel 2:50a Verbod op zichtbare uitingen van verboden organisaties</h3>
<p>Het is verboden op openbare plaatsen zichtbaar kleding of goederen te dragen die uiterlijke
kenmerken vertonen van een organisatie die bij rechterlijke uitspraak verboden is verklaard.</p>
<h2>Hoofdstuk 3 Seksinrichtingen</h2>
<h3>Artikel 3:4 Vergunning</h3>
<p>1. Het is verboden zonder vergunning van de burgemeester een seksinrichting of
escortbedrijf te exploiteren.</p>
<p>2. De burgemeester weigert de vergunning als de exploitant of beheerder in enig opzicht van
slecht levensgedrag is.</p>
<p>Aldus vastgesteld in de openbare vergadering van 16 december 2021.</p>
</body></html>"""


def write_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading(DOCX_TITLE, level=0)
    for kind, content in DOCX_BLOCKS:
        if kind == "p":
            document.add_paragraph(content)
        elif kind == "li":
            document.add_paragraph(content, style="List Number")
        elif kind in {"h1", "h2"}:
            document.add_heading(content, level=int(kind[1]))
        elif kind == "table":
            table = document.add_table(rows=len(content), cols=len(content[0]))
            for row, values in zip(table.rows, content, strict=True):
                for cell, value in zip(row.cells, values, strict=True):
                    cell.text = value
    document.core_properties.title = DOCX_TITLE
    document.save(path)


def write_pdf(path: Path) -> None:
    import weasyprint

    weasyprint.HTML(string=PDF_HTML).write_pdf(path)


if __name__ == "__main__":
    write_docx(HERE / "apv-docx.docx")
    write_pdf(HERE / "apv-pdf.pdf")
    print("wrote apv-docx.docx and apv-pdf.pdf")
