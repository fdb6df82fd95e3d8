"""Un vrai worker Celery pour les tests marqués `celery`.

Les autres tests gardent les tâches « embarquées » (CELERY_TASK_ALWAYS_EAGER, pas de
broker). Ceux qui veulent la vraie chaîne (sérialisation JSON, acks tardifs, file Redis,
worker séparé) demandent la fixture `celery_worker_process` :

    pytest_plugins = ["tests.celery_fixtures"]

    @pytest.mark.celery
    def test_...(celery_worker_process, transactional_db):
        resultat = ma_tache.delay(dossier.pk).get(timeout=30)

Le worker (`celery -A etude worker --pool solo`) est lancé une fois par session, sur la
base Redis 15 (ETUDE_TEST_REDIS_URL) et une file propre à la session ; il lit la base de
test de pytest-django. Il ne voit que des données validées : un test qui écrit avant
d'appeler une tâche prend `transactional_db`, pas `db`.

Redis injoignable : le test est sauté (avec la raison) sur un poste de développement, mais
échoue en intégration continue (CI=true), où .ci/run démarre Redis.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

REDIS_URL = os.environ.get("ETUDE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
RACINE = Path(__file__).resolve().parent.parent
DELAI_DEMARRAGE = 60  # secondes : import de Django et connexion au broker compris


@dataclass
class WorkerCelery:
    nom: str
    file: str
    processus: subprocess.Popen
    journal: Path

    def lire_journal(self) -> str:
        return self.journal.read_text(errors="replace")


def _redis_injoignable() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as erreur:
        return f"Redis injoignable à {REDIS_URL} ({erreur})"
    return None


def _sauter_ou_echouer(raison: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{raison} : en intégration continue, .ci/run doit le démarrer.")
    pytest.skip(f"{raison} : démarrez Redis pour lancer les tests du worker Celery.")


def _url_base_de_test() -> str:
    """DATABASE_URL de la base créée par pytest-django, pour le processus du worker."""
    from django.db import connection

    reglages = connection.settings_dict
    if connection.vendor != "postgresql":
        _sauter_ou_echouer("Le worker Celery partage la base de test : PostgreSQL requis")
    identite = quote(reglages["USER"] or "", safe="")
    if reglages["PASSWORD"]:
        identite += ":" + quote(reglages["PASSWORD"], safe="")
    hote = reglages["HOST"] or "127.0.0.1"
    port = reglages["PORT"] or 5432
    return f"postgres://{identite}@{hote}:{port}/{reglages['NAME']}"


@contextlib.contextmanager
def application_sur_redis(file: str, url: str = REDIS_URL):
    """Fait envoyer les tâches de l'application à Redis (file `file`, serveur `url`), puis rétablit
    le mode embarqué et vide les caches de connexion de Celery."""
    from etude.celery import app

    cles = ["broker_url", "result_backend", "task_always_eager", "task_default_queue"]
    avant = {cle: app.conf[cle] for cle in cles}

    def oublier_connexions():
        # Le pool reste ouvert dans le registre global de kombu (clé : l'URL) : on ne fait
        # qu'oublier la référence, pour que l'application le reprenne selon broker_url.
        app._pool = None
        app._backend_cache = None
        if hasattr(app._local, "backend"):
            del app._local.backend
        for attribut in ("amqp", "control"):
            app.__dict__.pop(attribut, None)

    oublier_connexions()
    app.conf.update(
        broker_url=url,
        result_backend=url,
        task_always_eager=False,
        task_default_queue=file,
    )
    try:
        yield app
    finally:
        oublier_connexions()
        app.conf.update(avant)


@pytest.fixture(scope="session")
def _celery_worker_session(django_db_setup):
    raison = _redis_injoignable()
    if raison:
        _sauter_ou_echouer(raison)
    file = f"etude-tests-{uuid.uuid4().hex[:8]}"
    nom = f"{file}@localhost"
    environnement = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "etude.settings",
        "DATABASE_URL": _url_base_de_test(),
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_RESULT_BACKEND": REDIS_URL,
    }
    journal = Path(tempfile.mkstemp(prefix="celery-worker-", suffix=".log")[1])
    with journal.open("wb") as sortie:
        processus = subprocess.Popen(
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
                nom,
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=RACINE,
            env=environnement,
            stdout=sortie,
            stderr=subprocess.STDOUT,
        )
    worker = WorkerCelery(nom=nom, file=file, processus=processus, journal=journal)
    try:
        with application_sur_redis(file) as app:
            limite = time.monotonic() + DELAI_DEMARRAGE
            while not app.control.ping(destination=[nom], timeout=0.5):
                if processus.poll() is not None or time.monotonic() > limite:
                    pytest.fail(
                        f"Le worker Celery n'a pas démarré en {DELAI_DEMARRAGE} s.\n"
                        + worker.lire_journal()[-4000:]
                    )
        yield worker
    finally:
        processus.terminate()
        try:
            processus.wait(timeout=15)
        except subprocess.TimeoutExpired:
            processus.kill()
            processus.wait()
        journal.unlink(missing_ok=True)


@pytest.fixture
def celery_worker_process(_celery_worker_session):
    """Le worker de la session, l'application réglée pour lui envoyer les tâches."""
    with application_sur_redis(_celery_worker_session.file):
        yield _celery_worker_session
