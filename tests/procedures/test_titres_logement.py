"""Injonction de payer, petites créances, expulsion, clause résolutoire : étapes et délais.

Repères de calendrier (métropole) : 1er novembre 2026 = dimanche, donc 15 novembre = dimanche
et 16 novembre = lundi ; 1er août 2026 = samedi.
"""

from datetime import date
from decimal import Decimal

import pytest

from dossiers.models import TitreExecutoire
from etude.errors import RegleMetier
from procedures import services
from procedures.models import Delai
from tests.factories import creer_procedure
from tests.procedures.outils import paris


def delais(procedure):
    return {d.code: d for d in Delai.objects.filter(procedure=procedure)}


# --- Injonction de payer -----------------------------------------------------------------------


@pytest.fixture
def injonction(clerc):
    procedure = creer_procedure(acteur=clerc, type="injonction_de_payer")
    services.injonction_de_payer_deposer_requete(
        acteur=clerc,
        procedure=procedure,
        le=date(2026, 1, 5),
        juridiction="Tribunal judiciaire de Marseille",
        montant_principal=Decimal("3200.00"),
    )
    services.injonction_de_payer_enregistrer_ordonnance(
        acteur=clerc, procedure=procedure, le=date(2026, 1, 15)
    )
    return procedure


def test_injonction_sans_titre_jusqu_au_titre_executoire(clerc, injonction):
    assert injonction.titre is None
    # CPC 1411 : ordonnance du jeudi 15 janvier + 6 mois = mercredi 15 juillet, non avenue.
    d = delais(injonction)["ip_signification"]
    assert (d.echeance, d.nature, d.sanction) == (
        date(2026, 7, 15),
        "agir_avant",
        "ordonnance non avenue",
    )
    services.injonction_de_payer_signifier(
        acteur=clerc, procedure=injonction, le=paris(2026, 2, 2), a_personne=True
    )
    # CPC 1416, 1422 : signification lundi 2 février + 1 mois = lundi 2 mars ; titre le 3.
    assert delais(injonction)["ip_opposition"].echeance == date(2026, 3, 2)
    with pytest.raises(RegleMetier, match="CPC 1416, 1422"):
        services.injonction_de_payer_constater_force_executoire(
            acteur=clerc, procedure=injonction, le=date(2026, 3, 2)
        )
    services.injonction_de_payer_constater_force_executoire(
        acteur=clerc, procedure=injonction, le=date(2026, 3, 3)
    )
    injonction.refresh_from_db()
    assert injonction.etat == "titre_executoire"
    titre = TitreExecutoire.objects.get(pk=injonction.titre_id)
    assert (titre.nature, titre.date_titre, titre.date_force_executoire) == (
        "injonction",
        date(2026, 1, 15),
        date(2026, 3, 3),
    )
    # Le titre permet maintenant une saisie.
    saisie = creer_procedure(acteur=clerc, type="saisie_attribution", dossier=injonction.dossier)
    assert saisie.titre_id is not None


def test_debiteur_a_l_etranger_deux_mois_de_plus(clerc, injonction):
    injonction.distance = "etranger"
    injonction.save(update_fields=["etat", "distance"])
    services.injonction_de_payer_signifier(
        acteur=clerc, procedure=injonction, le=paris(2026, 2, 2), a_personne=False
    )
    # CPC 643 2° : 1 mois + 2 mois : 2 février -> samedi 2 mai ; attente : lundi 4 mai.
    assert delais(injonction)["ip_opposition"].echeance == date(2026, 5, 4)


def test_signification_apres_six_mois_refusee_non_avenue(clerc, injonction):
    with pytest.raises(RegleMetier, match="CPC 1411.*non avenue"):
        services.injonction_de_payer_signifier(
            acteur=clerc, procedure=injonction, le=paris(2026, 7, 16), a_personne=True
        )


# --- Petites créances --------------------------------------------------------------------------


def test_petites_creances_plafond_de_5000_euros(clerc):
    procedure = creer_procedure(acteur=clerc, type="petites_creances")
    with pytest.raises(RegleMetier, match="R125-1"):
        services.petites_creances_envoyer_lettre(
            acteur=clerc,
            procedure=procedure,
            le=date(2026, 3, 2),
            montant_principal=Decimal("4800.00"),
            montant_interets=Decimal("200.01"),
        )
    services.petites_creances_envoyer_lettre(
        acteur=clerc,
        procedure=procedure,
        le=date(2026, 3, 2),
        montant_principal=Decimal("4800.00"),
        montant_interets=Decimal("200.00"),
    )
    # R125-2 : envoi lundi 2 mars + 1 mois = jeudi 2 avril ; silence = refus.
    d = delais(procedure)["pc_reponse"]
    assert (d.echeance, d.sanction) == (date(2026, 4, 2), "silence vaut refus implicite")
    with pytest.raises(RegleMetier, match="R125-2"):
        services.petites_creances_enregistrer_accord(
            acteur=clerc, procedure=procedure, le=date(2026, 4, 3)
        )
    services.petites_creances_enregistrer_accord(
        acteur=clerc, procedure=procedure, le=date(2026, 4, 2)
    )
    services.petites_creances_delivrer_titre(
        acteur=clerc, procedure=procedure, le=date(2026, 4, 10)
    )
    procedure.refresh_from_db()
    assert procedure.etat == "titre_delivre"


