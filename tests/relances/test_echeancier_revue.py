"""Revue au navigateur des échéanciers (session 5) : durée mesurée de l'accord à la dernière
échéance (C. civ. 1343-5), mise en demeure propre à chaque défaut, scénario repris après un
plan refusé, suite « scénario » réservée aux dossiers qui en suivent un."""

from datetime import date, datetime
from decimal import Decimal as D

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from comptabilite.services import versement_enregistrer
from etude.errors import RegleMetier
from etude.models import Evenement
from etude.nuit import executer_nuit
from relances.models import AffectationScenario, Echeancier, EtatEcheancier
from relances.services import echeanciers as services
from tests.factories import creer_debiteur, creer_dossier

from .conftest import PARIS, creer_dossier_joignable, creer_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(clerc):
    debiteur = creer_debiteur(etude=clerc.etude, revenus_mensuels_nets=D("1800.00"))
    return creer_dossier(acteur=clerc, debiteurs=[debiteur], titre=False)


def _nuit(le):
    return executer_nuit(le, parties=["echeances"])["parties"]["echeances"]["resultat"]


def _verser(clerc, dossier, jour, montant):
    return versement_enregistrer(
        acteur=clerc, dossier=dossier, montant=D(montant), date_valeur=jour, mode="virement"
    )


# --- 1. Durée du plan : de l'accord à la dernière échéance -------------------------------


def test_premiere_echeance_au_dela_de_la_duree_est_refusee(clerc, dossier):
    """Le cas de la revue : accord le 27/11/2026, première échéance le 01/06/2029."""
    with pytest.raises(ValidationError) as erreur:
        services.echeancier_accepter(
            acteur=clerc,
            dossier=dossier,
            nombre=24,
            premiere=date(2029, 6, 1),
            le=date(2026, 11, 27),
        )
    assert "01/06/2029" in erreur.value.messages[0]
    assert (
        "au-delà de la durée de l'étude (24 mois après l'accord, soit le 27/11/2028)"
        in (erreur.value.messages[0])
    )
    assert not Echeancier.objects.exists()


def test_plan_differe_dont_la_derniere_echeance_depasse_la_duree_est_hors_politique(
    clerc, dossier
):
    # 24 échéances à partir du 01/03/2026 : la dernière le 01/02/2028, au-delà du 02/06/2027.
    plan = services.echeancier_accepter(
        acteur=clerc, dossier=dossier, nombre=24, premiere=date(2026, 3, 1), le=date(2025, 6, 2)
    )
    assert plan.etat == EtatEcheancier.A_APPROUVER
    assert plan.motifs_hors_politique == [
        "24 échéances mensuelles, la dernière le 01/02/2028, 32 mois après l'accord : "
        "au-delà de la durée de l'étude (24 mois)"
    ]
    assert not plan.echeances.filter(date__gt=date(2028, 2, 1)).exists()


def test_plan_de_24_echeances_qui_tient_dans_les_deux_annees_court(clerc, dossier):
    plan = services.echeancier_accepter(
        acteur=clerc, dossier=dossier, nombre=24, premiere=date(2025, 6, 2), le=date(2025, 6, 2)
    )
    assert plan.etat == EtatEcheancier.EN_COURS and plan.motifs_hors_politique == []


def test_propositions_d_un_plan_differe_tiennent_dans_la_duree(clerc):
    dossier = creer_dossier(acteur=clerc, titre=False)  # revenus inconnus : toute la durée
    resultat = services.propositions_calculer(
        dossier, le=date(2025, 6, 2), premiere=date(2026, 3, 1)
    )
    # Du 01/03/2026 au 02/06/2027 : 16 échéances mensuelles (la dernière le 01/06/2027).
    assert [p.nombre for p in resultat.propositions] == [16]
    assert resultat.propositions[0].echeances[-1].date == date(2027, 6, 1)
    lointaine = services.propositions_calculer(
        dossier, le=date(2025, 6, 2), premiere=date(2028, 1, 1)
    )
    assert lointaine.propositions == []
    assert "au-delà de la durée de l'étude" in lointaine.erreurs[0]


@time_machine.travel(datetime(2026, 11, 27, 10, tzinfo=PARIS), tick=False)
def test_ecran_refuse_la_premiere_echeance_lointaine(client, clerc, dossier):
    client.force_login(clerc)
    page = client.get(
        reverse("echeancier_proposer", args=[dossier.reference]), {"premiere": "2029-06-01"}
    ).content.decode()
    assert "tombe au-delà de la durée de l&#x27;étude" in page
    assert 'max="2028-11-27"' in page
    reponse = client.post(
        reverse("echeancier_accepter", args=[dossier.reference]),
        {"nombre": "24", "premiere": "2029-06-01"},
        follow=True,
    )
    assert "tombe au-delà de la durée de l&#x27;étude" in reponse.content.decode()
    assert not Echeancier.objects.exists()


# --- 2. Une mise en demeure par défaut ---------------------------------------------------


