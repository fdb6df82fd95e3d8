"""Banc de la passe de nuit des délais (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/etude_bench_proc \\
        python bench/delais_nuit.py --dossiers 30000 [--jours 1]

S'assure que l'étude compte N dossiers (complétés par `generer`, avec ~1,5 procédure par
dossier et leurs délais : extension `procedures.generation`), puis lance la passe de nuit
pour le lendemain de la génération (`--jours` plus loin pour une plus grosse passe), et une
seconde fois pour la même date : elle ne doit rien écrire. Imprime la durée, le nombre de
requêtes, ce qui a été constaté, et le rapport à une référence mesurée dans le même
processus : la seule lecture des délais échus (la passe ne peut pas aller plus vite).
Objectif de l'issue 4 : 10 s pour 1 M de dossiers et 1,5 M de procédures. Ne pas lancer le
million sur une machine partagée ; noter la charge (imprimée) à côté des chiffres.
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
from procedures.models import Delai, Procedure  # noqa: E402
from procedures.nuit import passe_delais  # noqa: E402

OBJECTIF_S_AU_MILLION = 10.0


def charge() -> str:
    return "charge (1, 5, 15 min) : " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def assurer_dossiers(nombre: int) -> None:
    etude = Etude.objects.order_by("id").first()
    deja = Dossier.objects.filter(etude=etude).count() if etude else 0
    if deja < nombre:
        t0 = time.perf_counter()
        generer(dossiers=nombre - deja, graine=11, sortie=None)
        print(f"génération de {nombre - deja} dossiers : {time.perf_counter() - t0:.1f} s")


def lignes(*, dossiers: int = 30_000, jours: int = 1) -> list[dict]:
    """Lignes du tableau de `bench/run` (mesure, valeur, unite, objectif, reference, verdict,
    note) : les deux passes, contre la seule lecture des délais échus ; l'objectif de 10 s
    vaut pour 1 000 000 de dossiers : jugé sur l'extrapolation linéaire."""
    assurer_dossiers(dossiers)
    le = timezone.localdate() + timedelta(days=jours)
    total = Dossier.objects.count()
    t0 = time.perf_counter()
    lus = len(list(Delai.objects.echus(le).order_by("id").values_list("id", "procedure_id")))
    reference = time.perf_counter() - t0
    sortie = []
    for essai in (1, 2):
        with CaptureQueriesContext(connection) as q:
            t0 = time.perf_counter()
            r = passe_delais(le)
            duree = time.perf_counter() - t0
        au_million = duree * 1_000_000 / max(total, 1)
        ecrits = r["delais_depasses"] + r["delais_ecoules"] + r["transitions"] + r["evenements"]
        if essai == 1:
            sortie.append(
                {
                    "mesure": "délais : passe de nuit",
                    "valeur": duree,
                    "unite": "s",
                    "objectif": f"<= {OBJECTIF_S_AU_MILLION:.0f} s à 1 M",
                    "reference": reference,
                    "verdict": "tenu" if au_million <= OBJECTIF_S_AU_MILLION else "court",
                    "note": f"au {le:%d/%m/%Y} ; {lus} échus, {r['transitions']} transitions, "
                    f"{len(q.captured_queries)} requêtes ; ≈ {au_million:.1f} s à 1 M ; "
                    "réf. lecture des échus",
                }
            )
        else:
            sortie.append(
                {
                    "mesure": "délais : seconde passe, écritures",
                    "valeur": ecrits,
                    "unite": "lignes",
                    "objectif": "0",
                    "reference": None,
                    "verdict": "tenu" if ecrits == 0 else "court",
                    "note": f"{duree:.2f} s",
                }
            )
    return sortie


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=30_000)
    parser.add_argument("--jours", type=int, default=1)
    args = parser.parse_args()
    assurer_dossiers(args.dossiers)
    le = timezone.localdate() + timedelta(days=args.jours)
    dossiers = Dossier.objects.count()
    procedures = Procedure.objects.count()
    ouverts = Delai.objects.filter(statut="ouvert").count()
    echus = Delai.objects.echus(le).count()
    print(
        f"{dossiers} dossiers, {procedures} procédures "
        f"({procedures / max(dossiers, 1):.2f} par dossier), {Delai.objects.count()} délais "
        f"dont {ouverts} ouverts ; {echus} échus au {le:%d/%m/%Y}"
    )
    print(charge())
    t0 = time.perf_counter()
    lus = len(list(Delai.objects.echus(le).order_by("id").values_list("id", "procedure_id")))
    reference = time.perf_counter() - t0
    for essai in (1, 2):
        with CaptureQueriesContext(connection) as q:
            t0 = time.perf_counter()
            r = passe_delais(le)
            duree = time.perf_counter() - t0
        print(
            f"passe {essai} : {duree:.3f} s, {len(q.captured_queries)} requêtes, "
            f"dépassés {r['delais_depasses']}, écoulés {r['delais_ecoules']}, "
            f"transitions {r['transitions']} (caducités {r['caducites']}, "
            f"non avenues {r['non_avenues']}, refus implicites {r['refus_implicites']}), "
            f"événements {r['evenements']} ; rapport à la lecture seule des {lus} échus "
            f"({reference * 1000:.1f} ms) : {duree / max(reference, 1e-6):.1f}"
        )
        if essai == 1 and dossiers:
            print(
                f"  extrapolé à 1 000 000 de dossiers (linéaire) : "
                f"{duree * 1_000_000 / dossiers:.1f} s (objectif {OBJECTIF_S_AU_MILLION:.0f} s)"
            )
    print(charge())


if __name__ == "__main__":
    main()
