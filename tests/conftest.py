"""Personas de l'étude : un utilisateur par rôle, et un clerc d'une autre étude."""

import pytest
from hypothesis import settings

from comptabilite import referentiel
from tests.factories import creer_etude, creer_utilisateur

# Aucun test ne juge une durée (la vitesse se prouve par bench/) : le délai par exemple de
# Hypothesis (200 ms) faisait échouer des propriétés justes sous une charge de 17 sur 2 cœurs.
settings.register_profile("etude", deadline=None)
settings.load_profile("etude")


@pytest.fixture
def etude(db):
    return creer_etude()


@pytest.fixture
def autre_etude_obj(db):
    return creer_etude(nom="Étude Bernard", departement="67")


@pytest.fixture
def clerc(etude):
    return creer_utilisateur(etude=etude, role="clerc", username="clerc")


@pytest.fixture
def principal_clerc(etude):
    return creer_utilisateur(etude=etude, role="principal_clerc", username="principal")


@pytest.fixture
def commissaire(etude):
    return creer_utilisateur(etude=etude, role="commissaire", username="commissaire")


@pytest.fixture
def comptable(etude):
    return creer_utilisateur(etude=etude, role="comptable", username="comptable")


@pytest.fixture
def lecture(etude):
    return creer_utilisateur(etude=etude, role="lecture", username="lecture")


@pytest.fixture
def autre_etude(autre_etude_obj):
    """Un clerc d'une autre étude : il ne doit rien voir de la première."""
    return creer_utilisateur(etude=autre_etude_obj, role="clerc", username="intrus")


@pytest.fixture(autouse=True)
def _cache_de_reference_vide():
    """Chaque test part d'un cache de référence vide : les données semées par la migration
    (ou modifiées par un test) sont relues dans la transaction du test. Sans cela, un test
    qui retire un barème laisse son cache au suivant, et un test sans base ne passe que si
    un autre a chauffé le cache moins de 5 minutes avant (DUREE_CACHE_SECONDES)."""
    referentiel.vider_cache()
    yield
    referentiel.vider_cache()


@pytest.fixture(autouse=True)
def _donnees_reference_apres_vidage(request):
    """Un test transactionnel (fixture `transactional_db`, `live_server`, ou marque
    `django_db(transaction=True)` : serveur de test, fils concurrents, worker Celery) vide
    toutes les tables à la fin, y compris les données de référence semées par migration : le
    test suivant de ce genre les recharge (idempotent, clé naturelle) avant de commencer.
    Pas de `serialized_rollback` : il réinsère des groupes que le signal post_migrate du
    vidage a déjà recréés (clé `auth_group_name_key` en double selon l'ordre des tests)."""
    marque = request.node.get_closest_marker("django_db")
    transactionnel = marque is not None and (
        marque.kwargs.get("transaction") or (marque.args and marque.args[0])
    )
    if transactionnel or {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db")
        from django.apps import apps

        from comptabilite import chargement

        chargement.charger(apps)
        referentiel.vider_cache()
        from actes import chargement as chargement_actes

        chargement_actes.charger_textes(apps.get_model("actes", "TexteArticle"))
        chargement_actes.charger_modeles(apps.get_model("actes", "ModeleActe"))
    yield
