"""`manage.py demo` : des procédures de chaque sorte dans chacun de leurs états (CONTRAT)."""

from collections import defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from comptabilite.services import decompte_dossier
from etude.models import Evenement
from procedures import demo
from procedures.models import MODELES, Approbation, Delai, Intervention, Procedure, Repartition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def reglages_rapides(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = True


def _lancer() -> str:
    sortie = StringIO()
    call_command("demo", stdout=sortie)
    return sortie.getvalue()


def _etats() -> dict[str, set[str]]:
    presents = defaultdict(set)
    for type_, modele in MODELES.items():
        presents[type_] |= set(modele.objects.values_list("etat", flat=True))
    return presents


def test_chaque_etat_de_chaque_machine_est_present_apres_demo():
    _lancer()
    presents = _etats()
    for type_, modele in MODELES.items():
        manquants = {e.value for e in modele.Etat} - presents[type_]
        assert not manquants, f"{type_} : états absents de la démo {sorted(manquants)}"
    # Chaque scénario finit dans l'état qu'il annonce (un par état, rien de plus).
    attendus = defaultdict(set)
    for scenario in demo.SCENARIOS:
        attendus[scenario.type].add(scenario.etat)
    assert attendus == presents


def test_les_procedures_passent_par_les_services_et_la_nuit():
    _lancer()
    # Par les services : une ouverture journalisée par procédure, des délais ouverts et clos.
    # Les dossiers « ACTES-… » sont ceux de la démo des actes (actes/demo.py).
    des_actes = {"dossier__reference_creancier__startswith": "ACTES-"}
    ouvertures = Evenement.objects.filter(action="procedure_ouvrir").exclude(**des_actes)
    assert ouvertures.count() == len(demo.SCENARIOS)
    assert Procedure.objects.exclude(**des_actes).count() == len(demo.SCENARIOS)
    assert Delai.objects.filter(statut="ouvert").exists()
    assert Delai.objects.filter(statut="depasse").exists()
    # La nuit a constaté les sanctions, en le journalisant.
    assert Evenement.objects.filter(action="saisievente_constater_caducite").exists()
    assert Evenement.objects.filter(acteur_libelle="nuit").exists()
    # Approbations : accordées puis l'étape faite ; une laissée dans la file.
    assert Approbation.objects.filter(decision="approuvee").exists()
    en_attente = Approbation.objects.filter(decision="")
    assert en_attente.count() == 1
    assert en_attente.get().transition == "dresser_pv_expulsion"
    # Une opposition en saisie-vente, une intervention en saisie des rémunérations, et leurs
    # répartitions par contribution (C. civ. 2285) : la créance du premier saisissant est
    # celle du décompte du dossier au jour de la répartition, avant sa part (dates relatives
    # au jour de la démo : chiffres calculés à la main dans test_interventions.py), celle de
    # l'autre créancier sa créance déclarée ; 4 200 € et 825 € répartis en entier.
    assert Intervention.objects.count() == 2
    for type_, montant, declaree in (
        ("saisie_vente", "4200.00", "4380.00"),
        ("saisie_remunerations", "825.00", "2310.00"),
    ):
        repartition = Repartition.objects.get(procedure__type=type_)
        premier, autre = repartition.parts.order_by("id")
        decompte = decompte_dossier(repartition.procedure.dossier, le=repartition.le)
        # Sa part est passée au grand livre du dossier (versement « répartition ») : le
        # décompte du jour l'a déjà déduite.
        assert premier.versement.montant == premier.part
        assert premier.creance == decompte.total_du + premier.part > premier.part
        assert autre.creance == Decimal(declaree)
        assert premier.part + autre.part == Decimal(montant) == repartition.montant


def test_une_seconde_execution_ne_cree_rien():
    premiere = _lancer()
    avant = (Procedure.objects.count(), Delai.objects.count(), Evenement.objects.count())
    seconde = _lancer()
    assert (Procedure.objects.count(), Delai.objects.count(), Evenement.objects.count()) == avant
    assert seconde == premiere
