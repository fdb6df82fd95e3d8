"""Mesure de la passe de nuit des intérêts : ensembliste (SQL) contre boucle naïve par dossier.

    createdb -h 127.0.0.1 -U postgres etude_bench_interets
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/etude_bench_interets \\
        python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/etude_bench_interets \\
        python bench/interets.py --dossiers 10000 [--echantillon 10000]

S'assure que l'étude de démonstration compte N dossiers (`dossiers.generation.generer`, dont
l'extension `comptabilite/generation.py` ouvre les grands livres des dossiers judiciaires,
impute des versements et arrête les intérêts au dernier jour dont le taux est saisi), ouvre
les grands livres qui manqueraient, puis place chaque solde dans un état « arrêté à la
veille » du jour mesuré (état synthétique : le jour mesuré est antérieur à l'arrêt de la
génération ; la charge d'une nuit est la même, les montants ne sont pas ceux d'un vrai
dossier — base jetable seulement). Mesure :
1. la nuit du jour J par `accruer_interets` (chemin ensembliste, par lots de 50 000) ;
2. une seconde passe pour J (doit écrire 0 ligne) ;
3. la nuit de J+1 par une boucle naïve dossier par dossier (ORM : verrou du solde, lecture
   des écritures, calcul Python, écriture, mise à jour du solde) sur `--echantillon`
   dossiers, et la même nuit J+1 en ensembliste sur le reste, pour le rapport ;
4. la nuit de J+2 en ensembliste sur une seule connexion (`connexions=1`), pour mesurer ce
   que rapportent les lots en parallèle (par défaut deux connexions, `nuit.CONNEXIONS`).
Objectifs (issue 3) : 1 000 000 de dossiers en 30 s au plus ; au moins 20 fois la boucle
naïve ; seconde passe : 0 ligne. `mesurer()` rend les lignes (liste de dicts).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
if str(RACINE) not in sys.path:
    sys.path.insert(0, str(RACINE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etude.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from comptabilite import grand_livre, nuit  # noqa: E402
from comptabilite.models import Ecriture, SoldeDossier  # noqa: E402
from dossiers.generation import generer  # noqa: E402
from dossiers.models import Dossier  # noqa: E402

# Jours mesurés : dans un semestre dont le taux légal est saisi (2026-S1), après les nuits
# d'une mesure précédente sur la même base (la contrainte unique refuserait de les rejouer).
PREMIER_JOUR = date(2026, 2, 2)
DERNIER_JOUR = date(2026, 6, 29)


def _jour_mesure() -> date:
    derniere = (
        Ecriture.objects.filter(cause="nuit")
        .order_by("-date_valeur")
        .values_list("date_valeur", flat=True)
        .first()
    )
    jour = PREMIER_JOUR if derniere is None else derniere + timedelta(days=2)
    if jour > DERNIER_JOUR:
        raise SystemExit("Base de mesure épuisée pour 2026-S1 : recréez-la.")
    return jour


ETAT_VEILLE = """
UPDATE comptabilite_soldedossier
SET interets_arretes_au = %(veille)s, morceau_debut = %(veille)s,
    morceau_principal = principal, morceau_poste = 0
