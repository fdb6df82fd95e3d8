"""Worker Celery tué (SIGKILL) pendant la nuit (tâche `etude.nuit`, beat 22 h 30) : la tâche,
prise avec acquittement tardif, reste dans Redis parmi les non acquittées (`unacked`) ; un
worker redémarré la remet dans la file dès son démarrage une fois son délai de visibilité
passé, la reprend, et l'état final est celui d'une exécution propre (étude jumelle A, voir
outils.py) : rien de perdu, rien de doublé, grand livre équilibré.

Redis et worker propres au test (on tue le worker ; un délai court sur le Redis partagé
relivrerait les tâches des autres tests). Le premier worker a le délai de production
(CELERY_VISIBILITE_S, 3600 s) ; le second un délai d'une seconde : en production la nuit
revient après le délai (au plus délai + balayage, voir etude/settings.py) ; le test ne le
raccourcit que pour ne pas attendre une heure. Ce qui est prouvé : la tâche n'est pas perdue
(elle est dans `unacked` après le SIGKILL), le worker suivant la relivre, et la reprise
finit comme l'exécution propre.
"""

import tempfile
import time
import uuid

import pytest
from django.db import connection

from tests.celery_fixtures import application_sur_redis
from tests.pannes import outils

pytestmark = [
    pytest.mark.celery,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="worker sur la base de test"),
]


def test_worker_tue_pendant_la_nuit_la_tache_revient_et_l_etat_egale_l_execution_propre(
    deux_etudes, redis_a_soi
):
    from etude.tasks import nuit

    b, le = deux_etudes["b"], deux_etudes["le"]
    file = f"etude-pannes-{uuid.uuid4().hex[:8]}"
    depart = outils.ecritures_de(b)
    with tempfile.TemporaryFile() as journal, application_sur_redis(file, redis_a_soi.url):
        premier = outils.Worker(file, redis_a_soi.url, journal)
        second = None
        try:
            # Envoyée avant que le worker écoute : elle attend dans la file, comme au soir.
            resultat = nuit.delay(le.isoformat())
            limite = time.monotonic() + 120
            while outils.ecritures_de(b) == depart:
                assert premier.processus.poll() is None, outils.lire(journal)
                assert time.monotonic() < limite, outils.lire(journal)
                time.sleep(0.02)
            premier.tuer()
            # Tué au milieu : B n'est pas encore dans l'état propre, la tâche attend dans
            # Redis parmi les non acquittées (ni perdue, ni finie).
            assert outils.differences(deux_etudes["propre"], outils.instantane(b)), (
                "la nuit avait fini avant le SIGKILL : panne non simulée"
            )
            assert not resultat.ready()
            assert redis_a_soi.client().hlen("unacked") == 1
            outils.attendre_verrou_libre()
            # Redémarrage : le nouveau worker relivre la tâche non acquittée et la reprend.
            second = outils.Worker(
                file, redis_a_soi.url, journal, CELERY_VISIBILITE_S="1", CELERY_RESTAURATION_S="1"
            )
            resume = resultat.get(timeout=150)
            assert resume["deja_en_cours"] is False
            assert resume["echecs"] == {}
            outils.verifier_etat_propre(deux_etudes)
            assert redis_a_soi.client().hlen("unacked") == 0
            # Le beat du lendemain (même journée relancée) n'écrit rien de plus.
            ecrit = outils.ecritures_de(b)
            assert nuit.delay(le.isoformat()).get(timeout=150)["echecs"] == {}
            assert outils.ecritures_de(b) == ecrit
        finally:
            premier.tuer()
            if second is not None:
                second.arreter()