# --- Expulsion ---------------------------------------------------------------------------------


@pytest.fixture
def expulsion(clerc):
    return creer_procedure(acteur=clerc, type="expulsion")


def test_deux_mois_apres_le_commandement_et_le_prefet(clerc, expulsion):
    services.expulsion_signifier_commandement(
        acteur=clerc, procedure=expulsion, le=paris(2026, 6, 1), prefet_saisi_le=date(2026, 6, 1)
    )
    # L412-1 : lundi 1er juin + 2 mois = samedi 1er août ; délai d'attente : lundi 3 août
    # retenu (1er août en alternative) ; expulsion à partir du mardi 4 août.
    d = delais(expulsion)["ex_attente_commandement"]
    assert (d.echeance, d.echeance_alternative) == (date(2026, 8, 3), date(2026, 8, 1))
    with pytest.raises(RegleMetier, match="L412-1"):
        services.expulsion_dresser_pv(
            acteur=clerc, procedure=expulsion, le=paris(2026, 8, 3), meubles_laisses=False
        )
    services.expulsion_dresser_pv(
        acteur=clerc, procedure=expulsion, le=paris(2026, 8, 4), meubles_laisses=True
    )
    d = delais(expulsion)
    # R433-1 : mardi 4 août + 2 mois = dimanche 4 octobre (le 5 en alternative) ;
    # contestation 1 mois : vendredi 4 septembre ; R433-6 : papiers jusqu'au 4 août 2028.
    assert (d["ex_meubles"].echeance, d["ex_meubles"].echeance_alternative) == (
        date(2026, 10, 4),
        date(2026, 10, 5),
    )
    assert d["ex_contestation_meubles"].echeance == date(2026, 9, 4)
    assert d["ex_papiers"].echeance == date(2028, 8, 4)
    services.expulsion_constater_retrait_meubles(
        acteur=clerc, procedure=expulsion, le=date(2026, 9, 1)
    )
    expulsion.refresh_from_db()
    assert expulsion.etat == "terminee"
    # R433-6 : les papiers restent suivis après la clôture.
    assert Delai.objects.get(procedure=expulsion, code="ex_papiers").statut == "ouvert"


def test_sans_saisine_du_prefet_le_delai_est_suspendu(clerc, expulsion):
    services.expulsion_signifier_commandement(
        acteur=clerc, procedure=expulsion, le=paris(2026, 6, 1)
    )
    assert "ex_attente_commandement" not in delais(expulsion)
    with pytest.raises(RegleMetier, match="L412-5"):
        services.expulsion_dresser_pv(
            acteur=clerc, procedure=expulsion, le=paris(2026, 9, 1), meubles_laisses=False
        )
    services.expulsion_informer_prefet(acteur=clerc, procedure=expulsion, le=date(2026, 6, 15))
    # Le délai court de la saisine : lundi 15 juin + 2 mois = samedi 15 août (Assomption) ;
    # prorogé au lundi 17 août.
    assert delais(expulsion)["ex_attente_commandement"].echeance == date(2026, 8, 17)


@pytest.mark.parametrize(
    ("commandement", "expulsion_le", "refus"),
    [
        (paris(2026, 6, 1), paris(2026, 11, 15), "L412-6"),  # pendant la trêve
        (paris(2026, 1, 5), paris(2026, 4, 1), None),  # 1er avril : la trêve a pris fin
        (paris(2026, 1, 5), paris(2026, 3, 31), "L412-6"),  # 31 mars : encore la trêve
    ],
)
def test_treve_hivernale(clerc, expulsion, commandement, expulsion_le, refus):
    services.expulsion_signifier_commandement(
        acteur=clerc, procedure=expulsion, le=commandement, prefet_saisi_le=commandement.date()
    )
    if refus:
        with pytest.raises(RegleMetier, match=refus):
            services.expulsion_dresser_pv(
                acteur=clerc, procedure=expulsion, le=expulsion_le, meubles_laisses=False
            )
    else:
        services.expulsion_dresser_pv(
            acteur=clerc, procedure=expulsion, le=expulsion_le, meubles_laisses=False
        )
        expulsion.refresh_from_db()
        assert expulsion.etat == "terminee"


