"""Sécurité du rendu PDF : aucune ressource hors des fichiers statiques, bornes de temps et
de mémoire, et l'appelant survit à tout rendu qui échoue."""

from __future__ import annotations

import base64
import io
import os
import signal
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pypdf import PdfReader

from actes import moteur, rendu

NORMAL = "<h1>Acte</h1><p>Texte de l'acte.</p>"


def texte_pdf(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def rend_encore_normalement():
    assert "Texte de l'acte." in texte_pdf(rendu.rendre_pdf(NORMAL))


@pytest.fixture
def enfant_neuf():
    """Un processus de rendu neuf avant et après le test (ses bornes sont lues au démarrage)."""
    rendu._enfant_du_processus().arreter()
    yield rendu._enfant_du_processus()
    rendu._enfant_du_processus().arreter()


@pytest.fixture
def serveur_espion():
    """Serveur HTTP local qui note chaque requête reçue (il ne doit en recevoir aucune)."""
    requetes: list[str] = []

    class Espion(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (nom imposé par http.server)
            requetes.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { background: red }")

        def log_message(self, *args):
            pass

    serveur = ThreadingHTTPServer(("127.0.0.1", 0), Espion)
    fil = threading.Thread(target=serveur.serve_forever, daemon=True)
    fil.start()
    yield f"http://127.0.0.1:{serveur.server_address[1]}", requetes
    serveur.shutdown()
    serveur.server_close()


def test_bombe_de_decompression_omise(settings, enfant_neuf):
    """Une image data: de 270 Ko qui se décompresserait en 256 millions de pixels : Pillow la
    refuse (DecompressionBombError), le document se rend sans elle."""
    bombe = f'<img src="data:image/png;base64,{png_base64(16_000, 16_000)}">'
    assert len(bombe) < moteur.TAILLE_MAX_DATA
    pdf = rendu.rendre_pdf(f"<p>Texte de l'acte.</p>{bombe}")
    assert "Texte de l'acte." in texte_pdf(pdf)
    assert len(pdf) < 200_000


def png_base64(largeur: int, hauteur: int) -> str:
    """PNG gris de `largeur` x `hauteur`, très compressé (une bombe s'il est grand)."""
    ligne = b"\x00" + b"\x80" * largeur
    brut = zlib.compress(ligne * hauteur, 9)

    def bloc(type_, donnees):
        return (
            len(donnees).to_bytes(4, "big")
            + type_
            + donnees
            + zlib.crc32(type_ + donnees).to_bytes(4, "big")
        )

    entete = largeur.to_bytes(4, "big") + hauteur.to_bytes(4, "big") + b"\x08\x00\x00\x00\x00"
    png = b"\x89PNG\r\n\x1a\n" + bloc(b"IHDR", entete) + bloc(b"IDAT", brut) + bloc(b"IEND", b"")
    return base64.b64encode(png).decode()


def test_ni_reseau_ni_disque_depuis_le_gabarit_ou_un_champ(serveur_espion):
    adresse, requetes = serveur_espion
    html = f"""<!DOCTYPE html><html><head>
    <base href="{adresse}/">
    <link rel="stylesheet" href="{adresse}/feuille.css">
    <link rel="stylesheet" href="file:///etc/passwd">
    <link rel="attachment" href="file:///etc/passwd">
    <link rel="attachment" href="{adresse}/piece.txt">
    <style>
      @import url("{adresse}/import.css");
      @import "file:///etc/passwd";
      @font-face {{ font-family: Pirate; src: url({adresse}/police.woff); }}
      body {{ background: url({adresse}/fond.png); font-family: Pirate; }}
      h1::before {{ content: url("file:///etc/passwd"); }}
      p {{ list-style-image: url({adresse}/puce.png); }}
    </style></head><body>
    <h1>Acte</h1>
    <p>Débiteur : <img src="file:///etc/passwd"> <img src="{adresse}/image.png"></p>
    <p style="background-image: url('{adresse}/style.png')">Texte de l'acte.</p>
    <object data="file:///etc/passwd"></object>
    <embed src="{adresse}/embed.pdf">
    <iframe src="{adresse}/cadre.html"></iframe>
    <svg width="10" height="10"><image href="{adresse}/svg.png" width="10" height="10"/>
      <image href="file:///etc/passwd" width="10" height="10"/></svg>
    <img src="relatif.png">
    </body></html>"""
    pdf = rendu.rendre_pdf(html, pied=rendu.Pied(reference_dossier=f"{adresse}/pied"))
    assert requetes == []
    assert "Texte de l'acte." in texte_pdf(pdf)
    assert b"root:" not in pdf
    assert b"/EmbeddedFile" not in pdf


def test_champ_saisi_qui_contient_une_balise_est_echappe_par_django(serveur_espion):
    from django.template import Context, Template

    adresse, requetes = serveur_espion
    gabarit = Template("<p>Débiteur : {{ nom }}</p>")
    nom = f'<img src="{adresse}/x.png"><link rel="attachment" href="file:///etc/passwd">'
    pdf = rendu.rendre_pdf(gabarit.render(Context({"nom": nom})))
    assert requetes == []
    assert f'<img src="{adresse}/x.png">' in " ".join(texte_pdf(pdf).split())


@pytest.mark.parametrize(
    "css",
    [
        "p { margin-left: 1e300px }",
        "p { width: 99999999999999999999999999px; height: 1e40px }",
        "p { font-size: 1e10px }",
        "p { letter-spacing: 1e20px; word-spacing: -1e20px }",
        "p { border: 1e30px solid black }",
        "p { padding: 1e15mm }",
        "p { column-count: 100000000 }",
        "p { counter-increment: c 99999999999999999999 } p::after { content: counter(c) }",
        "p::before { content: '" + "x" * 200_000 + "' }",
        "p { transform: scale(1e30) rotate(1e30deg) }",
        "@page { size: 1e20mm 1e20mm }",
        "@page { size: 0.0001mm 0.0001mm }",
        "p { line-height: 1e20 }",
        "p { orphans: 2147483647; widows: 2147483647 }",
        "p { font-family: " + ", ".join(f"Police{i}" for i in range(5000)) + " }",
        "p { tab-size: 1e30 }",
    ],
)
def test_valeur_css_enorme_rend_ou_echoue_proprement(css, settings, enfant_neuf):
    settings.RENDU_DELAI_S = 30
    try:
        pdf = rendu.rendre_pdf(f"<style>{css}</style><p>Texte de l'acte.</p>")
    except rendu.RenduImpossible as erreur:
        assert str(erreur)  # message français, l'appelant vit
    else:
        assert pdf.startswith(b"%PDF")
    rend_encore_normalement()


def test_html_au_dela_de_la_limite_refuse_sans_rendu():
    with pytest.raises(rendu.RenduImpossible, match="Document trop volumineux"):
        rendu.rendre_pdf("<p>" + "é" * (moteur.TAILLE_MAX_HTML + 1) + "</p>")


def test_html_enorme_sous_la_limite_interrompu_par_le_delai(settings, enfant_neuf):
    settings.RENDU_DELAI_S = 2
    html = "<table>" + "<tr><td>cellule</td><td>1,00</td></tr>" * 100_000 + "</table>"
    assert len(html) < moteur.TAILLE_MAX_HTML
    with pytest.raises(rendu.RenduImpossible, match="a dépassé 2 s"):
        rendu.rendre_pdf(html)
    settings.RENDU_DELAI_S = 60
    rend_encore_normalement()


def test_rendu_qui_depasse_la_memoire_echoue_et_le_suivant_passe(settings, enfant_neuf):
    # Espace d'adresses de l'enfant : ≈ 380 Mo pour WeasyPrint chargé et un petit acte ;
    # les boîtes de 60 000 cellules en demandent bien plus que 450 (mesuré : la borne est
    # atteinte en 10 à 20 s sur la machine partagée, délai 120 s pour ne juger que la mémoire).
    settings.RENDU_MEMOIRE_MO = 450
    settings.RENDU_DELAI_S = 120
    html = "<table>" + "<tr><td>cellule</td><td>1,00</td></tr>" * 30_000 + "</table>"
    with pytest.raises(rendu.RenduImpossible, match="mémoire"):
        rendu.rendre_pdf(html)
    settings.RENDU_MEMOIRE_MO = 1024
    rend_encore_normalement()


def test_moteur_tue_en_plein_rendu_leve_une_erreur_et_repart(settings, enfant_neuf):
    settings.RENDU_DELAI_S = 60
    rend_encore_normalement()
    processus = enfant_neuf.processus
    lourd = "<p>" + "texte " * 200 + "</p>"
    minuteur = threading.Timer(0.3, os.kill, (processus.pid, signal.SIGKILL))
    minuteur.start()
    try:
        with pytest.raises(rendu.RenduImpossible, match="s'est arrêté"):
            rendu.rendre_pdf(lourd * 3000)
    finally:
        minuteur.cancel()
    rend_encore_normalement()
    assert enfant_neuf.processus.pid != processus.pid


def test_moteur_qui_grossit_est_remplace(settings, enfant_neuf):
    settings.RENDU_CROISSANCE_MAX_MO = 60
    rend_encore_normalement()
    premier = enfant_neuf.processus
    rend_encore_normalement()
    assert enfant_neuf.processus is premier
    # Toute croissance dépasse une marge négative : remplacé après le rendu.
    settings.RENDU_CROISSANCE_MAX_MO = -1000
    rend_encore_normalement()
    assert enfant_neuf.processus is None
    settings.RENDU_CROISSANCE_MAX_MO = 60
    rend_encore_normalement()
    assert enfant_neuf.processus.pid != premier.pid
