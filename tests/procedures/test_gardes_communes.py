"""Ce qui vaut pour toutes les procédures : ouverture, surendettement, autre étude, étape après
une sanction, approbations des dossiers complexes, audit, transitions concurrentes."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_fsm import ConcurrentTransition

from dossiers.models import Debiteur
from etude.errors import RegleMetier
from etude.models import Evenement
from procedures import services
from procedures.models import Approbation, Procedure, SaisieAttribution
from procedures.nuit import passe_delais
from tests.factories import (
    creer_debiteur,
    creer_dossier,
    creer_procedure,
    creer_regle_approbation,
)
from tests.procedures.outils import paris


def rendre_surendette(debiteur):
    Debiteur.objects.filter(pk=debiteur.pk).update(
        surendettement_statut="recevable", surendettement_decision=date(2026, 2, 10)
    )


# --- Ouverture -------------------------------------------------------------------------------


def test_ouvrir_ecrit_la_procedure_et_son_evenement(clerc):
    procedure = creer_procedure(acteur=clerc, type="saisie_vente")
    assert isinstance(Procedure.objects.get(pk=procedure.pk).specifique, type(procedure))
    assert procedure.etat == "ouverte"
    assert procedure.etape == "Ouverte : commandement à signifier"
    evenement = Evenement.objects.get(action="procedure_ouvrir")
    assert (evenement.acteur, evenement.dossier_id) == (clerc, procedure.dossier_id)


def test_une_saisie_sans_titre_est_refusee(clerc):
    dossier = creer_dossier(acteur=clerc, titre=False)
    with pytest.raises(RegleMetier, match="L111-2"):
        services.procedure_ouvrir(
            acteur=clerc,
            dossier=dossier,
            debiteur=dossier.debiteurs.first(),
            type="saisie_attribution",
        )
    assert not Procedure.objects.exists()


def test_un_debiteur_hors_du_dossier_est_refuse(clerc):
    dossier = creer_dossier(acteur=clerc)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.procedure_ouvrir(
            acteur=clerc,
            dossier=dossier,
            debiteur=creer_debiteur(etude=clerc.etude, nom="Tiers"),
            type="saisie_vente",
            titre=dossier.titres.first(),
        )


def test_lecture_seule_ne_peut_pas_ouvrir(clerc, lecture):
    dossier = creer_dossier(acteur=clerc)
    with pytest.raises(PermissionDenied):
        services.procedure_ouvrir(
            acteur=lecture,
            dossier=dossier,
            debiteur=dossier.debiteurs.first(),
            type="saisie_vente",
            titre=dossier.titres.first(),
        )


# --- Surendettement (C. consom. L722-2, DOMAINE décision 14) -------------------------------


def test_surendettement_recevable_interdit_d_ouvrir_une_saisie(clerc):
    dossier = creer_dossier(acteur=clerc)
    debiteur = dossier.debiteurs.first()
    rendre_surendette(debiteur)
    debiteur.refresh_from_db()
    with pytest.raises(RegleMetier, match="L722-2.*10/02/2026"):
        services.procedure_ouvrir(
            acteur=clerc,
            dossier=dossier,
            debiteur=debiteur,
            type="saisie_attribution",
            titre=dossier.titres.first(),
        )


def test_surendettement_recevable_bloque_l_etape_et_dit_pourquoi(clerc):
    procedure = creer_procedure(acteur=clerc, type="saisie_attribution")
    rendre_surendette(procedure.debiteur)
    procedure = SaisieAttribution.objects.get(pk=procedure.pk)
    with pytest.raises(RegleMetier, match="L722-2.*suspendues"):
        services.saisie_attribution_signifier(
            acteur=clerc, procedure=procedure, signifie_le=paris(2026, 3, 2), tiers_saisi="LCL"
        )
    # L'expulsion n'est pas suspendue de plein droit (L722-6 : décision du juge).
    expulsion = creer_procedure(acteur=clerc, type="expulsion", dossier=procedure.dossier)
    services.expulsion_signifier_commandement(
        acteur=clerc, procedure=expulsion, le=paris(2026, 3, 2), prefet_saisi_le=date(2026, 3, 2)
    )


# --- Autre étude ---------------------------------------------------------------------------


def test_une_etape_sur_le_dossier_d_une_autre_etude_est_refusee(clerc, autre_etude):
    procedure = creer_procedure(acteur=clerc, type="saisie_attribution")
    with pytest.raises(PermissionDenied):
        services.saisie_attribution_signifier(
            acteur=autre_etude,
            procedure=procedure,
            signifie_le=paris(2026, 3, 2),
            tiers_saisi="LCL",
        )
    procedure.refresh_from_db()
    assert procedure.etat == "ouverte"


# --- Après une sanction -------------------------------------------------------------------


def test_apres_la_caducite_toute_etape_est_refusee(clerc):
    procedure = creer_procedure(acteur=clerc, type="saisie_attribution")
    services.saisie_attribution_signifier(
        acteur=clerc, procedure=procedure, signifie_le=paris(2026, 3, 2), tiers_saisi="LCL"
    )
    passe_delais(date(2026, 3, 10))  # dénonciation non faite au mardi 10 mars
    procedure = SaisieAttribution.objects.get(pk=procedure.pk)
    assert procedure.etat == "caduque"
    with pytest.raises(RegleMetier, match="R211-3 : la saisie est caduque"):
        services.saisie_attribution_denoncer(
            acteur=clerc, procedure=procedure, le=paris(2026, 3, 9)
        )
    with pytest.raises(RegleMetier, match="aucune étape"):
        services.saisie_attribution_abandonner(acteur=clerc, procedure=procedure, motif="test")


def test_etape_hors_de_l_ordre_refusee_avec_un_message(clerc):
    procedure = creer_procedure(acteur=clerc, type="saisie_attribution")
    with pytest.raises(RegleMetier, match="pas possible dans l'état"):
        services.saisie_attribution_denoncer(
            acteur=clerc, procedure=procedure, le=paris(2026, 3, 2)
        )


# --- Approbations --------------------------------------------------------------------------


@pytest.fixture
def complexe(clerc):
    creer_regle_approbation(
        etude=clerc.etude, type_procedure="saisie_attribution", transition="signifier"
    )
    dossier = creer_dossier(acteur=clerc, complexe=True)
    return creer_procedure(acteur=clerc, type="saisie_attribution", dossier=dossier)


def _signifier(acteur, procedure):
    return services.saisie_attribution_signifier(
        acteur=acteur, procedure=procedure, signifie_le=paris(2026, 3, 2), tiers_saisi="LCL"
    )


def test_dossier_complexe_etape_refusee_jusqu_a_l_approbation(clerc, principal_clerc, complexe):
    with pytest.raises(services.ApprobationRequise) as refus:
        _signifier(clerc, complexe)
    approbation = refus.value.approbation
    assert approbation.decision == "" and approbation.transition == "signifier"
    assert SaisieAttribution.objects.get(pk=complexe.pk).etat == "ouverte"
    # Une deuxième tentative ne crée pas de seconde demande.
    with pytest.raises(services.ApprobationRequise):
        _signifier(clerc, complexe)
    assert Approbation.objects.filter(procedure=complexe).count() == 1
    services.approbation_decider(
        acteur=principal_clerc, approbation=approbation, approuvee=True, commentaire="Vu."
    )
    _signifier(clerc, complexe)
    assert SaisieAttribution.objects.get(pk=complexe.pk).etat == "saisie_signifiee"
    actions = set(Evenement.objects.values_list("action", flat=True))
    assert {"approbation_demander", "approbation_decider"} <= actions


def test_approbation_refusee_bloque_l_etape(clerc, commissaire, complexe):
    approbation = services.approbation_demander(
        acteur=clerc, procedure=complexe, transition="signifier"
    )
    services.approbation_decider(
        acteur=commissaire, approbation=approbation, approuvee=False, commentaire="Solvabilité ?"
    )
    with pytest.raises(RegleMetier, match="refusée.*Solvabilité"):
        _signifier(clerc, complexe)
    assert Approbation.objects.filter(procedure=complexe, decision="").count() == 0
    with pytest.raises(RegleMetier, match="déjà été décidée"):
        services.approbation_decider(acteur=commissaire, approbation=approbation, approuvee=True)


def test_un_clerc_ne_peut_pas_decider(clerc, complexe):
    approbation = services.approbation_demander(
        acteur=clerc, procedure=complexe, transition="signifier"
    )
    with pytest.raises(PermissionDenied):
        services.approbation_decider(acteur=clerc, approbation=approbation, approuvee=True)
    approbation.refresh_from_db()
    assert approbation.decision == ""


def test_dossier_simple_pas_d_approbation(clerc):
    creer_regle_approbation(
        etude=clerc.etude, type_procedure="saisie_attribution", transition="signifier"
    )
    procedure = creer_procedure(acteur=clerc, type="saisie_attribution")
    _signifier(clerc, procedure)
    assert not Approbation.objects.exists()


# --- Audit ----------------------------------------------------------------------------------


def test_evenement_avec_etat_avant_apres_et_acteur(clerc):
    procedure = creer_procedure(acteur=clerc, type="saisie_attribution")
    _signifier(clerc, procedure)
    evenement = Evenement.objects.get(action="saisie_attribution_signifier")
    assert evenement.acteur == clerc
    assert evenement.dossier_id == procedure.dossier_id
    assert evenement.avant["etat"] == "ouverte"
    assert evenement.apres["etat"] == "saisie_signifiee"
    assert evenement.apres["tiers_saisi"] == "LCL"
    assert evenement.libelle == "Saisie-attribution signifiée à LCL"


def test_etape_refusee_n_ecrit_rien(clerc):
    procedure = creer_procedure(acteur=clerc, type="saisie_attribution")
    avant = Evenement.objects.count()
    with pytest.raises(RegleMetier):
        services.saisie_attribution_signifier(
            acteur=clerc, procedure=procedure, signifie_le=paris(2026, 3, 1), tiers_saisi="LCL"
        )
    assert Evenement.objects.count() == avant
    assert not procedure.delais.exists()


# --- Concurrence ----------------------------------------------------------------------------


def test_transition_concurrente_leve_concurrent_transition(clerc):
    procedure = creer_procedure(acteur=clerc, type="saisie_attribution")
    premier = SaisieAttribution.objects.get(pk=procedure.pk)
    second = SaisieAttribution.objects.get(pk=procedure.pk)
    _signifier(clerc, premier)
    with pytest.raises(ConcurrentTransition):
        _signifier(clerc, second)
    assert Evenement.objects.filter(action="saisie_attribution_signifier").count() == 1
    assert procedure.delais.count() == 1  # la transaction du second est annulée


def test_concurrence_au_niveau_du_modele(clerc):
    procedure = creer_procedure(acteur=clerc, type="saisie_attribution")
    premier = SaisieAttribution.objects.get(pk=procedure.pk)
    second = SaisieAttribution.objects.get(pk=procedure.pk)
    premier.abandonner(motif="a")
    premier.save(update_fields=["etat"])
    second.abandonner(motif="b")
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        second.save(update_fields=["etat", "etape"])
