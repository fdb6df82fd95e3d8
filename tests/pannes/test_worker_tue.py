"""Worker Celery tué (SIGKILL) pendant la nuit (tâche `etude.nuit`, beat 22 h 30) : la tâche,
prise avec acquittement tardif, revient dans la file Redis après le délai de visibilité ; un
worker redémarré la reprend, et l'état final est celui d'une exécution propre (étude jumelle
A, voir outils.py) : rien de perdu, rien de doublé, grand livre équilibré.

Un worker propre au test (pas celui de la session : on le tue), file Redis propre, délai de
visibilité court (CELERY_VISIBILITE_S) pour que la relivraison ait lieu pendant le test.
"""

import signal
import subprocess
import sys
import tempfile
import time
import uuid

import pytest
from django.db import connection

from tests.celery_fixtures import (
    REDIS_URL,
    _redis_injoignable,
    _sauter_ou_echouer,
    application_sur_redis,
)
from tests.pannes import outils

pytestmark = [
    pytest.mark.celery,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="worker sur la base de test"),
]

VISIBILITE_S = 6


def _demarrer_worker(file: str, journal) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "etude",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "-Q",
            file,
            "-n",
            f"{file}-{uuid.uuid4().hex[:4]}@localhost",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=outils.RACINE,
        env=outils.environnement(
            CELERY_BROKER_URL=REDIS_URL,
            CELERY_RESULT_BACKEND=REDIS_URL,
            CELERY_VISIBILITE_S=str(VISIBILITE_S),
            LOG_LEVEL="INFO",
        ),
        stdout=journal,
        stderr=subprocess.STDOUT,
    )


def _arreter(processus: subprocess.Popen) -> None:
    if processus.poll() is None:
        processus.terminate()
        try:
            processus.wait(20)
        except subprocess.TimeoutExpired:
            processus.kill()
            processus.wait()


def test_worker_tue_pendant_la_nuit_la_tache_revient_et_l_etat_egale_l_execution_propre(
    deux_etudes,
):
    raison = _redis_injoignable()
    if raison:
        _sauter_ou_echouer(raison)
    from etude.tasks import nuit

    b, le = deux_etudes["b"], deux_etudes["le"]
    file = f"etude-pannes-{uuid.uuid4().hex[:8]}"
    depart = outils.ecritures_de(b)
    with tempfile.TemporaryFile() as journal, application_sur_redis(file):
        premier = _demarrer_worker(file, journal)
        second = None
        try:
            # Envoyée avant que le worker écoute : elle attend dans la file, comme au soir.
            resultat = nuit.delay(le.isoformat())
            limite = time.monotonic() + 120
            while outils.ecritures_de(b) == depart:
                assert premier.poll() is None, outils.lire(journal)
                assert time.monotonic() < limite, outils.lire(journal)
                time.sleep(0.02)
            premier.send_signal(signal.SIGKILL)
            premier.wait(30)
            # Tué au milieu : B n'est pas encore dans l'état propre.
            assert outils.differences(deux_etudes["propre"], outils.instantane(b)), (
                "la nuit avait fini avant le SIGKILL : panne non simulée"
            )
            assert not resultat.ready()
            outils.attendre_verrou_libre()
            # Redémarrage : le nouveau worker reprend la tâche non acquittée.
            second = _demarrer_worker(file, journal)
            resume = resultat.get(timeout=120 + VISIBILITE_S)
            assert resume["deja_en_cours"] is False
            assert resume["echecs"] == {}
            outils.verifier_etat_propre(deux_etudes)
            # Le beat du lendemain (même journée relancée) n'écrit rien de plus.
            ecrit = outils.ecritures_de(b)
            assert nuit.delay(le.isoformat()).get(timeout=120)["echecs"] == {}
            assert outils.ecritures_de(b) == ecrit
        finally:
            _arreter(premier)
            if second is not None:
                _arreter(second)
