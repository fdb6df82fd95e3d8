"""Deux études jumelles pour les tests de pannes (voir outils.py)."""

import tempfile
import time

import pytest

from etude.models import Etude
from tests.pannes import outils

# Petit jeu : la nuit y écrit des intérêts, des délais échus, des caducités et leurs
# événements ; assez court pour que les processus tués tiennent en quelques secondes.
DOSSIERS = 60


@pytest.fixture
def deux_etudes(transactional_db):
    """A générée et passée proprement (en processus à part), B générée à l'identique."""
    le = outils.journee_de_test()
    outils.generer(outils.SIRET_PROPRE, DOSSIERS)
    a = Etude.objects.get(siret=outils.SIRET_PROPRE)
    avant_nuit = outils.instantane(a)
    with tempfile.TemporaryFile() as sortie:
        debut = time.monotonic()
        processus = outils.lancer_nuit(le, sortie)
        assert processus.wait(180) == 0, outils.lire(sortie)
        duree = time.monotonic() - debut
    propre = outils.instantane(a)
    assert outils.differences(avant_nuit, propre), "la nuit propre n'a rien écrit : test vide"
    outils.generer(outils.SIRET_PANNE, DOSSIERS)
    b = Etude.objects.get(siret=outils.SIRET_PANNE)
    # Même génération : avant la nuit, B est dans l'état où était A.
    assert outils.differences(avant_nuit, outils.instantane(b)) == {}
    return {"le": le, "a": a, "b": b, "propre": propre, "duree": duree}


@pytest.fixture
def redis_a_soi(tmp_path):
    """Un redis-server propre au test (outils.ServeurRedis), arrêté à la fin."""
    import shutil

    if shutil.which("redis-server") is None:
        from tests.celery_fixtures import _sauter_ou_echouer

        _sauter_ou_echouer("redis-server introuvable")
    serveur = outils.ServeurRedis(tmp_path)
    serveur.demarrer()
    yield serveur
    serveur.tuer()