WHERE regime <> 'aucun' AND interets_depuis <= %(veille)s
"""


def _assurer_dossiers(nombre: int) -> int:
    existants = Dossier.objects.count()
    if existants < nombre:
        print(f"Génération de {nombre - existants} dossiers…", flush=True)
        generer(dossiers=nombre - existants, graine=3)
    return Dossier.objects.count()


def _naif(dossiers: list[int], le: date) -> tuple[float, int]:
    """Boucle naïve : un dossier après l'autre, par l'ORM et le calcul Python."""
    ecritures = 0
    debut = time.perf_counter()
    for dossier_id in dossiers:
        with transaction.atomic():
            solde = SoldeDossier.objects.select_for_update().get(pk=dossier_id)
            ecritures += len(grand_livre.interets_regulariser(solde, au=le, cause="nuit"))
    return time.perf_counter() - debut, ecritures


def mesurer(*, dossiers: int = 10_000, echantillon: int = 10_000) -> list[dict]:
    if connection.vendor != "postgresql":
        raise SystemExit("Mesure sur PostgreSQL seulement (DATABASE_URL).")
    total = _assurer_dossiers(dossiers)
    lignes = []
    t0 = time.perf_counter()
    ouverts = nuit._ouvrir_grands_livres()
    lignes.append(
        {
            "mesure": "ouverture des grands livres (SQL)",
            "dossiers": ouverts,
            "duree_s": round(time.perf_counter() - t0, 2),
        }
    )
    JOUR = _jour_mesure()  # noqa: N806
    veille = JOUR - timedelta(days=1)
    with connection.cursor() as curseur:
        curseur.execute(ETAT_VEILLE, {"veille": veille})
        en_cours = curseur.rowcount
    avant = Ecriture.objects.count()
    resume = nuit.accruer_interets(JOUR)
    lignes.append(
        {
            "mesure": f"nuit du {JOUR} ensembliste",
            "dossiers": en_cours,
            "ensemblistes": resume["dossiers_ensemblistes"],
            "recalcules": resume["dossiers_recalcules"],
            "ecritures": resume["ecritures"],
            "duree_s": resume["duree_s"],
            "par_million_s": round(resume["duree_s"] * 1_000_000 / max(en_cours, 1), 1),
            "objectif": "<= 30 s pour 1 000 000",
        }
    )
    seconde = nuit.accruer_interets(JOUR)
    lignes.append(
        {
            "mesure": f"seconde passe du {JOUR}",
            "ecritures": seconde["ecritures"],
            "lignes_ajoutees": Ecriture.objects.count() - avant - resume["ecritures"],
            "duree_s": seconde["duree_s"],
            "objectif": "0 ligne",
        }
    )
    lendemain = JOUR + timedelta(days=1)
    ids = list(
        SoldeDossier.objects.exclude(regime="aucun")
        .filter(interets_arretes_au=JOUR)
        .order_by("pk")
        .values_list("pk", flat=True)[:echantillon]
    )
    duree_naive, ecritures_naives = _naif(ids, lendemain)
    # Même nuit J+1, en ensembliste, pour les autres dossiers ; puis le rapport à taille égale.
    resume2 = nuit.accruer_interets(lendemain)
    par_dossier_naif = duree_naive / max(len(ids), 1)
    par_dossier_ensembliste = resume["duree_s"] / max(en_cours, 1)
    lignes.append(
        {
            "mesure": f"nuit du {lendemain} boucle naïve (ORM)",
            "dossiers": len(ids),
            "ecritures": ecritures_naives,
            "duree_s": round(duree_naive, 2),
            "par_million_s": round(par_dossier_naif * 1_000_000, 1),
        }
    )
    lignes.append(
        {
            "mesure": "rapport naïf / ensembliste (par dossier)",
            "rapport": round(par_dossier_naif / par_dossier_ensembliste, 1),
            "objectif": ">= 20",
            "dossiers_base": total,
            "reste_ensembliste_s": resume2["duree_s"],
        }
    )
    surlendemain = lendemain + timedelta(days=1)
    resume3 = nuit.accruer_interets(surlendemain, connexions=1)
    lignes.append(
        {
            "mesure": f"nuit du {surlendemain} ensembliste, une seule connexion",
            "ensemblistes": resume3["dossiers_ensemblistes"],
            "duree_s": resume3["duree_s"],
            "par_million_s": round(
                resume3["duree_s"] * 1_000_000 / max(resume3["dossiers_ensemblistes"], 1), 1
            ),
            "deux_connexions_par_million_s": lignes[1]["par_million_s"],
        }
    )
    return lignes


def lignes(*, dossiers: int = 10_000, echantillon: int = 10_000) -> list[dict]:
    """Lignes du tableau de `bench/run` (mesure, valeur, unite, objectif, reference, verdict,
    note) ; l'objectif de 30 s vaut pour 1 000 000 de dossiers : jugé sur l'extrapolation."""
    brutes = mesurer(dossiers=dossiers, echantillon=echantillon)
    nuit_j, seconde, naive, rapport = brutes[1], brutes[2], brutes[3], brutes[4]
    en_trop = seconde["ecritures"] + seconde["lignes_ajoutees"]
    return [
        {
            "mesure": "intérêts : nuit ensembliste",
            "valeur": nuit_j["duree_s"],
            "unite": "s",
            "objectif": "<= 30 s à 1 M",
            "reference": None,
            "verdict": "tenu" if nuit_j["par_million_s"] <= 30 else "court",
            "note": f"{nuit_j['dossiers']} dossiers, {nuit_j['ecritures']} écritures ; "
            f"≈ {nuit_j['par_million_s']} s à 1 M (linéaire)",
        },
        {
            "mesure": "intérêts : seconde passe, écritures",
            "valeur": en_trop,
            "unite": "lignes",
            "objectif": "0",
            "reference": None,
            "verdict": "tenu" if en_trop == 0 else "court",
            "note": f"{seconde['duree_s']} s",
        },
        {
            "mesure": "intérêts : boucle naïve / ensembliste",
            "valeur": rapport["rapport"],
            "unite": "×",
            "objectif": ">= 20 ×",
            "reference": None,
            "verdict": "tenu" if rapport["rapport"] >= 20 else "court",
            "note": f"naïf sur {naive['dossiers']} dossiers : {naive['duree_s']} s",
        },
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=10_000)
    parser.add_argument("--echantillon", type=int, default=10_000)
    args = parser.parse_args()
    for ligne in mesurer(dossiers=args.dossiers, echantillon=args.echantillon):
        print("  ".join(f"{cle}={valeur}" for cle, valeur in ligne.items()), flush=True)


if __name__ == "__main__":
    main()
