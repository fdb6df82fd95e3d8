"""Saisie-attribution, saisie-vente, saisie des rémunérations : étapes, gardes, délais.

Calendrier de l'étude de test : métropole (département 75). Repères 2026 : 5 avril = dimanche
de Pâques, 6 avril = lundi de Pâques ; les dates sont calculées à la main dans les commentaires
(CPC 641 : le jour de départ ne compte pas ; un mois = même quantième).
"""

from datetime import date
from decimal import Decimal

import pytest

from etude.errors import RegleMetier
from etude.models import Evenement
from procedures import services
from procedures.models import Delai
from tests.factories import creer_procedure
from tests.procedures.outils import paris


def delais(procedure):
    return {d.code: d for d in Delai.objects.filter(procedure=procedure)}


# --- Saisie-attribution ----------------------------------------------------------------------


@pytest.fixture
def attribution(clerc):
    return creer_procedure(acteur=clerc, type="saisie_attribution")


def test_signifier_la_saisie_de_compte_ouvre_denonciation_et_indisponibilite(clerc, attribution):
    services.saisie_attribution_signifier(
        acteur=clerc,
        procedure=attribution,
        signifie_le=paris(2026, 3, 2, 10, 15),
        tiers_saisi="Banque Populaire",
        compte_bancaire=True,
    )
    attribution.refresh_from_db()
    assert attribution.etat == "saisie_signifiee"
    assert attribution.etape == "Acte de saisie signifié au tiers saisi"
    d = delais(attribution)
    # R211-3 : lundi 2 mars + 8 jours = mardi 10 mars (jour ouvré : une seule lecture).
    assert d["sa_denonciation"].echeance == date(2026, 3, 10)
    assert d["sa_denonciation"].echeance_alternative is None
    assert d["sa_denonciation"].nature == "agir_avant"
    assert d["sa_denonciation"].article == "CPCE R211-3"
    assert d["sa_denonciation"].sanction == "caducité de la saisie"
    assert d["sa_denonciation"].clerc == clerc
    # L162-1 : 15 jours ouvrables après le 2 mars. Samedis comptés : 3-7 (5), 9-14 (11),
    # 16-19 (15) = jeudi 19 mars ; samedis exclus (jours ouvrés) : 3-6 (4), 9-13 (9),
    # 16-20 (14), 23 (15) = lundi 23 mars. Délai attendu par l'étude : la plus tardive.
    assert d["sa_indisponibilite"].nature == "jours_ouvrables"
    assert d["sa_indisponibilite"].echeance == date(2026, 3, 23)
    assert d["sa_indisponibilite"].echeance_alternative == date(2026, 3, 19)


def test_parcours_complet_jusqu_au_paiement(clerc, attribution):
    services.saisie_attribution_signifier(
        acteur=clerc,
        procedure=attribution,
        signifie_le=paris(2026, 3, 2),
        tiers_saisi="Banque Populaire",
        compte_bancaire=True,
    )
    services.saisie_attribution_enregistrer_declaration(
        acteur=clerc,
        procedure=attribution,
        le=paris(2026, 3, 2, 10, 30),
        solde_declare=Decimal("1820.40"),
        sbi_applique=Decimal("646.52"),
    )
    services.saisie_attribution_denoncer(acteur=clerc, procedure=attribution, le=paris(2026, 3, 9))
    d = delais(attribution)
    assert d["sa_denonciation"].statut == "respecte"
    # R211-11 : dénonciation lundi 9 mars + 1 mois = jeudi 9 avril ; certificat le 10.
    assert d["sa_contestation"].echeance == date(2026, 4, 9)
    assert d["sa_contestation"].nature == "pas_avant"
    with pytest.raises(RegleMetier, match="R211-11"):
        services.saisie_attribution_delivrer_certificat_non_contestation(
            acteur=clerc, procedure=attribution, le=date(2026, 4, 9)
        )
    services.saisie_attribution_delivrer_certificat_non_contestation(
        acteur=clerc, procedure=attribution, le=date(2026, 4, 10)
    )
    services.saisie_attribution_constater_paiement(
        acteur=clerc, procedure=attribution, le=date(2026, 4, 15), montant=Decimal("1173.88")
    )
    attribution.refresh_from_db()
    assert attribution.etat == "payee"
    assert attribution.cloturee_le is not None
    assert not Delai.objects.filter(procedure=attribution, statut="ouvert").exists()
    actions = list(
        Evenement.objects.filter(
            objet_type="procedures.SaisieAttribution", objet_id=str(attribution.pk)
        )
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "procedure_ouvrir",
        "saisie_attribution_signifier",
        "saisie_attribution_enregistrer_declaration",
        "saisie_attribution_denoncer",
        "saisie_attribution_delivrer_certificat_non_contestation",
        "saisie_attribution_constater_paiement",
    ]


