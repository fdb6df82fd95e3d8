"""Pannes de la nuit lancée par `manage.py nuit` (PostgreSQL, vrais processus) :

- tuée (SIGKILL) plusieurs fois à des instants aléatoires puis relancée : l'état final est
  celui d'une exécution propre, rien de perdu ni de doublé, grand livre équilibré ;
- deux passes lancées en même temps (deux beat, ou beat et cron) : le verrou consultatif de
  la nuit en laisse passer une, l'autre n'écrit rien.

Étude A : la nuit propre. Étude B : générée à l'identique, elle subit la panne (outils.py).
"""

import random
import signal
import subprocess
import tempfile
import time

import pytest
from django.db import connection

from tests.pannes import outils
from tests.pannes.outils import lire as _lire
from tests.pannes.outils import verifier_etat_propre as _verifier_etat_propre

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="processus concurrents sur une vraie base"
    ),
]


def test_nuit_tuee_a_des_instants_aleatoires_puis_relancee_egale_l_execution_propre(
    deux_etudes,
):
    graine = random.randrange(1_000_000)
    hasard = random.Random(graine)
    b, le, duree = deux_etudes["b"], deux_etudes["le"], deux_etudes["duree"]
    depart = outils.ecritures_de(b)
    instants = []
    # Deux coups au hasard sur toute la durée d'une passe (démarrage de Django compris),
    # puis un coup dès que la passe a commencé d'écrire dans B (au milieu du travail).
    for essai in range(3):
        with tempfile.TemporaryFile() as sortie:
            processus = outils.lancer_nuit(le, sortie)
            if essai < 2:
                attente = hasard.uniform(0.2, duree)
                time.sleep(attente)
            else:
                limite = time.monotonic() + 120
                while outils.ecritures_de(b) == depart and processus.poll() is None:
                    assert time.monotonic() < limite
                    time.sleep(0.02)
                attente = "premières écritures"
            processus.send_signal(signal.SIGKILL)
            processus.wait(30)
            instants.append((attente, processus.returncode))
        outils.attendre_verrou_libre()
    tues = [code for _, code in instants if code == -signal.SIGKILL]
    assert tues, f"aucune passe tuée en cours de route (graine {graine}) : {instants}"
    with tempfile.TemporaryFile() as sortie:
        processus = outils.lancer_nuit(le, sortie)
        assert processus.wait(180) == 0, _lire(sortie)
        assert "une autre passe" not in _lire(sortie)
    _verifier_etat_propre(deux_etudes)
    # Une relance de plus pour la même date n'écrit rien.
    ecrit = outils.ecritures_de(b)
    with tempfile.TemporaryFile() as sortie:
        assert outils.lancer_nuit(le, sortie).wait(180) == 0, _lire(sortie)
    assert outils.ecritures_de(b) == ecrit


def test_deux_nuits_simultanees_une_seule_travaille(deux_etudes):
    """Comme deux ordonnanceurs beat qui envoient chacun la nuit à 22 h 30."""
    le = deux_etudes["le"]
    with tempfile.TemporaryFile() as s1, tempfile.TemporaryFile() as s2:
        # La première prend le verrou ; la seconde part pendant qu'elle le tient.
        premiere = outils.lancer_nuit(le, s1)
        limite = time.monotonic() + 120
        while not outils.verrou_nuit_tenu():
            assert premiere.poll() is None, _lire(s1)
            assert time.monotonic() < limite
            time.sleep(0.01)
        seconde = outils.lancer_nuit(le, s2)
        codes = (premiere.wait(180), seconde.wait(180))
        sorties = (_lire(s1), _lire(s2))
    assert codes == (0, 0), sorties
    refusees = [s for s in sorties if "une autre passe de nuit est en cours" in s]
    # La seconde a pu démarrer après la fin de la première (machine lente) : elle a alors
    # travaillé pour rien (idempotence) ; sinon le verrou l'a arrêtée.
    assert len(refusees) <= 1, sorties
    _verifier_etat_propre(deux_etudes)


def test_le_verrou_de_la_nuit_arrete_une_seconde_passe(db):
    """Sans processus : tant qu'une connexion tient le verrou, executer_nuit ne fait rien."""
    import psycopg

    from etude.nuit import VERROU_NUIT, executer_nuit

    with psycopg.connect(outils.url_base_de_test(), autocommit=True) as autre:
        autre.execute("SELECT pg_advisory_lock(%s)", [VERROU_NUIT])
        resume = executer_nuit(outils.journee_de_test())
        assert resume["deja_en_cours"] is True
        assert resume["parties"] == {}
        autre.execute("SELECT pg_advisory_unlock(%s)", [VERROU_NUIT])
    resume = executer_nuit(outils.journee_de_test())
    assert resume["deja_en_cours"] is False
    assert set(resume["parties"]) >= {"interets", "delais"}


def test_le_processus_tue_rend_le_verrou(db):
    """SIGKILL pendant que le verrou est tenu : PostgreSQL le rend, la nuit suivante passe."""
    code = (
        "import django, time; django.setup(); from django.db import connection; "
        "from etude.nuit import VERROU_NUIT; c = connection.cursor(); "
        "c.execute('SELECT pg_advisory_lock(%s)', [VERROU_NUIT]); print('tenu', flush=True); "
        "time.sleep(600)"
    )
    processus = subprocess.Popen(
        [outils.sys.executable, "-c", code],
        cwd=outils.RACINE,
        env=outils.environnement(),
        stdout=subprocess.PIPE,
    )
    try:
        assert processus.stdout.readline().strip() == b"tenu"
        assert outils.verrou_nuit_tenu()
    finally:
        processus.send_signal(signal.SIGKILL)
        processus.wait(30)
    outils.attendre_verrou_libre()
