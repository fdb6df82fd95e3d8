"""Le module de rendu PDF (actes.rendu) : pied, PDF/A, fichiers statiques seulement."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from actes import moteur, rendu

ACTE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>Commandement de payer</title></head><body>
<h1>Commandement de payer aux fins de saisie-vente</h1>
{corps}
</body></html>"""


def texte_pdf(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_acte_porte_son_pied_et_son_folio_sur_chaque_page():
    corps = '<p class="saut-de-page">Suite</p>'.join(["<p>Premier feuillet.</p>"] * 3)
    pdf = rendu.rendre_acte_pdf(
        ACTE.format(corps=corps), reference_dossier="2026-00042", code_acte="CPSV", initiales="MD"
    )
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 3
    for numero, page in enumerate(pages, start=1):
        texte = page.extract_text()
        assert "Dossier 2026-00042 · Acte CPSV · Clerc MD" in texte
        assert f"Page {numero} / 3" in texte


def test_acte_est_un_pdf_a_3b():
    pdf = rendu.rendre_acte_pdf(
        ACTE.format(corps="<p>Texte.</p>"), reference_dossier="D1", code_acte="PVC", initiales="AB"
    )
    assert pdf.startswith(b"%PDF-1.7")
    lecteur = PdfReader(io.BytesIO(pdf))
    xmp = lecteur.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp
    assert 'pdfaid:conformance="B"' in xmp
    assert "/OutputIntents" in lecteur.trailer["/Root"]


def test_lettre_sans_pdfa_ni_pied():
    pdf = rendu.rendre_pdf("<p>Madame, Monsieur,</p>", pdfa=False)
    texte = texte_pdf(pdf)
    assert "Madame, Monsieur," in texte
    assert "Dossier" not in texte
    assert "Page 1 / 1" in texte
    assert "/Metadata" not in PdfReader(io.BytesIO(pdf)).trailer["/Root"]


@pytest.mark.parametrize("manquant", ["reference_dossier", "code_acte", "initiales"])
def test_acte_sans_mention_de_pied_refuse(manquant):
    mentions = {"reference_dossier": "D1", "code_acte": "PVC", "initiales": "AB"}
    mentions[manquant] = "  "
    with pytest.raises(rendu.RenduImpossible, match="Pied de l'acte incomplet"):
        rendu.rendre_acte_pdf("<p>x</p>", **mentions)


def test_pied_hostile_reste_du_texte():
    """Une référence saisie ne peut ni fermer la chaîne CSS du pied ni ajouter une règle."""
    hostile = 'X"; } @page { @top-left { content: "PIRATE" } } @import url(http://a.b/c); "'
    pdf = rendu.rendre_pdf("<p>Corps.</p>", pied=rendu.Pied(reference_dossier=hostile))
    texte = texte_pdf(pdf)
    assert "PIRATE\n" not in texte.replace(hostile, "")
    assert 'Dossier X"; }' in texte


def test_feuille_du_gabarit_servie_depuis_les_statiques():
    chemin = moteur.resoudre_statique(
        moteur.BASE_URL + "static/comptabilite/decompte_pdf.css", rendu.racines_statiques()
    )
    assert chemin.endswith("comptabilite/static/comptabilite/decompte_pdf.css")
    assert moteur.resoudre_statique(
        moteur.BASE_URL + "static/actes/acte.css", rendu.racines_statiques()
    ).endswith("actes/static/actes/acte.css")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://exemple.fr/image.png",
        "https://exemple.fr/static/actes/acte.css",
        "ftp://exemple.fr/x",
        "https://etude.invalid/media/pieces/secret.pdf",
        "https://etude.invalid/static/../settings.py",
        "https://etude.invalid/static/%2e%2e/etude/settings.py",
        "https://etude.invalid/static/actes/..%2F..%2Fmoteur.py",
        "https://etude.invalid/static//etc/passwd",
        "https://etude.invalid/static/actes/acte.css%00.png",
        "data:text/plain,bonjour",
        "data:text/html;base64,PHA+eDwvcD4=",
        "data:image/svg+xml;base64,PHN2Zy8+",
        "data:image/png,pasbase64",
    ],
)
def test_recuperateur_refuse_tout_sauf_les_statiques(url):
    with pytest.raises(moteur.RessourceRefusee):
        moteur.recuperer(url, rendu.racines_statiques())


def test_recuperateur_admet_une_petite_image_png_en_data():
    # PNG 1x1 transparent.
    png = (
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAC"
        "hwGA60e6kgAAAABJRU5ErkJggg=="
    )
    reponse = moteur.recuperer("data:image/png;base64," + png, ())
    assert reponse.read().startswith(b"\x89PNG")


def test_html_trop_volumineux_refuse_en_francais():
    with pytest.raises(rendu.RenduImpossible, match="Document trop volumineux"):
        rendu.rendre_pdf("<p>" + "x" * (moteur.TAILLE_MAX_HTML + 1) + "</p>")
