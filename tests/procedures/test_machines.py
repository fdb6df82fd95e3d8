"""Les sept machines à états, table par table : chaque transition permise depuis les états
que procedures.md §2 (« States for the app ») lui donne, refusée depuis tous les autres.

Tests purs : instances non enregistrées, conditions non évaluées (les gardes légales sont
testées par les services).
"""

import pytest
from django_fsm import TransitionNotAllowed, can_proceed

from procedures.models import (
    ClauseResolutoire,
    Expulsion,
    InjonctionDePayer,
    PetitesCreances,
    SaisieAttribution,
    SaisieRemunerations,
    SaisieVente,
)

# transition -> états sources attendus ; la cible est vérifiée à part quand elle est fixe.
MACHINES = {
    SaisieVente: {
        "signifier_commandement": {"ouverte"},
        "constater_expiration_delai": {"commandement_signifie"},
        "dresser_pv_saisie": {"commandement_signifie", "delai_expire"},
        "dresser_pv_carence": {"commandement_signifie", "delai_expire"},
        "signifier_pv": {"pv_saisie"},
        "transmettre_propositions": {"vente_amiable"},
        "realiser_vente_amiable": {"vente_amiable"},
        "annoncer_vente_forcee": {"vente_amiable"},
        "proceder_vente_forcee": {"vente_forcee_publicite"},
        "distribuer": {"vente_amiable_realisee", "vente_forcee"},
        "constater_caducite": {"pv_saisie"},
        "constater_peremption_commandement": {"commandement_signifie", "delai_expire"},
        "abandonner": {
            "ouverte",
            "commandement_signifie",
            "delai_expire",
            "pv_saisie",
            "vente_amiable",
            "vente_amiable_realisee",
            "vente_forcee_publicite",
            "vente_forcee",
        },
    },
    SaisieAttribution: {
        "signifier": {"ouverte"},
        "enregistrer_declaration": {"saisie_signifiee"},
        "denoncer": {"saisie_signifiee", "declaration_recue"},
        "enregistrer_contestation": {"denoncee"},
        "statuer_contestation": {"contestee"},
        "delivrer_certificat_non_contestation": {"denoncee"},
        "constater_paiement": {"certificat_delivre", "paiement_autorise"},
        "constater_caducite": {"saisie_signifiee", "declaration_recue"},
        "abandonner": {
            "ouverte",
            "saisie_signifiee",
            "declaration_recue",
            "denoncee",
            "contestee",
            "certificat_delivre",
            "paiement_autorise",
        },
    },
    SaisieRemunerations: {
        "signifier_commandement": {"ouverte"},
        "inscrire_commandement": {
            "commandement_signifie",
            "delai_expire",
            "repartiteur_designe",
            "suspendue",
            "contestee",
        },
        "enregistrer_accord": {"commandement_signifie", "delai_expire", "repartiteur_designe"},
        "reprendre": {"suspendue"},
        "enregistrer_contestation": {
            "commandement_signifie",
            "delai_expire",
            "repartiteur_designe",
        },
        "statuer_contestation": {"contestee"},
        "constater_expiration_delai": {"commandement_signifie"},
        "designer_repartiteur": {"commandement_signifie", "delai_expire"},
        "signifier_pv_saisie": {"repartiteur_designe"},
        "denoncer": {"pv_signifie"},
        "enregistrer_declaration_employeur": {"denoncee"},
        "enregistrer_versement": {"declaration_recue", "versements"},
        "constater_fin_emploi": {"denoncee", "declaration_recue", "versements"},
        "reprendre_chez_nouvel_employeur": {"fin_emploi"},
        "constater_fin_saisie": {"fin_emploi"},
        "terminer": {"declaration_recue", "versements"},
        "constater_caducite_commandement": {
            "commandement_signifie",
            "delai_expire",
            "repartiteur_designe",
        },
        "constater_caducite": {"pv_signifie"},
        "abandonner": {
            "ouverte",
            "commandement_signifie",
            "delai_expire",
            "repartiteur_designe",
            "suspendue",
            "contestee",
            "pv_signifie",
            "denoncee",
            "declaration_recue",
            "versements",
            "fin_emploi",
        },
    },
    InjonctionDePayer: {
        "deposer_requete": {"ouverte"},
        "rejeter_requete": {"requete_deposee"},
        "enregistrer_ordonnance": {"requete_deposee"},
        "signifier": {"ordonnance_rendue"},
        "enregistrer_opposition": {"signifiee"},
        "constater_force_executoire": {"signifiee"},
        "constater_non_avenue": {"ordonnance_rendue"},
        "abandonner": {"ouverte", "requete_deposee", "ordonnance_rendue", "signifiee"},
    },
    PetitesCreances: {
        "envoyer_lettre": {"ouverte"},
        "enregistrer_accord": {"lettre_envoyee"},
        "enregistrer_refus": {"lettre_envoyee"},
        "constater_silence": {"lettre_envoyee"},
        "delivrer_titre": {"accord"},
        "abandonner": {"ouverte", "lettre_envoyee", "accord"},
    },
    Expulsion: {
        "signifier_commandement": {"ouverte"},
        "informer_prefet": {"commandement_signifie", "delai_expire", "requisition"},
        "constater_expiration_delai": {"commandement_signifie"},
        "requerir_force_publique": {"commandement_signifie", "delai_expire", "concours_refuse"},
        "accorder_concours": {"requisition"},
        "refuser_concours": {"requisition"},
        "constater_refus_concours": {"requisition"},
        "dresser_pv_expulsion": {"commandement_signifie", "delai_expire", "concours_accorde"},
        "constater_depart_volontaire": {
            "commandement_signifie",
            "delai_expire",
            "requisition",
            "concours_accorde",
            "concours_refuse",
        },
        "constater_retrait_meubles": {"meubles_en_depot"},
        "constater_meubles_non_retires": {"meubles_en_depot"},
        "clore": {"meubles_non_retires"},
        "abandonner": {
            "ouverte",
            "commandement_signifie",
            "delai_expire",
            "requisition",
            "concours_accorde",
            "concours_refuse",
        },
    },
    ClauseResolutoire: {
        "signifier_commandement": {"ouverte"},
        "signaler_ccapex": {"commandement_signifie", "clause_acquise", "assignation_delivree"},
        "constater_paiement": {"commandement_signifie"},
        "constater_clause_acquise": {"commandement_signifie"},
        "assigner": {"clause_acquise"},
        "notifier_prefet": {"assignation_delivree"},
        "enregistrer_jugement": {"prefet_notifie"},
        "abandonner": {
            "ouverte",
            "commandement_signifie",
            "clause_acquise",
            "assignation_delivree",
            "prefet_notifie",
        },
    },
}

