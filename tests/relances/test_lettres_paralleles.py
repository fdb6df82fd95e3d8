"""Fichier des lettres du jour rendu par morceaux dans deux enfants de rendu à la fois
(`actes.rendu.rendre_pdfs`), puis assemblé dans l'ordre (pypdf)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from actes import moteur, rendu
from relances.lettres import taille_des_morceaux


def _texte(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_rendre_pdfs_garde_l_ordre_et_travaille_dans_deux_enfants():
    documents = [f"<p>Document numéro {n}</p>" for n in range(6)]
    pdfs = rendu.rendre_pdfs(iter(documents), pdfa=False, paralleles=2)
    assert [f"Document numéro {n}" in _texte(pdf)[0] for n, pdf in enumerate(pdfs)] == [True] * 6
    enfants = rendu._enfants_du_processus(2)
    pids = {e.processus.pid for e in enfants if e.processus is not None}
    assert len(pids) == 2
    assert all(e.rendus >= 1 for e in enfants)  # chacun a rendu au moins un document


def test_rendre_pdfs_refuse_un_document_trop_gros_en_francais():
    trop = "<p>" + "x" * (moteur.TAILLE_MAX_HTML + 1) + "</p>"
    with pytest.raises(rendu.RenduImpossible, match="Document trop volumineux"):
        rendu.rendre_pdfs(["<p>court</p>", trop], pdfa=False, paralleles=2)


def test_rendre_pdfs_fait_remonter_l_echec_d_un_rendu(settings):
    settings.RENDU_DELAI_S = 0.001  # aucun rendu ne tient en une milliseconde
    with pytest.raises(rendu.RenduImpossible, match="a dépassé"):
        rendu.rendre_pdfs(["<p>un</p>", "<p>deux</p>"], pdfa=False, paralleles=2)
    settings.RENDU_DELAI_S = 60
    # Les enfants tués sont remplacés au rendu suivant.
    assert len(rendu.rendre_pdfs(["<p>un</p>", "<p>deux</p>"], pdfa=False)) == 2


@pytest.mark.parametrize(
    ("nombre", "paralleles", "attendu"),
    [(40, 2, 20), (200, 2, 40), (3, 2, 2), (1, 2, 1), (0, 2, 1), (81, 1, 40)],
)
def test_taille_des_morceaux(nombre, paralleles, attendu):
    assert taille_des_morceaux(nombre, paralleles) == attendu


@pytest.mark.django_db
def test_fichier_du_jour_en_morceaux_paralleles_dans_l_ordre(
    clerc, heures_ouvertes, settings, tmp_path
):
    """45 lettres, deux enfants : liste en tête, puis une page par lettre dans l'ordre des
    envois (morceaux de 23 et 22 rendus en même temps)."""
    from relances.lettres import lettres_du_jour
    from relances.models import Envoi
    from relances.services.campagnes import campagne_lancer, scenario_affecter

    from .conftest import creer_dossier_joignable, creer_scenario

    settings.MEDIA_ROOT = tmp_path
    settings.RENDU_PARALLELES = 2
    le = date(2026, 11, 2)
    scenario = creer_scenario(etude=clerc.etude, etapes=[{"apres_jours": 0, "canal": "lettre"}])
    for _ in range(45):
        dossier = creer_dossier_joignable(acteur=clerc)
        scenario_affecter(acteur=clerc, dossier=dossier, scenario=scenario, le=le)
    campagne_lancer(etude=clerc.etude, le=le)
    lot = lettres_du_jour(etude_id=clerc.etude_id, le=le)
    assert lot.nombre == 45
    pages = _texte(lot.fichier.read())
    assert "45 lettres à imprimer" in pages[0]
    references = [
        f"{e.dossier.reference}/L{e.pk}"
        for e in Envoi.objects.filter(lot=lot).select_related("dossier").order_by("id")
    ]
    lettres = pages[len(pages) - 45 :]
    assert len(lettres) == 45
    for reference, page in zip(references, lettres, strict=True):
        assert f"Lettre {reference}" in page
