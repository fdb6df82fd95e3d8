"""Cycle d'un échéancier : proposé, accepté, payé, manqué, mis en demeure puis déchu ;
rapprochement des versements ; approbation hors politique ; nuit idempotente ; A444-44."""

from datetime import date
from decimal import Decimal as D

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from comptabilite.models import Ecriture, NatureEcriture
from comptabilite.services import versement_enregistrer
from etude.errors import RegleMetier
from etude.models import Evenement
from etude.nuit import executer_nuit
from relances.models import Echeancier, EtatEcheance, EtatEcheancier, PolitiqueEcheancier
from relances.services import echeanciers as services
from tests.factories import creer_debiteur, creer_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(clerc):
    debiteur = creer_debiteur(
        etude=clerc.etude, revenus_mensuels_nets=D("1800.00"), personnes_a_charge=1
    )
    # Titre du 14/03/2025 : principal 4 250 €, frais alloués 800 €.
    return creer_dossier(acteur=clerc, debiteurs=[debiteur])


def _verser(clerc, dossier, jour, montant):
    return versement_enregistrer(
        acteur=clerc, dossier=dossier, montant=D(montant), date_valeur=jour, mode="virement"
    )


def _nuit(le):
    return executer_nuit(le, parties=["echeances"])["parties"]["echeances"]["resultat"]


def _etats(plan):
    return [(e.etat, e.paye) for e in plan.echeances.order_by("rang")]


def test_propositions_depuis_les_revenus_le_foyer_et_la_quotite(clerc, dossier):
    # Sans reste-à-vivre de l'étude, la quotité saisissable borne : 1 800 € nets, une
    # personne à charge, barème 2025 -> 296,33 € (comptabilite.saisissable).
    sans_politique = services.propositions_calculer(
        dossier, le=date(2025, 6, 2), premiere=date(2025, 6, 10)
    )
    assert sans_politique.capacite.mensuelle == D("296.33")
    PolitiqueEcheancier.objects.create(
        etude=clerc.etude, reste_a_vivre=D("1300.00"), reste_a_vivre_par_personne=D("300.00")
    )
    resultat = services.propositions_calculer(
        dossier, le=date(2025, 6, 2), premiere=date(2025, 6, 10)
    )
    assert resultat.erreurs == []
    # Reste-à-vivre du foyer : 1 300 + 300 × 1 = 1 600 ; 1 800 - 1 600 = 200 < 296,33.
    assert resultat.capacite.reste_a_vivre == D("1600.00")
    assert resultat.capacite.mensuelle == D("200.00")
    # Dû : principal 4 250 + frais 800 = 5 050 (pas encore d'intérêts passés par la nuit).
    assert resultat.montant == D("5050.00")
    # 5 050 / 200 = 25,25 -> 26 échéances (194,23 ; dernière 5 050 - 25 × 194,23 = 194,25),
    # au-delà des 24 mois ; sur 24 mois : 210,41, dernière 5 050 - 23 × 210,41 = 210,57.
    assert [
        (p.nombre, p.mensualite, p.derniere, p.supportable, p.dans_la_duree)
        for p in resultat.propositions
    ] == [
        (24, D("210.41"), D("210.57"), False, True),
        (26, D("194.23"), D("194.25"), True, False),
    ]


def test_revenus_inconnus_le_dit_et_propose_sur_toute_la_duree(clerc):
    dossier = creer_dossier(acteur=clerc)
    resultat = services.propositions_calculer(
        dossier, le=date(2025, 6, 2), premiere=date(2025, 6, 10)
    )
    assert "saisir ses revenus mensuels nets" in resultat.erreurs[0]
    assert [p.nombre for p in resultat.propositions] == [24]