CAS = [
    (modele, transition, etat, etat in sources)
    for modele, table in MACHINES.items()
    for transition, sources in table.items()
    for etat in modele.Etat.values
]

# Cibles fixes des transitions de nuit : ce que la passe applique en masse.
CIBLES_NUIT = [
    (SaisieVente, "constater_caducite", "pv_saisie", "caduque"),
    (SaisieVente, "constater_peremption_commandement", "delai_expire", "commandement_perime"),
    (SaisieVente, "constater_expiration_delai", "commandement_signifie", "delai_expire"),
    (SaisieAttribution, "constater_caducite", "saisie_signifiee", "caduque"),
    (SaisieRemunerations, "constater_caducite_commandement", "delai_expire", "commandement_caduc"),
    (SaisieRemunerations, "constater_caducite", "pv_signifie", "caduque"),
    (SaisieRemunerations, "constater_fin_saisie", "fin_emploi", "terminee"),
    (InjonctionDePayer, "constater_non_avenue", "ordonnance_rendue", "non_avenue"),
    (PetitesCreances, "constater_silence", "lettre_envoyee", "refus"),
    (Expulsion, "constater_refus_concours", "requisition", "concours_refuse"),
    (Expulsion, "constater_meubles_non_retires", "meubles_en_depot", "meubles_non_retires"),
]


@pytest.mark.parametrize(
    ("modele", "transition", "etat", "permise"),
    CAS,
    ids=[f"{m.__name__}-{t}-{e}" for m, t, e, _ in CAS],
)
def test_transition_permise_ou_refusee_selon_l_etat(modele, transition, etat, permise):
    procedure = modele(etat=etat)
    assert can_proceed(getattr(procedure, transition), check_conditions=False) is permise


@pytest.mark.parametrize("modele", list(MACHINES), ids=lambda m: m.__name__)
def test_la_table_couvre_toutes_les_transitions(modele):
    declarees = {t.name for t in modele._meta.get_field("etat").get_all_transitions(modele)}
    assert declarees == set(MACHINES[modele])


@pytest.mark.parametrize("modele", list(MACHINES), ids=lambda m: m.__name__)
def test_aucune_transition_ne_sort_d_un_etat_final(modele):
    for transition in modele._meta.get_field("etat").get_all_transitions(modele):
        assert transition.source not in modele.ETATS_FINAUX, transition.name


@pytest.mark.parametrize(
    ("modele", "transition", "source", "cible"),
    CIBLES_NUIT,
    ids=[f"{m.__name__}-{t}" for m, t, _, _ in CIBLES_NUIT],
)
def test_transition_de_nuit_sans_argument_ni_condition(modele, transition, source, cible):
    procedure = modele(etat=source)
    getattr(procedure, transition)()
    assert procedure.etat == cible
    meta = getattr(modele, transition)._django_fsm
    assert all(not t.conditions for t in meta.transitions.values())


def test_transition_refusee_leve_transition_not_allowed():
    procedure = SaisieVente(etat="ouverte")
    with pytest.raises(TransitionNotAllowed):
        procedure.constater_caducite()
    assert procedure.etat == "ouverte"


def test_l_etat_est_protege_contre_l_affectation_directe():
    procedure = SaisieVente(etat="ouverte")
    with pytest.raises(AttributeError):
        procedure.etat = "distribution"