def test_certificat_avant_le_mois_sur_renonciation_ecrite(clerc, attribution):
    services.saisie_attribution_signifier(
        acteur=clerc, procedure=attribution, signifie_le=paris(2026, 3, 2), tiers_saisi="LCL"
    )
    services.saisie_attribution_denoncer(acteur=clerc, procedure=attribution, le=paris(2026, 3, 3))
    services.saisie_attribution_delivrer_certificat_non_contestation(
        acteur=clerc, procedure=attribution, le=date(2026, 3, 5), renonciation_ecrite=True
    )
    assert delais(attribution)["sa_contestation"].statut == "sans_objet"


def test_denonciation_hors_delai_refusee_pour_caducite(clerc, attribution):
    services.saisie_attribution_signifier(
        acteur=clerc, procedure=attribution, signifie_le=paris(2026, 3, 2), tiers_saisi="LCL"
    )
    # Échéance mardi 10 mars : le 11 est trop tard.
    with pytest.raises(RegleMetier, match="R211-3.*caducité"):
        services.saisie_attribution_denoncer(
            acteur=clerc, procedure=attribution, le=paris(2026, 3, 11)
        )
    attribution.refresh_from_db()
    assert attribution.etat == "saisie_signifiee"


@pytest.mark.parametrize(
    ("moment", "motif"),
    [
        (paris(2026, 3, 1, 10), "dimanche"),  # dimanche 1er mars
        (paris(2026, 4, 6, 10), "férié"),  # lundi de Pâques
        (paris(2026, 3, 2, 5, 59), "six heures"),
        (paris(2026, 3, 2, 21, 1), "vingt et une heures"),
    ],
)
def test_mesure_d_execution_interdite_hors_horaires_legaux(clerc, attribution, moment, motif):
    with pytest.raises(RegleMetier, match=f"L141-1.*{motif}"):
        services.saisie_attribution_signifier(
            acteur=clerc, procedure=attribution, signifie_le=moment, tiers_saisi="LCL"
        )


def test_six_heures_et_vingt_et_une_heures_sont_permises(clerc, attribution, principal_clerc):
    services.saisie_attribution_signifier(
        acteur=clerc, procedure=attribution, signifie_le=paris(2026, 3, 2, 6, 0), tiers_saisi="A"
    )
    autre = creer_procedure(acteur=clerc, type="saisie_attribution")
    services.saisie_attribution_signifier(
        acteur=clerc, procedure=autre, signifie_le=paris(2026, 3, 7, 21, 0), tiers_saisi="B"
    )  # samedi : permis (CPC 664 ne vise que dimanche et fériés)


# --- Saisie-vente ------------------------------------------------------------------------------


@pytest.fixture
def vente(clerc):
    return creer_procedure(acteur=clerc, type="saisie_vente")


def test_commandement_ouvre_attente_de_huit_jours_et_validite_de_deux_ans(clerc, vente):
    services.saisie_vente_signifier_commandement(
        acteur=clerc, procedure=vente, le=paris(2026, 3, 2)
    )
    d = delais(vente)
    # R221-10 : lundi 2 mars + 8 jours = mardi 10 mars : saisie à partir du mercredi 11.
    assert (d["sv_attente_commandement"].echeance, d["sv_attente_commandement"].nature) == (
        date(2026, 3, 10),
        "pas_avant",
    )
    # R221-5 : 2 mars 2026 + 2 ans = jeudi 2 mars 2028.
    assert d["sv_validite_commandement"].echeance == date(2028, 3, 2)
    assert d["sv_validite_commandement"].nature == "valable_jusqu_au"
    assert "pas une caducité" in d["sv_validite_commandement"].sanction


