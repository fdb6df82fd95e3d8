"""Contrôle de conformité, piloté par la table des mentions (actes.types) : pour chaque type,
l'acte de la démonstration passe son contrôle, et retirer tour à tour chaque élément
obligatoire — une donnée du brouillon, ou sa valeur ou sa formule dans le texte final — fait
échouer le contrôle sur cette mention, avec son article et sa sanction."""

from __future__ import annotations

import copy

import pytest

from actes import conformite
from actes.demo import SCENARIOS
from actes.services import acte_controler, donnees_controle, texte_acte
from actes.types import TYPES, mentions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _references(tarif_complet, textes_complets):
    """Tarif et textes complétés comme un administrateur le ferait (voir conftest)."""


@pytest.mark.parametrize("type_acte", list(SCENARIOS))
def test_l_acte_de_la_demo_passe_son_controle(mener_acte, type_acte):
    issue = mener_acte(type_acte, finaliser=False)
    assert issue.acte is not None, issue.message
    rapport = acte_controler(issue.acte)
    assert rapport.conforme, rapport.resume()
    assert {r.mention.id for r in rapport.resultats} >= {"A648-1", "A648-3"}


def _retirer(donnees, chemin):
    d = copy.deepcopy(donnees)
    *parents, feuille = chemin.split("/")
    courant = d
    for p in parents:
        courant = courant[p]
    del courant[feuille]
    return d


@pytest.mark.parametrize("type_acte", list(SCENARIOS))
def test_retirer_chaque_element_obligatoire_fait_echouer_sa_mention(mener_acte, type_acte):
    acte = mener_acte(type_acte, finaliser=False).acte
    genre = TYPES[type_acte]
    donnees = donnees_controle(acte)
    texte = texte_acte(acte)
    lisible = conformite.texte_lisible(texte)
    essais = 0
    for mention in mentions(genre):
        if not mention.applicable(donnees):
            continue
        for chemin in mention.champs:
            # La donnée absente du brouillon.
            rapport = conformite.controler(genre, _retirer(donnees, chemin), texte)
            echec = rapport.echec(mention.id)
            assert echec is not None, f"{mention.id} : {chemin} retiré sans échec"
            assert chemin in echec.manques_donnees
            assert mention.article in echec.message and mention.sanction in echec.message
            # Sa valeur absente du texte final.
            for attendu in conformite._attendus(conformite.valeur(donnees, chemin)):
                sans = lisible.replace(attendu, "")
                rapport = conformite.controler(genre, donnees, sans)
                assert rapport.echec(mention.id) is not None, (
                    f"{mention.id} : « {attendu} » retiré du texte sans échec"
                )
                essais += 1
        for phrase in mention.phrases:
            phrase = conformite.normaliser(phrase)
            sans = lisible.casefold().replace(phrase.casefold(), "")
            rapport = conformite.controler(genre, donnees, sans)
            echec = rapport.echec(mention.id)
            assert echec is not None, f"{mention.id} : formule retirée sans échec"
            assert echec.manques_texte
            essais += 1
    assert essais >= 3


def test_le_rapport_dit_quelle_mention_manque_et_pourquoi(mener_acte):
    acte = mener_acte("denonciation_saisie_attribution", finaliser=False).acte
    donnees = donnees_controle(acte)
    del donnees["delais"]["contestation"]
    rapport = conformite.controler(TYPES["denonciation_saisie_attribution"], donnees, None)
    assert not rapport.conforme
    assert rapport.resume() == (
        "SAD-3 — Date d'expiration du délai de contestation (CPCE R211-3 2°, sanction : "
        "nullité (CPC 114, 649 : sur grief)) : donnée absente du brouillon : "
        "delais/contestation."
    )


def test_la_date_de_contestation_de_la_denonciation_est_celle_de_r211_11(mener_acte):
    # Dénonciation du 20/01/2026 : un mois (CPC 641) -> vendredi 20/02/2026, jour ouvrable.
    acte = mener_acte("denonciation_saisie_attribution", finaliser=False).acte
    assert acte.donnees["delais"]["contestation"] == "20/02/2026"


def test_la_provision_de_la_saisie_attribution_figure_au_decompte(mener_acte):
    acte = mener_acte("saisie_attribution", finaliser=False).acte
    decompte = acte.donnees["decompte"]
    assert decompte["principal"] == "4\u202f250,00 €"
    assert decompte["frais"] == "800,00 €"
    assert decompte["provision"]
    # 14/01/2026 + un mois = 14/02/2026, samedi -> lundi 16/02/2026 : 33 jours (CPC 642).
    assert decompte["provision_detail"].startswith("33 jours")
