"""Banc de la nuit entière (`manage.py nuit`) : durée totale, de chaque partie, mémoire
maximale, et lignes écrites par une seconde exécution pour la même date (0 attendu).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/etude_bench_x python bench/nuit_entiere.py

La nuit tourne dans un processus à elle (`python manage.py nuit --date J --partie … --json`),
comme la lance beat : sa mémoire maximale (`ru_maxrss`, que `etude/nuit.py` rend) est la
sienne, pas celle du banc. Deux dates, pour que chaque partie fasse le travail d'une nuit
ordinaire : les intérêts au jour J du premier semestre 2026, dernier semestre dont le taux de
l'intérêt légal est connu (au-delà, la partie refuse de calculer : elle ne ferait rien), les
soldes d'abord mis « arrêtés à la veille » (même état synthétique que `bench/interets.py` :
base jetable), pour un jour d'intérêts par dossier et non des mois de rattrapage ; les autres
parties (délais, échéances, relances, et celles qui viendront) pour aujourd'hui, la
génération laissant l'état de la nuit d'hier. La durée de la nuit entière est la somme des
deux ; sa mémoire, la plus grande des deux.

Écritures : somme de `n_tup_ins + n_tup_upd + n_tup_del` de `pg_stat_user_tables` avant et
après chaque exécution (le processus de la nuit les publie en se déconnectant ; le banc ferme
sa propre connexion avant de lire, pour que ses écritures à lui soient publiées avant).
Objectifs (issue 7) : nuit entière <= 60 s et <= 1 Gio de mémoire pour 1 000 000 de dossiers ;
seconde exécution : 0 ligne. `lignes()` rend les lignes du tableau de `bench/run`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
for chemin in (RACINE, RACINE / "bench"):
    if str(chemin) not in sys.path:
        sys.path.insert(0, str(chemin))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etude.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from interets import ETAT_VEILLE, _jour_mesure  # noqa: E402

from comptabilite import nuit as nuit_interets  # noqa: E402
from dossiers.models import Dossier  # noqa: E402
from etude.nuit import PARTIES  # noqa: E402

OBJECTIF_S_AU_MILLION = 60.0
OBJECTIF_MEMOIRE_MIO = 1024.0


def _lignes_ecrites() -> int:
    """Lignes insérées, modifiées ou supprimées dans la base depuis sa création (statistiques
    cumulées de PostgreSQL) ; lues sur une connexion neuve, fermée aussitôt."""
    connection.close()
    time.sleep(1)  # le processus qui vient de finir publie ses compteurs en se déconnectant
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables"
        )
        total = int(curseur.fetchone()[0])
    connection.close()
    return total


def _executer(le, parties: list[str]) -> dict:
    """Une nuit dans un processus à part ; rend son résumé JSON."""
    commande = [sys.executable, "manage.py", "nuit", "--date", le.isoformat(), "--json"]
    for partie in parties:
        commande += ["--partie", partie]
    fini = subprocess.run(commande, cwd=RACINE, capture_output=True, text=True, check=False)
    debut = fini.stdout.find("{")
    if debut < 0:
        raise RuntimeError(
            f"manage.py nuit sans résumé (code {fini.returncode}) : {fini.stderr[-2000:]}"
        )
    return json.loads(fini.stdout[debut:])


def _deux_fois(le, parties: list[str]) -> dict:
    """La nuit `le` (ces parties), puis la même une seconde fois ; lignes écrites par chacune."""
    avant = _lignes_ecrites()
    premiere = _executer(le, parties)
    apres_premiere = _lignes_ecrites()
    seconde = _executer(le, parties)
    return {
        "le": le,
        "premiere": premiere,
        "seconde": seconde,
        "ecrites": apres_premiere - avant,
        "ecrites_seconde": _lignes_ecrites() - apres_premiere,
    }


def _delai_de_mesure() -> None:
    """Sans délai de détention saisi, la partie « fonds_detenus » ne contrôle rien (aucune
    source ne le fixe pour un commissaire de justice) : la mesure ne dirait rien de son coût.
    Base jetable : l'étude qui n'en a pas reçoit, pour la mesure seulement, le délai d'un mois
    de CPCE R124-6 (recouvrement amiable, dont R124-1 exclut les commissaires de justice),
    avec cette source en clair ; une étude qui en a un le garde."""
    with connection.cursor() as curseur:
        curseur.execute(
            """
            INSERT INTO comptabilite_parametrescomptables
                (etude_id, bic_compte_affecte, delai_detention_jours, source_delai)
            SELECT id, '', 30, %s FROM etude_etude
            ON CONFLICT (etude_id) DO UPDATE
            SET delai_detention_jours = EXCLUDED.delai_detention_jours,
                source_delai = EXCLUDED.source_delai
            WHERE comptabilite_parametrescomptables.delai_detention_jours IS NULL
            """,
            [
                "Banc de mesure (base jetable) : un mois comme CPCE R124-6, qui ne vise pas "
                "les commissaires de justice (R124-1) ; pas une règle de l'étude."
            ],
        )


def lignes(*, dossiers: int = 10_000) -> list[dict]:
    """Deux nuits, chacune à la date où ses parties ont du travail ordinaire : les intérêts
    au jour J de 2026-S1 (soldes arrêtés à la veille), les autres parties pour aujourd'hui
    (la génération laisse l'état de la nuit d'hier). La nuit entière est leur somme."""
    total = Dossier.objects.count()
    if total < dossiers:
        raise RuntimeError(
            f"{total} dossiers dans la base, {dossiers} attendus : bench/run d'abord."
        )
    autres = [p.nom for p in PARTIES if p.nom != "interets"]
    aujourd_hui = timezone.localdate()
    _delai_de_mesure()
    nuits = [_deux_fois(aujourd_hui, autres)]
    nuit_interets._ouvrir_grands_livres()
    j = _jour_mesure()
    with connection.cursor() as curseur:
        curseur.execute(ETAT_VEILLE, {"veille": j - timedelta(days=1)})
    nuits.append(_deux_fois(j, ["interets"]))

    duree = sum(n["premiere"]["duree_s"] for n in nuits)
    duree_seconde = sum(n["seconde"]["duree_s"] for n in nuits)
    memoire = max(n["premiere"]["memoire_max_mio"] for n in nuits)
    echecs = {k: v for n in nuits for k, v in n["premiere"]["echecs"].items()}
    au_million = duree * 1_000_000 / max(total, 1)
    dates = " ; ".join(
        f"{', '.join(n['premiere']['parties'])} au {n['le']:%d/%m/%Y}" for n in nuits
    )
    sortie = [
        {
            "mesure": "nuit entière : durée",
            "valeur": duree,
            "unite": "s",
            "objectif": f"<= {OBJECTIF_S_AU_MILLION:.0f} s à 1 M",
            "reference": duree_seconde,
            "verdict": "tenu" if au_million <= OBJECTIF_S_AU_MILLION and not echecs else "court",
            "note": f"{dates} ; {total} dossiers, "
            f"{sum(n['ecrites'] for n in nuits)} lignes écrites ; ≈ {au_million:.0f} s à 1 M "
            "(linéaire) ; réf. seconde exécution"
            + (f" ; ÉCHECS : {', '.join(sorted(echecs))}" if echecs else ""),
        },
        {
            "mesure": "nuit entière : mémoire maximale",
            "valeur": memoire,
            "unite": "Mio",
            "objectif": f"<= {OBJECTIF_MEMOIRE_MIO:.0f} Mio à 1 M",
            "reference": max(n["seconde"]["memoire_max_mio"] for n in nuits),
            "verdict": "tenu" if memoire <= OBJECTIF_MEMOIRE_MIO else "court",
            "note": "ru_maxrss du processus de la nuit (le plus gros des deux) ; "
            "réf. seconde exécution",
        },
    ]
    for n in nuits:
        for nom, partie in n["premiere"]["parties"].items():
            resultat = partie["resultat"]
            erreurs = resultat.get("erreurs") if isinstance(resultat, dict) else None
            sortie.append(
                {
                    "mesure": f"nuit entière : partie {nom}",
                    "valeur": partie["duree_s"],
                    "unite": "s",
                    "objectif": "—",
                    "reference": n["seconde"]["parties"].get(nom, {}).get("duree_s"),
                    "verdict": "échec" if nom in echecs else "—",
                    "note": f"au {n['le']:%d/%m/%Y} ; réf. seconde exécution"
                    + (f" ; ÉCHEC : {echecs[nom]}" if nom in echecs else "")
                    + (
                        f" ; erreurs : {json.dumps(erreurs, ensure_ascii=False)}"
                        if erreurs
                        else ""
                    ),
                }
            )
    ecrites = sum(n["ecrites_seconde"] for n in nuits)
    sortie.append(
        {
            "mesure": "nuit entière : seconde exécution, écritures",
            "valeur": ecrites,
            "unite": "lignes",
            "objectif": "0",
            "reference": None,
            "verdict": "tenu" if ecrites == 0 else "court",
            "note": f"pg_stat_user_tables ; {duree_seconde:.2f} s",
        }
    )
    return sortie


if __name__ == "__main__":
    for ligne in lignes(dossiers=0):
        print("  ".join(f"{cle}={valeur}" for cle, valeur in ligne.items()), flush=True)
