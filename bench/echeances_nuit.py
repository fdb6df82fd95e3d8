"""Banc de la partie « echeances » de la nuit (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/etude_bench_ech \\
        python bench/echeances_nuit.py --dossiers 20000 [--jours 1]

S'assure que l'étude compte N dossiers (complétés par `generer` : un dossier sur douze a un
échéancier, extension `relances.generation`), puis lance la partie « echeances » pour
aujourd'hui + `--jours` (la génération laisse l'état de la veille), et une seconde fois pour
la même date : elle ne doit rien écrire. Imprime la durée, le temps CPU du processus, les
requêtes, l'extrapolation au million de dossiers, et le rapport à une référence mesurée
dans le même processus : la seule lecture des plans en cours et de leurs échéances. Avant /
après dans le même processus : l'ancien chemin plan par plan (`passe_echeances_plan_par_plan`)
puis la passe par lots, chacun dans une transaction annulée, sur le même état
(`--sans-ancien` : sans l'ancien). Noter la charge (imprimée) : la machine est partagée.
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

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from dossiers.generation import generer  # noqa: E402
from dossiers.models import Dossier  # noqa: E402
from etude.models import Etude  # noqa: E402
from relances.models import Echeance, Echeancier  # noqa: E402
from relances.services.echeanciers import (  # noqa: E402
    passe_echeances,
    passe_echeances_plan_par_plan,
    plans_a_rapprocher,
)


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


class _Annuler(Exception):
    pass


def cpu_serveur() -> float:
    """Temps CPU (s) du processus PostgreSQL de la connexion (/proc, même machine) : avec
    celui du processus Python, le coût de la passe hors attente de la machine chargée."""
    with connection.cursor() as curseur:
        curseur.execute("SELECT pg_backend_pid()")
        pid = curseur.fetchone()[0]
    try:
        champs = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(champs[11]) + int(champs[12])) / os.sysconf("SC_CLK_TCK")


def _mesurer(passe, le, *, annuler: bool) -> tuple[dict, float, float, int]:
    """Durée murale, temps CPU du processus (Python, hors PostgreSQL), requêtes ; annulée
    (transaction englobante défaite) pour comparer deux chemins sur le même état."""
    resultat: dict = {}
    compte = [0]

    def compter(execute, sql, params, many, context):
        compte[0] += 1
        return execute(sql, params, many, context)

    s0 = cpu_serveur()
    with connection.execute_wrapper(compter):
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            with transaction.atomic():
                resultat = passe(le)
                duree, cpu = time.perf_counter() - t0, time.process_time() - c0
                if annuler:
                    raise _Annuler
        except _Annuler:
            pass
    return resultat, duree, (cpu, cpu_serveur() - s0), compte[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=20_000)
    parser.add_argument("--jours", type=int, default=1)
    parser.add_argument(
        "--sans-ancien", action="store_true", help="ne pas mesurer l'ancien chemin plan par plan"
    )
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
    t0 = time.perf_counter()
    choisis = plans_a_rapprocher(le).count()
    print(
        f"choix des plans (plans_a_rapprocher) : {choisis} plans, {time.perf_counter() - t0:.2f} s"
    )
    chemins = [("par lots, annulée", passe_echeances, True)]
    if not args.sans_ancien:
        chemins.insert(0, ("plan par plan (ancien), annulée", passe_echeances_plan_par_plan, True))
    chemins += [
        ("par lots", passe_echeances, False),
        ("par lots, seconde passe", passe_echeances, False),
    ]
    mesures = {}
    for nom, passe, annuler in chemins:
        resultat, duree, cpu, requetes = _mesurer(passe, le, annuler=annuler)
        mesures[nom] = duree
        plans = max(resultat.get("plans", 0), 1)
        print(
            f"{nom} : {duree:.2f} s, CPU Python {cpu[0]:.2f} s + PostgreSQL {cpu[1]:.2f} s, "
            f"{requetes} requêtes, "
            f"{1000 * duree / plans:.2f} ms par plan ; {resultat}"
        )
        print(
            f"  extrapolé à 1 000 000 de dossiers : {duree * 1_000_000 / max(dossiers, 1):.1f} s"
        )
    if "plan par plan (ancien), annulée" in mesures:
        print(
            "rapport ancien / par lots : "
            f"{mesures['plan par plan (ancien), annulée'] / mesures['par lots, annulée']:.1f}"
        )
    print(charge())


if __name__ == "__main__":
    main()