def test_saisie_avant_huit_jours_refusee(clerc, vente):
    services.saisie_vente_signifier_commandement(
        acteur=clerc, procedure=vente, le=paris(2026, 3, 2)
    )
    with pytest.raises(RegleMetier, match="R221-10"):
        services.saisie_vente_dresser_pv_saisie(
            acteur=clerc, procedure=vente, le=paris(2026, 3, 10), debiteur_present=True
        )
    services.saisie_vente_dresser_pv_saisie(
        acteur=clerc, procedure=vente, le=paris(2026, 3, 11), debiteur_present=True
    )
    vente.refresh_from_db()
    assert vente.etat == "vente_amiable"
    d = delais(vente)
    assert d["sv_attente_commandement"].statut == "respecte"
    assert d["sv_validite_commandement"].statut == "respecte"
    # R221-30 : débiteur présent, le mois court de la saisie : 11 mars -> 11 avril (samedi) ;
    # lecture sûre d'un délai d'attente : prorogée au lundi 13 avril, 11 avril en alternative.
    assert d["sv_vente_amiable"].echeance == date(2026, 4, 13)
    assert d["sv_vente_amiable"].echeance_alternative == date(2026, 4, 11)


def test_debiteur_absent_copie_dans_les_huit_jours_puis_vente_forcee(clerc, vente):
    services.saisie_vente_signifier_commandement(
        acteur=clerc, procedure=vente, le=paris(2026, 3, 2)
    )
    services.saisie_vente_dresser_pv_saisie(
        acteur=clerc, procedure=vente, le=paris(2026, 3, 11), debiteur_present=False
    )
    # R221-26 : mercredi 11 mars + 8 jours = jeudi 19 mars, à peine de caducité.
    assert delais(vente)["sv_signification_pv"].echeance == date(2026, 3, 19)
    services.saisie_vente_signifier_pv(acteur=clerc, procedure=vente, le=paris(2026, 3, 16))
    # R221-30 : lundi 16 mars + 1 mois = jeudi 16 avril.
    assert delais(vente)["sv_vente_amiable"].echeance == date(2026, 4, 16)
    services.saisie_vente_transmettre_propositions(
        acteur=clerc, procedure=vente, le=date(2026, 4, 1)
    )
    # R221-31 : 1er avril + 15 jours = jeudi 16 avril.
    assert delais(vente)["sv_reponse_creanciers"].echeance == date(2026, 4, 16)
    with pytest.raises(RegleMetier, match="R221-30"):
        services.saisie_vente_annoncer_vente_forcee(
            acteur=clerc, procedure=vente, le=date(2026, 4, 16), vente_le=date(2026, 5, 4)
        )
    # R221-34 : vente le lundi 4 mai, publicité au plus tard le 26 avril (4 mai - 8 jours).
    with pytest.raises(RegleMetier, match="R221-34"):
        services.saisie_vente_annoncer_vente_forcee(
            acteur=clerc, procedure=vente, le=date(2026, 4, 27), vente_le=date(2026, 5, 4)
        )
    services.saisie_vente_annoncer_vente_forcee(
        acteur=clerc, procedure=vente, le=date(2026, 4, 17), vente_le=date(2026, 5, 4)
    )
    assert delais(vente)["sv_publicite_vente"].echeance == date(2026, 4, 26)
    services.saisie_vente_proceder_vente_forcee(
        acteur=clerc, procedure=vente, le=paris(2026, 5, 4, 14)
    )
    services.saisie_vente_distribuer(acteur=clerc, procedure=vente, le=date(2026, 5, 20))
    vente.refresh_from_db()
    assert vente.etat == "distribution" and vente.cloturee_le is not None


