"""`manage.py demo` : des procédures de chaque sorte dans chacun de leurs états (CONTRAT)."""

from collections import defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

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
    # répartitions par contribution (C. civ. 2285) : 4 200 € pour 7 845 € et 4 380 €
    # (12 225 €) : 4 200 × 7 845 / 12 225 = 2 695,2147… -> 2 695,21 ; 4 200 × 4 380 / 12 225
    # = 1 504,7852… -> 1 504,78 ; le centime restant au plus fort reste (0,0052 contre
    # 0,0047) : 2 695,21 et 1 504,79.
    assert Intervention.objects.count() == 2
    vente = Repartition.objects.get(procedure__type="saisie_vente")
    assert list(vente.parts.values_list("part", flat=True)) == [
        Decimal("2695.21"),
        Decimal("1504.79"),
    ]
    # 825 € pour 9 870,25 € et 2 310 € (12 180,25 €) : 825 × 9 870,25 / 12 180,25 =
    # 668,5376… -> 668,53 ; 825 × 2 310 / 12 180,25 = 156,4623… -> 156,46 ; le centime
    # restant va au plus fort reste (0,0076 contre 0,0023) : 668,54 et 156,46.
    remunerations = Repartition.objects.get(procedure__type="saisie_remunerations")
    assert list(remunerations.parts.values_list("part", flat=True)) == [
        Decimal("668.54"),
        Decimal("156.46"),
    ]


def test_une_seconde_execution_ne_cree_rien():
    premiere = _lancer()
    avant = (Procedure.objects.count(), Delai.objects.count(), Evenement.objects.count())
    seconde = _lancer()
    assert (Procedure.objects.count(), Delai.objects.count(), Evenement.objects.count()) == avant
    assert seconde == premiere