def test_exception_a_la_treve_et_voie_de_fait(clerc, expulsion):
    services.expulsion_signifier_commandement(
        acteur=clerc, procedure=expulsion, le=paris(2026, 10, 26), voie_de_fait=True
    )
    # L412-1 al. 2 : pas de délai de deux mois ; mais L412-6 : trêve le 16 novembre.
    assert "ex_attente_commandement" not in delais(expulsion)
    with pytest.raises(RegleMetier, match="L412-6"):
        services.expulsion_dresser_pv(
            acteur=clerc, procedure=expulsion, le=paris(2026, 11, 16), meubles_laisses=False
        )
    services.expulsion_enregistrer_exceptions(
        acteur=clerc, procedure=expulsion, exception_treve="voie_de_fait_domicile"
    )
    services.expulsion_dresser_pv(
        acteur=clerc, procedure=expulsion, le=paris(2026, 11, 16), meubles_laisses=False
    )


def test_requisition_silence_du_prefet_deux_mois(clerc, expulsion):
    services.expulsion_signifier_commandement(
        acteur=clerc, procedure=expulsion, le=paris(2026, 1, 5), prefet_saisi_le=date(2026, 1, 5)
    )
    services.expulsion_requerir_force_publique(
        acteur=clerc, procedure=expulsion, le=date(2026, 3, 9)
    )
    # R153-1 : lundi 9 mars + 2 mois = samedi 9 mai ; attente : lundi 11 mai.
    d = delais(expulsion)["ex_concours"]
    assert (d.echeance, d.echeance_alternative) == (date(2026, 5, 11), date(2026, 5, 9))
    services.expulsion_accorder_concours(acteur=clerc, procedure=expulsion, le=date(2026, 4, 20))
    services.expulsion_dresser_pv(
        acteur=clerc, procedure=expulsion, le=paris(2026, 4, 28, 7), meubles_laisses=False
    )


# --- Clause résolutoire ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bail", "echeance", "alternative"),
    [
        # Bail signé depuis le 29 juillet 2023 : six semaines = 42 jours ; lundi 2 mars
        # + 42 jours = lundi 13 avril.
        (date(2024, 1, 10), date(2026, 4, 13), None),
        (date(2023, 7, 29), date(2026, 4, 13), None),
        # Bail en cours au 29 juillet 2023 : deux mois (avis 13 juin 2024) ; 2 mars + 2 mois
        # = samedi 2 mai ; attente : lundi 4 mai, 2 mai en alternative.
        (date(2023, 7, 28), date(2026, 5, 4), date(2026, 5, 2)),
    ],
)
def test_delai_du_commandement_selon_la_date_du_bail(clerc, bail, echeance, alternative):
    procedure = creer_procedure(acteur=clerc, type="clause_resolutoire")
    services.clause_resolutoire_signifier_commandement(
        acteur=clerc,
        procedure=procedure,
        le=paris(2026, 3, 2),
        bail_signe_le=bail,
        loyer_mensuel_hc=Decimal("700.00"),
        dette=Decimal("900.00"),
    )
    d = delais(procedure)
    assert (d["cr_paiement"].echeance, d["cr_paiement"].echeance_alternative) == (
        echeance,
        alternative,
    )
    assert "cr_ccapex" not in d  # 900 < 2 x 700 et pas deux mois d'impayés


def test_clause_acquise_assignation_et_prefet_six_semaines_avant_l_audience(clerc):
    procedure = creer_procedure(acteur=clerc, type="clause_resolutoire")
    services.clause_resolutoire_signifier_commandement(
        acteur=clerc,
        procedure=procedure,
        le=paris(2026, 3, 2),
        bail_signe_le=date(2024, 1, 10),
        loyer_mensuel_hc=Decimal("700.00"),
        dette=Decimal("1400.00"),
    )
    # Dette = 2 loyers hors charges : signalement CCAPEX le jour même (art. 24 I).
    assert delais(procedure)["cr_ccapex"].echeance == date(2026, 3, 2)
    services.clause_resolutoire_signaler_ccapex(
        acteur=clerc, procedure=procedure, le=date(2026, 3, 2)
    )
    with pytest.raises(RegleMetier, match="art. 24 I"):
        services.clause_resolutoire_constater_clause_acquise(
            acteur=clerc, procedure=procedure, le=date(2026, 4, 13)
        )
    services.clause_resolutoire_constater_clause_acquise(
        acteur=clerc, procedure=procedure, le=date(2026, 4, 14)
    )
    services.clause_resolutoire_assigner(
        acteur=clerc, procedure=procedure, le=date(2026, 5, 4), audience_le=date(2026, 9, 15)
    )
    # Art. 24 III : mardi 15 septembre - 42 jours = mardi 4 août, sans prorogation.
    d = delais(procedure)["cr_prefet_assignation"]
    assert (d.echeance, d.nature, d.echeance_alternative) == (
        date(2026, 8, 4),
        "au_moins_avant",
        None,
    )
    with pytest.raises(RegleMetier, match="art. 24 III"):
        services.clause_resolutoire_notifier_prefet(
            acteur=clerc, procedure=procedure, le=date(2026, 8, 5)
        )
    services.clause_resolutoire_notifier_prefet(
        acteur=clerc, procedure=procedure, le=date(2026, 8, 4)
    )
    assert delais(procedure)["cr_prefet_assignation"].statut == "respecte"
