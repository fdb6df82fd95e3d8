"""Créancier personne physique (CPC 648 2° a) : le socle porte profession, nationalité, date
et lieu de naissance ; la rédaction les reprend, le contrôle les exige, le formulaire de
création les enregistre et la fiche du dossier les montre."""

from __future__ import annotations

from datetime import date

import pytest

from actes import conformite
from actes.services import acte_controler, texte_acte
from tests.factories import creer_creancier

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _references(tarif_complet, textes_complets):
    """Tarif et textes complétés comme un administrateur le ferait (voir conftest)."""


def _creancier_physique(etude, **extra):
    valeurs = {
        "type_personne": "physique",
        "civilite": "Mme",
        "nom": "Bernard",
        "prenoms": "Claire Anne",
        "raison_sociale": "",
        "forme_juridique": "",
        "profession": "pharmacienne",
        "nationalite": "française",
        "date_naissance": date(1968, 4, 2),
        "lieu_naissance": "Tours (Indre-et-Loire)",
        "adresse": "3 rue Nationale",
        "code_postal": "37000",
        "ville": "Tours",
        "agit_pour_besoins_professionnels": False,
    }
    valeurs.update(extra)
    return creer_creancier(etude=etude, **valeurs)


def _mener(acteur, creancier, debiteur, type_acte="commandement_saisie_vente"):
    from actes.demo import dossier_pour, mener

    dossier = dossier_pour(
        acteur=acteur, creancier=creancier, debiteur=debiteur, type_acte=type_acte
    )
    return mener(acteur=acteur, dossier=dossier, type_acte=type_acte, finaliser=False)


def test_l_acte_reprend_l_identite_du_creancier_personne_physique(etude, acteur, debiteur):
    creancier = _creancier_physique(etude)
    issue = _mener(acteur, creancier, debiteur)
    acte = issue.acte
    requerant = acte.donnees["requerant"]
    assert requerant["type"] == "physique"
    assert requerant["profession"] == "pharmacienne"
    assert requerant["nationalite"] == "française"
    assert requerant["date_naissance"] == "02/04/1968"
    assert requerant["lieu_naissance"] == "Tours (Indre-et-Loire)"
    texte = conformite.texte_lisible(texte_acte(acte))
    assert "pharmacienne" in texte and "française" in texte
    assert "02/04/1968" in texte and "Tours (Indre-et-Loire)" in texte
    rapport = acte_controler(acte)
    assert rapport.conforme, rapport.resume()
    assert rapport.echec("A648-2a") is None
    assert "A648-2a" in {r.mention.id for r in rapport.resultats}


@pytest.mark.parametrize("champ", ["profession", "nationalite", "lieu_naissance"])
def test_sans_un_element_d_identite_le_controle_echoue_sur_648_2a(etude, acteur, debiteur, champ):
    creancier = _creancier_physique(etude, **{champ: ""})
    acte = _mener(acteur, creancier, debiteur).acte
    rapport = acte_controler(acte)
    echec = rapport.echec("A648-2a")
    assert echec is not None
    assert f"requerant/{champ}" in echec.manques_donnees
    assert not rapport.conforme


def test_sans_date_de_naissance_le_controle_echoue(etude, acteur, debiteur):
    creancier = _creancier_physique(etude, date_naissance=None)
    rapport = acte_controler(_mener(acteur, creancier, debiteur).acte)
    echec = rapport.echec("A648-2a")
    assert echec is not None
    assert "requerant/date_naissance" in echec.manques_donnees


def test_date_de_naissance_future_refusee(etude):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as erreur:
        _creancier_physique(etude, date_naissance=date(2999, 1, 1))
    assert "date_naissance" in erreur.value.message_dict