def test_copie_du_pv_hors_delai_refusee(clerc, vente):
    services.saisie_vente_signifier_commandement(
        acteur=clerc, procedure=vente, le=paris(2026, 3, 2)
    )
    services.saisie_vente_dresser_pv_saisie(
        acteur=clerc, procedure=vente, le=paris(2026, 3, 11), debiteur_present=False
    )
    with pytest.raises(RegleMetier, match="R221-26.*caducité"):
        services.saisie_vente_signifier_pv(acteur=clerc, procedure=vente, le=paris(2026, 3, 20))


def test_pv_de_carence_clot_la_procedure(clerc, vente):
    services.saisie_vente_signifier_commandement(
        acteur=clerc, procedure=vente, le=paris(2026, 3, 2)
    )
    services.saisie_vente_dresser_pv_carence(acteur=clerc, procedure=vente, le=paris(2026, 3, 12))
    vente.refresh_from_db()
    assert vente.etat == "pv_carence"
    with pytest.raises(RegleMetier, match="close"):
        services.saisie_vente_abandonner(acteur=clerc, procedure=vente, motif="test")


# --- Saisie des rémunérations ----------------------------------------------------------------


@pytest.fixture
def remunerations(clerc):
    return creer_procedure(acteur=clerc, type="saisie_remunerations")


def _jusqu_au_repartiteur(clerc, procedure):
    services.saisie_remunerations_signifier_commandement(
        acteur=clerc, procedure=procedure, le=paris(2026, 1, 5)
    )
    services.saisie_remunerations_inscrire_commandement(
        acteur=clerc, procedure=procedure, le=date(2026, 1, 5)
    )
    services.saisie_remunerations_designer_repartiteur(
        acteur=clerc, procedure=procedure, le=date(2026, 1, 20), repartiteur="Me Répartiteur"
    )


def test_commandement_un_mois_d_attente_et_trois_mois_de_validite(clerc, remunerations):
    services.saisie_remunerations_signifier_commandement(
        acteur=clerc, procedure=remunerations, le=paris(2026, 1, 5)
    )
    d = delais(remunerations)
    # L212-2 : lundi 5 janvier + 1 mois = jeudi 5 février : PV à partir du 6.
    assert d["sr_attente_commandement"].echeance == date(2026, 2, 5)
    # L212-6 : 5 janvier + 3 mois = dimanche 5 avril (Pâques) ; lundi 6 avril férié : la
    # prorogation irait au mardi 7. Délai pour agir : le 5 avril est retenu, le 7 en alternative.
    assert d["sr_validite_commandement"].echeance == date(2026, 4, 5)
    assert d["sr_validite_commandement"].echeance_alternative == date(2026, 4, 7)
    assert "mardi 7 avril 2026" in d["sr_validite_commandement"].raison_alternative
    assert d["sr_validite_commandement"].sanction.startswith("caducité du commandement")