def test_plan_accepte_paye_manque_puis_dechu(clerc):
    # Sans titre exécutoire : le dossier est en phase amiable, la déchéance le fait passer
    # en voie judiciaire.
    debiteur = creer_debiteur(etude=clerc.etude, revenus_mensuels_nets=D("1800.00"))
    dossier = creer_dossier(acteur=clerc, debiteurs=[debiteur], titre=False)
    assert dossier.phase == "amiable"
    plan = services.echeancier_accepter(
        acteur=clerc, dossier=dossier, nombre=12, premiere=date(2025, 6, 10), le=date(2025, 6, 2)
    )
    assert plan.etat == EtatEcheancier.EN_COURS and not plan.hors_politique
    echeances = list(plan.echeances.order_by("rang"))
    assert sum(e.montant for e in echeances) == plan.montant
    mensualite = echeances[0].montant

    # Juin : payée à l'heure.
    _verser(clerc, dossier, date(2025, 6, 10), str(mensualite))
    assert _nuit(date(2025, 6, 11))["echeances_changees"] == 1
    plan = Echeancier.objects.get(pk=plan.pk)
    assert _etats(plan)[0] == (EtatEcheance.PAYEE, mensualite)

    # Juillet : 100 € seulement ; le 11, l'échéance est manquée (partiellement payée).
    _verser(clerc, dossier, date(2025, 7, 10), "100.00")
    resultat = _nuit(date(2025, 7, 11))
    assert resultat["nouvelles_manquees"] == 1
    assert _etats(plan)[1] == (EtatEcheance.EN_RETARD, D("100.00"))
    manquees = list(services.echeances_manquees(date(2025, 7, 11), etude_id=clerc.etude_id))
    assert [(m.echeancier_id, m.rang) for m in manquees] == [(plan.pk, 2)]
    assert not services.echeances_manquees(date(2025, 7, 12)).exists()

    # Nuit relancée pour la même date : rien de nouveau.
    evenements = Evenement.objects.count()
    assert _nuit(date(2025, 7, 11))["echeances_changees"] == 0
    assert Evenement.objects.count() == evenements

    # Grâce de 15 jours : le 25, pas encore ; le 26, déchéance à prononcer.
    assert _nuit(date(2025, 7, 25))["a_decheoir"] == 0
    assert _nuit(date(2025, 7, 26))["a_decheoir"] == 1
    plan = Echeancier.objects.get(pk=plan.pk)
    assert plan.a_decheoir_depuis == date(2025, 7, 26)

    # Pas de déchéance sans mise en demeure, ni avant la fin de son délai (8 jours).
    with pytest.raises(RegleMetier, match="mise en demeure préalable"):
        services.echeancier_prononcer_decheance(
            acteur=clerc, echeancier=plan, le=date(2025, 7, 28), suite="judiciaire"
        )
    services.echeancier_mettre_en_demeure(acteur=clerc, echeancier=plan, le=date(2025, 7, 28))
    with pytest.raises(RegleMetier, match="à partir du 06/08/2025"):
        services.echeancier_prononcer_decheance(
            acteur=clerc, echeancier=plan, le=date(2025, 8, 5), suite="judiciaire"
        )
    plan = services.echeancier_prononcer_decheance(
        acteur=clerc, echeancier=plan, le=date(2025, 8, 6), suite="judiciaire"
    )
    assert plan.etat == EtatEcheancier.DECHU and plan.dechu_le == date(2025, 8, 6)
    dossier.refresh_from_db()
    assert dossier.phase == "judiciaire"
    assert Evenement.objects.filter(action="dossier_phase", dossier=dossier).count() == 1
    actions = list(
        Evenement.objects.filter(objet_type="relances.Echeancier", objet_id=str(plan.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "echeancier_accepter",
        "echeance_etat",
        "echeance_etat",
        "echeancier_a_decheoir",
        "echeancier_mettre_en_demeure",
        "echeancier_prononcer_decheance",
    ]
    # Un plan déchu ne bloque plus un nouveau plan.
    assert not Echeancier.objects.filter(dossier=dossier).actifs().exists()


def test_le_debiteur_qui_se_remet_a_jour_sort_de_la_decheance(clerc, dossier):
    plan = services.echeancier_accepter(
        acteur=clerc, dossier=dossier, nombre=10, premiere=date(2025, 6, 10), le=date(2025, 6, 2)
    )
    mensualite = plan.echeances.first().montant
    _nuit(date(2025, 6, 30))
    plan = Echeancier.objects.get(pk=plan.pk)
    assert plan.a_decheoir_depuis == date(2025, 6, 26)
    _verser(clerc, dossier, date(2025, 7, 1), str(mensualite))
    _nuit(date(2025, 7, 2))
    plan = Echeancier.objects.get(pk=plan.pk)
    assert plan.a_decheoir_depuis is None
    assert _etats(plan)[0][0] == EtatEcheance.PAYEE
    with pytest.raises(RegleMetier):
        services.echeancier_mettre_en_demeure(acteur=clerc, echeancier=plan, le=date(2025, 7, 2))


def test_plan_paye_en_entier_est_solde(clerc, dossier):
    plan = services.echeancier_accepter(
        acteur=clerc, dossier=dossier, nombre=2, premiere=date(2025, 6, 10), le=date(2025, 6, 2)
    )
    _verser(clerc, dossier, date(2025, 6, 10), str(plan.montant))
    assert _nuit(date(2025, 6, 10))["soldes"] == 1
    plan = Echeancier.objects.get(pk=plan.pk)
    assert plan.etat == EtatEcheancier.SOLDE and plan.solde_le == date(2025, 6, 10)
    assert plan.verse == plan.montant


def test_plan_hors_politique_attend_le_principal_clerc(clerc, principal_clerc, dossier):
    plan = services.echeancier_accepter(
        acteur=clerc,
        dossier=dossier,
        nombre=30,
        premiere=date(2025, 6, 10),
        le=date(2025, 6, 2),
        remise_interets=True,
    )
    assert plan.etat == EtatEcheancier.A_APPROUVER
    assert plan.motifs_hors_politique == [
        "30 échéances mensuelles, la dernière le 10/11/2027, 30 mois après l'accord : "
        "au-delà de la durée de l'étude (24 mois)",
        "remise des intérêts",
    ]
    # En attente, la nuit ne le suit pas ; un second plan est refusé.
    assert _nuit(date(2025, 7, 11))["plans"] == 0
    with pytest.raises(RegleMetier):
        services.echeancier_accepter(
            acteur=clerc,
            dossier=dossier,
            nombre=6,
            premiere=date(2025, 6, 10),
            le=date(2025, 6, 2),
        )
    with pytest.raises(PermissionDenied):
        services.echeancier_decider(acteur=clerc, echeancier=plan, approuve=True)
    plan = services.echeancier_decider(acteur=principal_clerc, echeancier=plan, approuve=True)
    assert plan.etat == EtatEcheancier.EN_COURS and plan.decide_par == principal_clerc
    assert Evenement.objects.filter(action="echeancier_approuver", acteur=principal_clerc).exists()


def test_politique_plus_longue_n_exige_pas_d_approbation(clerc, dossier):
    PolitiqueEcheancier.objects.create(etude=clerc.etude, duree_max_mois=36)
    plan = services.echeancier_accepter(
        acteur=clerc, dossier=dossier, nombre=30, premiere=date(2025, 6, 10), le=date(2025, 6, 2)
    )
    assert plan.etat == EtatEcheancier.EN_COURS


def test_refus_motive(clerc, principal_clerc, dossier):
    plan = services.echeancier_accepter(
        acteur=clerc,
        dossier=dossier,
        nombre=6,
        premiere=date(2025, 6, 10),
        le=date(2025, 6, 2),
        remise_frais=True,
    )
    assert plan.montant == plan.du_principal + plan.du_interets
    with pytest.raises(Exception, match="pourquoi"):
        services.echeancier_decider(acteur=principal_clerc, echeancier=plan, approuve=False)
    plan = services.echeancier_decider(
        acteur=principal_clerc, echeancier=plan, approuve=False, commentaire="Créancier opposé"
    )
    assert plan.etat == EtatEcheancier.REFUSE


def test_versement_contre_passe_ne_paie_plus_l_echeance(clerc, dossier):
    from comptabilite.services import ecriture_contre_passer

    plan = services.echeancier_accepter(
        acteur=clerc, dossier=dossier, nombre=6, premiere=date(2025, 6, 10), le=date(2025, 6, 2)
    )
    versement = _verser(clerc, dossier, date(2025, 6, 10), str(plan.echeances.first().montant))
    _nuit(date(2025, 6, 10))
    assert _etats(plan)[0][0] == EtatEcheance.PAYEE
    ecriture_contre_passer(
        acteur=clerc, ecriture=versement.ecritures.first(), motif="Chèque impayé"
    )
    _nuit(date(2025, 6, 11))
    assert _etats(plan)[0] == (EtatEcheance.EN_RETARD, D("0.00"))


def test_emolument_a444_44_six_mois_apres_le_premier_versement_plafonne(clerc, dossier):
    plan = services.echeancier_accepter(
        acteur=clerc, dossier=dossier, nombre=12, premiere=date(2025, 4, 10), le=date(2025, 4, 1)
    )
    mensualite = plan.echeances.first().montant
    for mois in range(4, 11):
        _verser(clerc, dossier, date(2025, mois, 10), str(mensualite))
    # « À l'issue » de six mois depuis le premier versement du 10/04 : rien jusqu'au 10/10
    # inclus ; le 11/10, 7 acomptes × 6,44 = 45,08, plafond de 33,07 € pour le dossier
    # (A444-44, tarif du 01/03/2024).
    assert _nuit(date(2025, 10, 10))["emoluments"] == "0.00"
    assert _nuit(date(2025, 10, 11))["emoluments"] == "33.07"
    assert _nuit(date(2025, 10, 11))["emoluments"] == "0.00"
    plan = Echeancier.objects.get(pk=plan.pk)
    assert plan.emolument_percu == D("33.07")
    passees = Ecriture.objects.filter(dossier=dossier, cause_id=f"echeancier-{plan.pk}")
    assert sorted((e.nature, e.montant) for e in passees) == [
        (NatureEcriture.EMOLUMENT, D("33.07")),
        (NatureEcriture.TVA, D("6.61")),  # 20 % de 33,07 = 6,614 -> 6,61
    ]


def test_sans_titre_pas_d_emolument_a444_44(clerc):
    debiteur = creer_debiteur(etude=clerc.etude, revenus_mensuels_nets=D("1800.00"))
    dossier = creer_dossier(acteur=clerc, debiteurs=[debiteur], titre=False)
    plan = services.echeancier_accepter(
        acteur=clerc, dossier=dossier, nombre=12, premiere=date(2025, 4, 10), le=date(2025, 4, 1)
    )
    for mois in range(4, 11):
        _verser(clerc, dossier, date(2025, mois, 10), str(plan.echeances.first().montant))
    assert _nuit(date(2025, 10, 11))["emoluments"] == "0.00"


def test_commande_nuit_deux_fois_pour_une_date_rien_de_nouveau(clerc, dossier, capsys):
    services.echeancier_accepter(
        acteur=clerc, dossier=dossier, nombre=12, premiere=date(2025, 6, 10), le=date(2025, 6, 2)
    )
    with time_machine.travel(date(2025, 7, 12), tick=False):
        call_command("nuit", "--date", "2025-07-11", "--partie", "echeances")
        evenements = Evenement.objects.count()
        echeances = list(
            Echeancier.objects.get(dossier=dossier).echeances.values_list("etat", "manquee_le")
        )
        call_command("nuit", "--date", "2025-07-11", "--partie", "echeances")
    assert Evenement.objects.count() == evenements
    assert (
        list(Echeancier.objects.get(dossier=dossier).echeances.values_list("etat", "manquee_le"))
        == echeances
    )
    assert echeances[0] == (EtatEcheance.EN_RETARD, date(2025, 7, 11))
