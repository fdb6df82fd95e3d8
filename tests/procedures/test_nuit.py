"""Passe de nuit : sanctions constatées une fois, rien écrit au second passage, alertes."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers.models import TitreExecutoire
from etude.models import Evenement
from procedures import services
from procedures.models import (
    Delai,
    InjonctionDePayer,
    PetitesCreances,
    Procedure,
    SaisieAttribution,
    SaisieRemunerations,
    SaisieVente,
)
from procedures.nuit import journee_a_traiter, passe_delais
from tests.factories import creer_dossier, creer_procedure
from tests.procedures.outils import paris

ECRITURES = ("INSERT", "UPDATE", "DELETE")


def ecritures(contexte):
    return [q["sql"] for q in contexte.captured_queries if q["sql"].lstrip().startswith(ECRITURES)]


@pytest.fixture
def saisie_signifiee(clerc):
    procedure = creer_procedure(acteur=clerc, type="saisie_attribution")
    services.saisie_attribution_signifier(
        acteur=clerc, procedure=procedure, signifie_le=paris(2026, 3, 2), tiers_saisi="LCL"
    )
    return procedure


def test_caducite_constatee_une_fois_et_second_passage_sans_ecriture(saisie_signifiee):
    # Dénonciation due au plus tard le mardi 10 mars : la nuit du 9 ne fait rien.
    assert passe_delais(date(2026, 3, 9))["caducites"] == 0
    avant = Evenement.objects.count()
    resultat = passe_delais(date(2026, 3, 10))
    assert (resultat["caducites"], resultat["delais_depasses"], resultat["transitions"]) == (
        1,
        1,
        1,
    )
    procedure = SaisieAttribution.objects.get(pk=saisie_signifiee.pk)
    assert procedure.etat == "caduque"
    assert procedure.etape == "Saisie caduque"
    assert procedure.cloturee_le is not None
    assert Delai.objects.get(procedure=procedure).statut == "depasse"
    # Un seul événement : la transition de la procédure dit aussi le délai dépassé.
    assert Evenement.objects.count() == avant + 1 == avant + resultat["evenements"]
    transition = Evenement.objects.get(action="saisieattribution_constater_caducite")
    assert (transition.acteur, transition.acteur_libelle) == (None, "nuit")
    delai = Delai.objects.get(procedure=procedure)
    assert transition.avant == {"etat": "saisie_signifiee", "delai": delai.pk, "statut": "ouvert"}
    assert transition.apres == {"etat": "caduque", "delai": delai.pk, "statut": "depasse"}
    assert "R211-3" in transition.libelle

    compte = Evenement.objects.count()
    with CaptureQueriesContext(connection) as contexte:
        second = passe_delais(date(2026, 3, 10))
    assert ecritures(contexte) == []
    assert Evenement.objects.count() == compte
    assert (second["caducites"], second["evenements"]) == (0, 0)


def test_plusieurs_lots_tous_traites_une_fois(clerc, monkeypatch):
    """Lots de deux délais : cinq saisies signifiées le lundi 2 mars, dénonciation due au
    mardi 10 mars (R211-3) ; chaque lot verrouille et traite les siens, aucun oublié entre
    deux lots, et un délai pas encore échu (un de plus, signifié le 9) reste ouvert."""
    from procedures import nuit

    monkeypatch.setattr(nuit, "TAILLE_LOT", 2)
    saisies = []
    for jour in (2, 2, 2, 2, 2, 9):
        procedure = creer_procedure(acteur=clerc, type="saisie_attribution")
        services.saisie_attribution_signifier(
            acteur=clerc, procedure=procedure, signifie_le=paris(2026, 3, jour), tiers_saisi="LCL"
        )
        saisies.append(procedure)
    resultat = passe_delais(date(2026, 3, 10))
    assert (resultat["caducites"], resultat["delais_depasses"]) == (5, 5)
    etats = [SaisieAttribution.objects.get(pk=p.pk).etat for p in saisies]
    assert etats == ["caduque"] * 5 + ["saisie_signifiee"]
    assert Delai.objects.get(procedure=saisies[-1]).statut == "ouvert"
    with CaptureQueriesContext(connection) as contexte:
        second = passe_delais(date(2026, 3, 10))
    assert ecritures(contexte) == []
    assert second["caducites"] == 0


def test_delai_d_attente_ecoule_et_etat_avance(clerc):
    vente = creer_procedure(acteur=clerc, type="saisie_vente")
    services.saisie_vente_signifier_commandement(
        acteur=clerc, procedure=vente, le=paris(2026, 3, 2)
    )
    resultat = passe_delais(date(2026, 3, 10))
    assert (resultat["delais_ecoules"], resultat["delais_depasses"]) == (1, 0)
    vente = SaisieVente.objects.get(pk=vente.pk)
    assert vente.etat == "delai_expire"
    assert Delai.objects.get(procedure=vente, code="sv_attente_commandement").statut == "respecte"
    # La saisie reste possible depuis « délai expiré ».
    services.saisie_vente_dresser_pv_carence(acteur=clerc, procedure=vente, le=paris(2026, 3, 11))


def test_peremption_du_commandement_de_saisie_vente(clerc):
    vente = creer_procedure(acteur=clerc, type="saisie_vente")
    services.saisie_vente_signifier_commandement(
        acteur=clerc, procedure=vente, le=paris(2026, 3, 2)
    )
    resultat = passe_delais(date(2028, 3, 2))
    # Une seule passe rattrape les deux délais : l'attente (écoulée) et la validité (R221-5).
    assert (resultat["peremptions"], resultat["delais_ecoules"], resultat["caducites"]) == (
        1,
        1,
        0,
    )
    assert SaisieVente.objects.get(pk=vente.pk).etat == "commandement_perime"


def test_commandement_de_saisie_des_remunerations_caduc_a_trois_mois(clerc):
    procedure = creer_procedure(acteur=clerc, type="saisie_remunerations")
    services.saisie_remunerations_signifier_commandement(
        acteur=clerc, procedure=procedure, le=paris(2026, 1, 5)
    )
    passe_delais(date(2026, 2, 5))  # le mois de L212-2 est écoulé
    assert SaisieRemunerations.objects.get(pk=procedure.pk).etat == "delai_expire"
    assert passe_delais(date(2026, 4, 4))["caducites"] == 0
    # L212-6 : échéance sûre dimanche 5 avril.
    assert passe_delais(date(2026, 4, 5))["caducites"] == 1
    assert SaisieRemunerations.objects.get(pk=procedure.pk).etat == "commandement_caduc"


def test_ordonnance_non_avenue_et_silence_valant_refus(clerc):
    injonction = creer_procedure(acteur=clerc, type="injonction_de_payer")
    services.injonction_de_payer_deposer_requete(
        acteur=clerc,
        procedure=injonction,
        le=date(2026, 1, 5),
        juridiction="TJ Marseille",
        montant_principal=1000,
    )
    services.injonction_de_payer_enregistrer_ordonnance(
        acteur=clerc, procedure=injonction, le=date(2026, 1, 15)
    )
    petites = creer_procedure(acteur=clerc, type="petites_creances")
    services.petites_creances_envoyer_lettre(
        acteur=clerc,
        procedure=petites,
        le=date(2026, 3, 2),
        montant_principal=900,
        montant_interets=0,
    )
    resultat = passe_delais(date(2026, 7, 15))
    assert (resultat["non_avenues"], resultat["refus_implicites"]) == (1, 1)
    assert InjonctionDePayer.objects.get(pk=injonction.pk).etat == "non_avenue"
    petites = PetitesCreances.objects.get(pk=petites.pk)
    assert petites.etat == "refus" and petites.refus_implicite


def test_delai_depasse_sans_sanction_d_etat(clerc):
    procedure = creer_procedure(acteur=clerc, type="saisie_remunerations")
    services.saisie_remunerations_signifier_commandement(
        acteur=clerc, procedure=procedure, le=paris(2026, 1, 5)
    )
    services.saisie_remunerations_inscrire_commandement(
        acteur=clerc, procedure=procedure, le=date(2026, 1, 5)
    )
    services.saisie_remunerations_designer_repartiteur(
        acteur=clerc, procedure=procedure, le=date(2026, 1, 20), repartiteur="Me R"
    )
    services.saisie_remunerations_signifier_pv_saisie(
        acteur=clerc, procedure=procedure, le=paris(2026, 2, 6), employeur="ACME"
    )
    services.saisie_remunerations_denoncer(acteur=clerc, procedure=procedure, le=paris(2026, 2, 9))
    resultat = passe_delais(date(2026, 2, 21))  # déclaration de l'employeur attendue au 21
    assert (resultat["delais_depasses"], resultat["transitions"]) == (1, 0)
    assert SaisieRemunerations.objects.get(pk=procedure.pk).etat == "denoncee"
    assert Evenement.objects.filter(action="delai_depasse").count() == 1


def test_alertes_de_prescription_sans_ecriture(clerc):
    dossier = creer_dossier(acteur=clerc)
    # L111-4 : exécutoire le 15 décembre 2016 -> prescrit le 15 décembre 2026.
    TitreExecutoire.objects.filter(dossier=dossier).update(
        date_titre=date(2016, 11, 2),
        date_signification=date(2016, 12, 15),
        date_force_executoire=date(2016, 12, 15),
    )
    loin = creer_dossier(acteur=clerc)  # titre de 2025 : prescrit en 2035
    conso = creer_dossier(
        acteur=clerc, titre=False, nature="consommation", ouvert_le=date(2025, 1, 10)
    )
    creer_dossier(acteur=clerc, titre=False, nature="consommation", ouvert_le=date(2026, 6, 1))
    with CaptureQueriesContext(connection) as contexte:
        resultat = passe_delais(date(2026, 11, 26), mois_alerte=6)
    assert ecritures(contexte) == []
    alertes = resultat["alertes"]
    titre = TitreExecutoire.objects.get(dossier=dossier)
    assert alertes["titres_ids"] == [titre.pk]
    assert loin.titres.first().pk not in alertes["titres_ids"]
    # L218-2 : ouvert le 10 janvier 2025 -> deux ans le 10 janvier 2027, dans les six mois.
    assert alertes["consommation_dossiers_ids"] == [conso.pk]


def test_commande_delais_nuit(saisie_signifiee):
    sortie = StringIO()
    call_command("delais_nuit", "--date", "2026-03-10", stdout=sortie)
    resultat = json.loads(sortie.getvalue())
    assert resultat["caducites"] == 1
    assert Procedure.objects.get(pk=saisie_signifiee.pk).etape == "Saisie caduque"


def test_journee_a_traiter_apres_21_heures_le_jour_meme():
    assert journee_a_traiter(paris(2026, 3, 10, 21, 30)) == date(2026, 3, 10)
    assert journee_a_traiter(paris(2026, 3, 11, 2, 0)) == date(2026, 3, 10)