def test_pv_avant_un_mois_refuse_puis_parcours_jusqu_aux_versements(clerc, remunerations):
    _jusqu_au_repartiteur(clerc, remunerations)
    with pytest.raises(RegleMetier, match="L212-2"):
        services.saisie_remunerations_signifier_pv_saisie(
            acteur=clerc, procedure=remunerations, le=paris(2026, 2, 5), employeur="ACME"
        )
    services.saisie_remunerations_signifier_pv_saisie(
        acteur=clerc, procedure=remunerations, le=paris(2026, 2, 6), employeur="ACME"
    )
    d = delais(remunerations)
    # Dénonciation : vendredi 6 février + 8 jours = samedi 14 (prorogé au lundi 16 en
    # alternative) ; déclaration : + 15 jours = samedi 21 (lundi 23 en alternative).
    assert (d["sr_denonciation"].echeance, d["sr_denonciation"].echeance_alternative) == (
        date(2026, 2, 14),
        date(2026, 2, 16),
    )
    assert d["sr_declaration_employeur"].echeance == date(2026, 2, 21)
    assert d["sr_validite_commandement"].statut == "respecte"
    with pytest.raises(RegleMetier, match="huit jours"):
        services.saisie_remunerations_denoncer(
            acteur=clerc, procedure=remunerations, le=paris(2026, 2, 16)
        )
    services.saisie_remunerations_denoncer(
        acteur=clerc, procedure=remunerations, le=paris(2026, 2, 13)
    )
    services.saisie_remunerations_enregistrer_declaration_employeur(
        acteur=clerc, procedure=remunerations, le=date(2026, 2, 18)
    )
    for mois in (3, 4):
        services.saisie_remunerations_enregistrer_versement(
            acteur=clerc, procedure=remunerations, le=date(2026, mois, 5), montant=Decimal("210")
        )
    services.saisie_remunerations_constater_fin_emploi(
        acteur=clerc, procedure=remunerations, le=date(2026, 5, 31)
    )
    # R212-1-32 : fin d'emploi 31 mai 2026 + 1 an = lundi 31 mai 2027.
    assert delais(remunerations)["sr_reprise"].echeance == date(2027, 5, 31)
    services.saisie_remunerations_reprendre_chez_nouvel_employeur(
        acteur=clerc, procedure=remunerations, le=paris(2026, 9, 1), employeur="Nouvelle SARL"
    )
    remunerations.refresh_from_db()
    assert remunerations.etat == "pv_signifie"
    assert remunerations.total_verse == Decimal("420.00")
    # Nouvelle dénonciation à compter du 1er septembre : mercredi 9 septembre.
    assert Delai.objects.get(
        procedure=remunerations, code="sr_denonciation", statut="ouvert"
    ).echeance == date(2026, 9, 9)


def test_pv_apres_trois_mois_refuse_commandement_caduc(clerc, remunerations):
    _jusqu_au_repartiteur(clerc, remunerations)
    with pytest.raises(RegleMetier, match="L212-6"):
        services.saisie_remunerations_signifier_pv_saisie(
            acteur=clerc, procedure=remunerations, le=paris(2026, 4, 7), employeur="ACME"
        )


def test_pv_refuse_sans_inscription_au_registre(clerc, remunerations):
    services.saisie_remunerations_signifier_commandement(
        acteur=clerc, procedure=remunerations, le=paris(2026, 1, 5)
    )
    services.saisie_remunerations_designer_repartiteur(
        acteur=clerc, procedure=remunerations, le=date(2026, 1, 20), repartiteur="Me R"
    )
    with pytest.raises(RegleMetier, match="L212-2 al. 2"):
        services.saisie_remunerations_signifier_pv_saisie(
            acteur=clerc, procedure=remunerations, le=paris(2026, 2, 9), employeur="ACME"
        )


def test_accord_suspend_et_ecarte_la_caducite_de_trois_mois(clerc, remunerations):
    _jusqu_au_repartiteur(clerc, remunerations)
    services.saisie_remunerations_enregistrer_accord(
        acteur=clerc, procedure=remunerations, le=date(2026, 1, 25)
    )
    assert delais(remunerations)["sr_validite_commandement"].statut == "sans_objet"
    services.saisie_remunerations_reprendre(
        acteur=clerc, procedure=remunerations, le=date(2026, 5, 4)
    )
    remunerations.refresh_from_db()
    assert remunerations.etat == "repartiteur_designe"
    # L212-6 al. 3 : après un accord, le PV du 5 mai n'est pas tardif.
    services.saisie_remunerations_signifier_pv_saisie(
        acteur=clerc, procedure=remunerations, le=paris(2026, 5, 5), employeur="ACME"
    )


@pytest.mark.parametrize(
    ("le", "suspensive", "etat"),
    [(date(2026, 2, 5), True, "contestee"), (date(2026, 2, 6), False, "repartiteur_designe")],
)
def test_contestation_suspensive_seulement_dans_le_mois(
    clerc, remunerations, le, suspensive, etat
):
    _jusqu_au_repartiteur(clerc, remunerations)
    services.saisie_remunerations_enregistrer_contestation(
        acteur=clerc, procedure=remunerations, le=le
    )
    remunerations.refresh_from_db()
    assert (remunerations.contestation_suspensive, remunerations.etat) == (suspensive, etat)
