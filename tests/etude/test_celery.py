"""La chaîne Celery réelle : tâche envoyée à Redis, exécutée par un worker séparé."""

import pytest

from etude.celery import app
from etude.tasks import ping

pytest_plugins = ["tests.celery_fixtures"]


@pytest.mark.celery
def test_un_worker_reel_execute_la_tache_ping(celery_worker_process):
    resultat = ping.delay()
    assert resultat.get(timeout=30) == "pong"
    assert "etude.ping" in celery_worker_process.lire_journal()


def test_sans_broker_la_tache_s_execute_dans_le_processus():
    assert app.conf.task_always_eager
    assert ping.delay().get() == "pong"


def test_le_mode_embarque_revient_apres_le_worker():
    # Import tardif : le module est chargé comme plugin (pytest_plugins) avant les tests.
    from tests.celery_fixtures import application_sur_redis

    with application_sur_redis("etude-tests-essai"):
        assert not app.conf.task_always_eager
        assert app.conf.task_default_queue == "etude-tests-essai"
    assert app.conf.task_always_eager
    assert ping.delay().get() == "pong"