def test_nouveau_defaut_apres_regularisation_demande_une_nouvelle_mise_en_demeure(
    client, clerc, dossier
):
    plan = services.echeancier_accepter(
        acteur=clerc, dossier=dossier, nombre=12, premiere=date(2025, 6, 10), le=date(2025, 6, 2)
    )
    mensualite = plan.echeances.first().montant
    # Premier défaut : échéance du 10/06 manquée, déchéance possible le 26/06, mise en
    # demeure le 30/06 ; le débiteur paie l'arriéré le 01/07.
    _nuit(date(2025, 6, 30))
    services.echeancier_mettre_en_demeure(acteur=clerc, echeancier=plan, le=date(2025, 6, 30))
    _verser(clerc, dossier, date(2025, 7, 1), str(mensualite))
    _nuit(date(2025, 7, 2))
    plan.refresh_from_db()
    assert plan.a_decheoir_depuis is None and plan.mise_en_demeure_le == date(2025, 6, 30)
    # Nouveau défaut : échéance du 10/07 manquée, déchéance possible le 26/07.
    _nuit(date(2025, 7, 26))
    plan.refresh_from_db()
    assert plan.a_decheoir_depuis == date(2025, 7, 26)
    assert not plan.mise_en_demeure_en_vigueur
    # La mise en demeure du 30/06 ne fonde pas la déchéance du nouveau défaut.
    with pytest.raises(RegleMetier, match="demande une nouvelle mise en demeure"):
        services.echeancier_prononcer_decheance(
            acteur=clerc, echeancier=plan, le=date(2025, 8, 10), suite="judiciaire"
        )
    # L'écran propose à nouveau la mise en demeure, pas la déchéance.
    client.force_login(clerc)
    detail = client.get(plan.get_absolute_url()).content.decode()
    assert "Mise en demeure envoyée aujourd'hui" in detail
    assert "Prononcer la déchéance du terme" not in detail
    assert "visait un défaut que le débiteur a régularisé" in detail

    services.echeancier_mettre_en_demeure(acteur=clerc, echeancier=plan, le=date(2025, 7, 28))
    plan.refresh_from_db()
    assert plan.mise_en_demeure_le == date(2025, 7, 28)
    assert plan.mises_en_demeure_anterieures == ["2025-06-30"]
    evenement = Evenement.objects.filter(action="echeancier_mettre_en_demeure").latest("id")
    assert evenement.avant["mise_en_demeure_le"] == "2025-06-30"
    assert evenement.apres["mise_en_demeure_le"] == "2025-07-28"
    assert "nouveau défaut depuis le 26/07/2025" in evenement.libelle
    # Une seule mise en demeure pour ce défaut.
    with pytest.raises(RegleMetier, match="déjà été faite le 28/07/2025 pour ce défaut"):
        services.echeancier_mettre_en_demeure(acteur=clerc, echeancier=plan, le=date(2025, 7, 29))
    detail = client.get(plan.get_absolute_url()).content.decode()
    assert "précédentes : 30/06/2025" in detail and "Prononcer la déchéance du terme" in detail
    # Son délai de 8 jours court : déchéance le 06/08 au plus tôt.
    with pytest.raises(RegleMetier, match="à partir du 06/08/2025"):
        services.echeancier_prononcer_decheance(
            acteur=clerc, echeancier=plan, le=date(2025, 8, 5), suite="judiciaire"
        )
    plan = services.echeancier_prononcer_decheance(
        acteur=clerc, echeancier=plan, le=date(2025, 8, 6), suite="judiciaire"
    )
    assert plan.etat == EtatEcheancier.DECHU


# --- 3. Scénario repris quand le plan qui l'arrêtait est refusé --------------------------


def _nuit_relances(jour, capture):
    moment = datetime(jour.year, jour.month, jour.day, 10, tzinfo=PARIS)
    with time_machine.travel(moment), capture(execute=True):
        return executer_nuit(jour, parties=["echeances", "relances"])


def test_plan_refuse_le_scenario_reprend_a_la_campagne_suivante(
    client, clerc, principal_clerc, django_capture_on_commit_callbacks
):
    creer_scenario(etude=clerc.etude)
    dossier = creer_dossier_joignable(
        acteur=clerc,
        ouvert_le=date(2025, 5, 1),
        debiteur={"revenus_mensuels_nets": D("1800.00")},
    )
    _nuit_relances(date(2025, 6, 2), django_capture_on_commit_callbacks)
    # Plan de 30 mois : hors politique, à approuver ; il arrête le scénario.
    plan = services.echeancier_accepter(
        acteur=clerc, dossier=dossier, nombre=30, premiere=date(2025, 6, 10), le=date(2025, 6, 2)
    )
    _nuit_relances(date(2025, 6, 3), django_capture_on_commit_callbacks)
    affectation = AffectationScenario.objects.get(dossier=dossier)
    assert affectation.arret == "plan"
    client.force_login(clerc)
    fiche = client.get(dossier.get_absolute_url()).content.decode()
    assert "Plan de paiement à approuver ou en cours" in fiche

    with time_machine.travel(datetime(2025, 6, 4, 15, tzinfo=PARIS), tick=False):
        services.echeancier_decider(
            acteur=principal_clerc, echeancier=plan, approuve=False, commentaire="Trop long."
        )
        fiche = client.get(dossier.get_absolute_url()).content.decode()
    assert "plus aucun plan à approuver ni en cours" in fiche
    _nuit_relances(date(2025, 6, 5), django_capture_on_commit_callbacks)
    affectation.refresh_from_db()
    assert affectation.arret == "" and affectation.arrete_le is None
    repris = Evenement.objects.get(action="relances.scenario_reprendre", dossier=dossier)
    assert repris.libelle == "Scénario repris : le plan hors politique a été refusé"
    # La nuit suivante n'écrit rien de plus.
    _nuit_relances(date(2025, 6, 6), django_capture_on_commit_callbacks)
    assert Evenement.objects.filter(action="relances.scenario_reprendre").count() == 1


