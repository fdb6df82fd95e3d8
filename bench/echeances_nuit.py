"""Banc de la partie « echeances » de la nuit (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/etude_bench_ech \\
        python bench/echeances_nuit.py --dossiers 20000 [--jours 1]

S'assure que l'étude compte N dossiers (complétés par `generer` : un dossier sur douze a un
échéancier, extension `relances.generation`), puis lance la partie « echeances » pour
aujourd'hui + `--jours` (la génération laisse l'état de la veille), et une seconde fois pour
la même date : elle ne doit rien écrire. Imprime la durée, les requêtes, le débit en plans
par seconde, l'extrapolation au million de dossiers, et le rapport à une référence mesurée
dans le même processus : la seule lecture des plans en cours et de leurs échéances. Noter la
charge (imprimée) à côté des chiffres : la machine est partagée.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
if str(RACINE) not in sys.path:
    sys.path.insert(0, str(RACINE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etude.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from dossiers.generation import generer  # noqa: E402
from dossiers.models import Dossier  # noqa: E402
from etude.models import Etude  # noqa: E402
from relances.models import Echeance, Echeancier  # noqa: E402
from relances.services.echeanciers import passe_echeances  # noqa: E402


def charge() -> str:
    return "charge (1, 5, 15 min) : " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def assurer_dossiers(nombre: int) -> None:
    etude = Etude.objects.order_by("id").first()
    deja = Dossier.objects.filter(etude=etude).count() if etude else 0
    if deja < nombre:
        t0 = time.perf_counter()
        generer(dossiers=nombre - deja, graine=11, sortie=None)
        print(f"génération de {nombre - deja} dossiers : {time.perf_counter() - t0:.1f} s")


def lignes(*, dossiers: int = 20_000, jours: int = 1) -> list[dict]:
    """Lignes du tableau de `bench/run` (mesure, valeur, unite, objectif, reference, verdict,
    note) : la passe, contre la seule lecture des échéances des plans en cours, puis une
    seconde passe pour la même date (changements attendus : 0)."""
    assurer_dossiers(dossiers)
    le = timezone.localdate() - timedelta(days=1) + timedelta(days=jours)
    total = Dossier.objects.count()
    t0 = time.perf_counter()
    lues = len(
        list(
            Echeance.objects.filter(echeancier__etat="en_cours").values_list(
                "echeancier_id", "rang", "date", "montant", "paye", "etat"
            )
        )
    )
    reference = time.perf_counter() - t0
    sortie = []
    for essai in (1, 2):
        t0 = time.perf_counter()
        r = passe_echeances(le)
        duree = time.perf_counter() - t0
        changes = r["echeances_changees"] + r["nouvelles_manquees"] + r["soldes"]
        if essai == 1:
            sortie.append(
                {
                    "mesure": "échéances : passe de nuit",
                    "valeur": duree,
                    "unite": "s",
                    "objectif": "—",
                    "reference": reference,
                    "verdict": "—",
                    "note": f"au {le:%d/%m/%Y} ; {r['plans']} plans, {lues} échéances ; "
                    f"≈ {duree * 1_000_000 / max(total, 1):.0f} s à 1 M ; "
                    "réf. lecture des échéances en cours",
                }
            )
        else:
            sortie.append(
                {
                    "mesure": "échéances : seconde passe, changements",
                    "valeur": changes,
                    "unite": "",
                    "objectif": "0",
                    "reference": None,
                    "verdict": "tenu" if changes == 0 else "court",
                    "note": f"{duree:.2f} s ; {r}",
                }
            )
    return sortie


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=20_000)
    parser.add_argument("--jours", type=int, default=1)
    args = parser.parse_args()
    assurer_dossiers(args.dossiers)
    le = timezone.localdate() - timedelta(days=1) + timedelta(days=args.jours)
    dossiers = Dossier.objects.count()
    en_cours = Echeancier.objects.filter(etat="en_cours")
    print(
        f"{dossiers} dossiers, {Echeancier.objects.count()} échéanciers dont "
        f"{en_cours.count()} en cours, {Echeance.objects.count()} échéances ; nuit du "
        f"{le:%d/%m/%Y}"
    )
    print(charge())
    t0 = time.perf_counter()
    lues = len(
        list(
            Echeance.objects.filter(echeancier__etat="en_cours").values_list(
                "echeancier_id", "rang", "date", "montant", "paye", "etat"
            )
        )
    )
    reference = time.perf_counter() - t0
    print(f"référence (lecture des {lues} échéances des plans en cours) : {reference:.3f} s")
    for essai in (1, 2):
        with CaptureQueriesContext(connection) as requetes:
            t0 = time.perf_counter()
            resultat = passe_echeances(le)
            duree = time.perf_counter() - t0
        plans = max(resultat["plans"], 1)
        print(
            f"passe {essai} : {duree:.2f} s, {len(requetes)} requêtes, "
            f"{plans / duree:.0f} plans/s, {1000 * duree / plans:.2f} ms par plan, "
            f"×{duree / max(reference, 1e-9):.0f} la référence ; {resultat}"
        )
        print(
            f"  extrapolé à 1 000 000 de dossiers : {duree * 1_000_000 / max(dossiers, 1):.0f} s"
        )
    print(charge())


if __name__ == "__main__":
    main()
