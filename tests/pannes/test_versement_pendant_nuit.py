"""Un versement et la nuit sur les mêmes dossiers en même temps, chacun dans son processus
(le cas en fils d'exécution est dans tests/comptabilite/test_concurrence.py) : la nuit tourne
par `manage.py nuit`, les versements par un second interpréteur Django qui attend, bloqué sur
un verrou consultatif que tient le test, de pouvoir payer : le test le rend quand la nuit
écrit. Résultat : celui de la série (les mêmes dossiers payés
puis passés par la nuit), aucune erreur de verrou (ni verrou mortel, ni versement refusé),
grands livres équilibrés.
"""

import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal as D

import psycopg
import pytest
from django.db import connection

from comptabilite import grand_livre
from comptabilite.models import Ecriture, SoldeDossier
from comptabilite.services import versement_enregistrer
from tests.factories import creer_titre_comptable
from tests.pannes import outils

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="processus concurrents sur une vraie base"
    ),
]

LE = date(2025, 6, 30)
CHAMPS = ("frais", "interets", "principal", "excedent", "verse", "du")
SIGNAL = 0x50415945  # « PAYE » : verrou consultatif qui retient le payeur
MONTANTS = ("1500.00", "300.00", "4700.00")  # intérêts et frais, principal, excédent
VERSER = """
import sys
from datetime import date
from decimal import Decimal

import django

django.setup()
from django.db import connection

from comptabilite.services import versement_enregistrer
from dossiers.models import Dossier
from etude.models import Utilisateur

acteur = Utilisateur.objects.get(pk=int(sys.argv[1]))
paires = [p.split("=") for p in sys.argv[2:]]
with connection.cursor() as curseur:  # le signal du test
    curseur.execute("SELECT pg_advisory_lock({verrou})")
    curseur.execute("SELECT pg_advisory_unlock({verrou})")
for pk, montant in paires:
    versement_enregistrer(
        acteur=acteur, dossier=Dossier.objects.get(pk=int(pk)), montant=Decimal(montant),
        date_valeur=date.fromisoformat("{le}"), mode="virement",
    )
print("payes", flush=True)
"""


def _attend_le_signal(signal) -> bool:
    return (
        signal.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
            "AND ((classid::bigint << 32) | objid::bigint) = %s",
            [SIGNAL],
        ).fetchone()[0]
        > 0
    )


def _etat(dossier):
    solde = SoldeDossier.objects.get(pk=dossier.pk)
    return {champ: getattr(solde, champ) for champ in CHAMPS}


def test_versements_pendant_la_nuit_en_processus_separes_egalent_la_serie(clerc):
    concurrents = [creer_titre_comptable(acteur=clerc) for _ in MONTANTS]
    serie = [creer_titre_comptable(acteur=clerc) for _ in MONTANTS]
    # Assez de dossiers pour que la nuit dure pendant les versements.
    autres = [creer_titre_comptable(acteur=clerc) for _ in range(20)]
    for dossier in concurrents + serie + autres:  # grands livres ouverts, intérêts à la veille
        versement_enregistrer(
            acteur=clerc,
            dossier=dossier,
            montant=D("10.00"),
            date_valeur=date(2025, 5, 2),
            mode="virement",
        )
    # La série : payés, puis la nuit (la même passe que les concurrents).
    for dossier, montant in zip(serie, MONTANTS, strict=True):
        versement_enregistrer(
            acteur=clerc, dossier=dossier, montant=D(montant), date_valeur=LE, mode="virement"
        )
    ecritures = Ecriture.objects.count()
    with (
        psycopg.connect(outils.url_base_de_test(), autocommit=True) as signal,
        tempfile.TemporaryFile() as sortie_payeur,
        tempfile.TemporaryFile() as sortie,
    ):
        signal.execute("SELECT pg_advisory_lock(%s)", [SIGNAL])
        code = VERSER.replace("{le}", LE.isoformat()).replace("{verrou}", str(SIGNAL))
        payeur = subprocess.Popen(
            [sys.executable, "-c", code, str(clerc.pk)]
            + [f"{d.pk}={m}" for d, m in zip(concurrents, MONTANTS, strict=True)],
            cwd=outils.RACINE,
            env=outils.environnement(),
            stdout=sortie_payeur,
            stderr=subprocess.STDOUT,
        )
        nuit = None
        try:
            # Le payeur est prêt (Django chargé) quand il attend le verrou.
            limite = time.monotonic() + 120
            while not _attend_le_signal(signal):
                assert payeur.poll() is None, outils.lire(sortie_payeur)
                assert time.monotonic() < limite, outils.lire(sortie_payeur)
                time.sleep(0.02)
            nuit = outils.lancer_nuit(LE, sortie)
            # Le signal part quand la nuit a commencé d'écrire (intérêts du jour).
            limite = time.monotonic() + 120
            while Ecriture.objects.count() == ecritures and nuit.poll() is None:
                assert time.monotonic() < limite, outils.lire(sortie)
                time.sleep(0.01)
            en_cours = nuit.poll() is None
            signal.execute("SELECT pg_advisory_unlock(%s)", [SIGNAL])
            assert payeur.wait(120) == 0, outils.lire(sortie_payeur)
            assert nuit.wait(180) == 0, outils.lire(sortie)
            sorties_payeur, journal_nuit = outils.lire(sortie_payeur), outils.lire(sortie)
        finally:
            for processus in (payeur, nuit):
                if processus is not None and processus.poll() is None:
                    processus.kill()
                    processus.wait()
    assert "payes" in sorties_payeur
    assert "deadlock" not in (sorties_payeur + journal_nuit).lower()
    assert en_cours, "la nuit avait fini avant les versements : concurrence non exercée"
    for concurrent, temoin in zip(concurrents, serie, strict=True):
        assert _etat(concurrent) == _etat(temoin)
    for dossier in concurrents + serie + autres:
        assert grand_livre.verifier_solde(dossier.pk) == {}