def test_plan_refuse_apres_la_campagne_ne_reprend_qu_a_la_suivante(
    clerc, principal_clerc, django_capture_on_commit_callbacks
):
    """Une campagne rejouée pour une journée passée ne reprend pas sur une décision prise
    plus tard ; un plan plus récent déchu vers la voie judiciaire laisse l'arrêt."""
    creer_scenario(etude=clerc.etude)
    dossier = creer_dossier_joignable(
        acteur=clerc,
        ouvert_le=date(2025, 5, 1),
        debiteur={"revenus_mensuels_nets": D("1800.00")},
    )
    _nuit_relances(date(2025, 6, 2), django_capture_on_commit_callbacks)
    plan = services.echeancier_accepter(
        acteur=clerc, dossier=dossier, nombre=30, premiere=date(2025, 6, 10), le=date(2025, 6, 2)
    )
    _nuit_relances(date(2025, 6, 3), django_capture_on_commit_callbacks)
    with time_machine.travel(datetime(2025, 6, 10, 15, tzinfo=PARIS), tick=False):
        services.echeancier_decider(
            acteur=principal_clerc, echeancier=plan, approuve=False, commentaire="Non."
        )
    _nuit_relances(date(2025, 6, 4), django_capture_on_commit_callbacks)
    assert AffectationScenario.objects.get(dossier=dossier).arret == "plan"
    # Nouveau plan dans la politique, mis en demeure puis déchu vers la voie judiciaire.
    second = services.echeancier_accepter(
        acteur=clerc, dossier=dossier, nombre=6, premiere=date(2025, 6, 12), le=date(2025, 6, 11)
    )
    _nuit(date(2025, 6, 28))
    services.echeancier_mettre_en_demeure(acteur=clerc, echeancier=second, le=date(2025, 6, 28))
    services.echeancier_prononcer_decheance(
        acteur=clerc, echeancier=second, le=date(2025, 7, 7), suite="judiciaire"
    )
    _nuit_relances(date(2025, 7, 8), django_capture_on_commit_callbacks)
    assert AffectationScenario.objects.get(dossier=dossier).arret == "plan"
    assert not Evenement.objects.filter(action="relances.scenario_reprendre").exists()


# --- 4. Suite « scénario » seulement pour un dossier qui en suit un ----------------------


def _plan_a_decheoir(clerc, dossier):
    plan = services.echeancier_accepter(
        acteur=clerc, dossier=dossier, nombre=6, premiere=date(2025, 6, 10), le=date(2025, 6, 2)
    )
    _nuit(date(2025, 6, 30))
    return services.echeancier_mettre_en_demeure(
        acteur=clerc, echeancier=plan, le=date(2025, 6, 30)
    )


def test_decheance_vers_le_scenario_refusee_sans_scenario(client, clerc, dossier):
    plan = _plan_a_decheoir(clerc, dossier)
    client.force_login(clerc)
    detail = client.get(plan.get_absolute_url()).content.decode()
    assert 'value="scenario"' not in detail
    assert 'value="judiciaire" checked' in detail
    assert "ne suit aucun scénario de relance" in detail
    with pytest.raises(ValidationError, match="ne suit aucun scénario de relance"):
        services.echeancier_prononcer_decheance(
            acteur=clerc, echeancier=plan, le=date(2025, 7, 9), suite="scenario"
        )
    plan.refresh_from_db()
    assert plan.etat == EtatEcheancier.EN_COURS
    reponse = client.post(
        reverse("echeancier_decheance", args=[plan.pk]), {"suite": "scenario"}, follow=True
    )
    assert "ne suit aucun scénario de relance" in reponse.content.decode()


def test_decheance_vers_le_scenario_proposee_si_le_dossier_en_suit_un(client, clerc, dossier):
    scenario = creer_scenario(etude=clerc.etude)
    AffectationScenario.objects.create(
        etude=clerc.etude, dossier=dossier, scenario=scenario, depuis=date(2025, 6, 1)
    )
    plan = _plan_a_decheoir(clerc, dossier)
    client.force_login(clerc)
    detail = client.get(plan.get_absolute_url()).content.decode()
    assert 'value="scenario" checked' in detail
    plan = services.echeancier_prononcer_decheance(
        acteur=clerc, echeancier=plan, le=date(2025, 7, 9), suite="scenario"
    )
    assert plan.etat == EtatEcheancier.DECHU and plan.suite == "scenario"
