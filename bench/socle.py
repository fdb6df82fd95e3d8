"""Mesures du socle : recherche et listes de dossiers à grande échelle (PostgreSQL seulement).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/etude_bench \\
        python bench/socle.py --dossiers 1000000

S'assure que l'étude de démonstration compte N dossiers (appelle `generer` pour le reste),
puis mesure p50, p95 et max sur `--repetitions` appels de chaque opération :
recherche par nom de débiteur (avec et sans faute de frappe), par référence, par créancier,
par ville ; pages 1, 1 000 et 10 000 de la liste pour chaque tri et chaque filtre. Chaque
ligne porte le nombre de requêtes, l'objectif, et le rapport à une référence naïve mesurée
dans la même exécution (`icontains` sur le nom joint pour la recherche, OFFSET pour les
listes). `bench/run` importe `mesurer()` et reçoit les lignes (liste de dicts).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
if str(RACINE) not in sys.path:
    sys.path.insert(0, str(RACINE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etude.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from dossiers.generation import generer  # noqa: E402
from dossiers.models import Creancier, Debiteur, Dossier  # noqa: E402
from dossiers.recherche import (  # noqa: E402
    TAILLE_PAGE,
    TRIS,
    curseur_de,
    paginer,
    pour_liste,
    rechercher,
)
from etude.models import Etude, Utilisateur  # noqa: E402

OBJECTIF_RECHERCHE_MS = 50.0
OBJECTIF_LISTE_MS = 20.0
OBJECTIF_REQUETES_LISTE = 10
PAGES = (1, 1_000, 10_000)
FILTRES = {
    "statut=ouvert": lambda qs, clerc: qs.filter(statut="ouvert"),
    "phase=judiciaire": lambda qs, clerc: qs.filter(phase="judiciaire"),
    "nature=pension_alimentaire": lambda qs, clerc: qs.filter(nature="pension_alimentaire"),
    "mes dossiers": lambda qs, clerc: qs.filter(clerc=clerc),
}


def centile(valeurs: list[float], part: float) -> float:
    ordonnees = sorted(valeurs)
    return ordonnees[max(0, min(len(ordonnees) - 1, round(part * len(ordonnees)) - 1))]


def chronometrer(appels: list[Callable[[], object]]) -> dict:
    """Durées (ms) d'une série d'appels : totale (Python compris) et en base (somme des
    requêtes vues du client) ; le nombre de requêtes est celui de l'appel le plus coûteux."""
    appels[0]()  # échauffement (connexion, cache de statistiques)
    durees, en_base, requetes = [], [], 0
    for appel in appels:
        # Le journal des requêtes garde 9 000 lignes : plein, la capture ne verrait plus rien.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as capture:
            debut = time.perf_counter()
            appel()
            durees.append((time.perf_counter() - debut) * 1000)
        requetes = max(requetes, len(capture.captured_queries))
        en_base.append(sum(float(q["time"]) for q in capture.captured_queries) * 1000)
    return {
        "p50_ms": statistics.median(durees),
        "p95_ms": centile(durees, 0.95),
        "max_ms": max(durees),
        "p95_base_ms": centile(en_base, 0.95),
        "requetes": requetes,
        "n": len(durees),
    }


def _faute(mot: str, rng: random.Random) -> str:
    """Une faute de frappe : deux lettres voisines inversées ou une lettre remplacée."""
    if len(mot) < 5:
        return mot
    i = rng.randrange(1, len(mot) - 1)
    if rng.random() < 0.5 and mot[i] != mot[i + 1]:
        return mot[:i] + mot[i + 1] + mot[i] + mot[i + 2 :]
    lettre = rng.choice([c for c in "aeioulnrst" if c != mot[i]])
    return mot[:i] + lettre + mot[i + 1 :]


def _echantillon_ids(modele, etude, nombre: int, rng: random.Random) -> list:
    bornes = modele.objects.filter(etude=etude).order_by("id").values_list("id", flat=True)
    premier, dernier = bornes.first(), bornes.last()
    ids = [rng.randint(premier, dernier) for _ in range(nombre * 2)]
    trouves = {o.id: o for o in modele.objects.filter(id__in=ids, etude=etude)}
    return [trouves[i] for i in ids if i in trouves][:nombre]


def termes_de_recherche(etude, nombre: int, graine: int) -> dict[str, list[str]]:
    """Termes tirés des données : noms de débiteurs existants, références, créanciers."""
    rng = random.Random(graine)
    debiteurs = _echantillon_ids(Debiteur, etude, nombre * 2, rng)
    personnes = [d for d in debiteurs if d.type_personne == "physique"][:nombre]
    dossiers = _echantillon_ids(Dossier, etude, nombre, rng)
    creanciers = list(Creancier.objects.filter(etude=etude).order_by("id"))
    return {
        "nom": [d.nom for d in personnes],
        "nom et prénom": [f"{d.prenoms} {d.nom}" for d in personnes],
        "nom avec faute": [_faute(d.nom.lower(), rng) for d in personnes],
        "référence": [d.reference for d in dossiers],
        "créancier": [
            c.raison_sociale or f"{c.prenoms} {c.nom}"
            for c in (rng.choice(creanciers) for _ in range(nombre))
        ],
        "ville": [d.ville for d in debiteurs[:nombre]],
    }


def _naif(qs, genre: str, terme: str) -> list:
    """La recherche naïve de référence : sous-chaîne insensible à la casse sur les jointures."""
    champs = {
        "référence": Q(reference__icontains=terme),
        "créancier": Q(creancier__raison_sociale__icontains=terme)
        | Q(creancier__nom__icontains=terme),
        "ville": Q(debiteurs__ville__icontains=terme),
    }
    filtre = champs.get(genre)
    if filtre is None:
        filtre = Q()
        for mot in terme.split():
            filtre &= Q(debiteurs__nom__icontains=mot) | Q(debiteurs__prenoms__icontains=mot)
    return list(qs.filter(filtre).distinct().order_by("-id")[:20])


def mesurer_recherche(qs, termes: dict, repetitions_reference: int) -> list[dict]:
    lignes = []
    for genre, liste in termes.items():
        mesure = chronometrer([lambda t=t: rechercher(qs, t) for t in liste])
        reference = chronometrer(
            [lambda t=t, g=genre: _naif(qs, g, t) for t in liste[:repetitions_reference]]
        )
        trouves = sum(1 for t in liste[:50] if rechercher(qs, t))
        lignes.append(
            {
                "mesure": f"recherche : {genre}",
                **mesure,
                "objectif_ms": OBJECTIF_RECHERCHE_MS,
                "reference_p95_ms": reference["p95_ms"],
                "trouves": f"{trouves}/{min(50, len(liste))}",
            }
        )
    return lignes


def _ordre(tri: str) -> list[str]:
    champ, desc = TRIS[tri]
    ordre = [f"-{champ}", "-id"] if desc else [champ, "id"]
    return ordre[:1] if champ == "id" else ordre


def mesurer_listes(qs_base, clerc, repetitions: int, repetitions_reference: int) -> list[dict]:
    """Pages 1, 1 000 et 10 000 : le curseur de la page k est calculé d'une requête (OFFSET)
    puis la page est servie par `paginer`, comme après k-1 clics sur « suivante »."""
    lignes = []
    cas = [("", tri, None) for tri in TRIS]
    cas += [(nom, tri, f) for nom, f in FILTRES.items() for tri in ("recents", "montant")]
    # La page complète telle qu'un écran l'afficherait (créancier joint, débiteurs en une
    # requête de plus), pour le tri par défaut : son coût est surtout la construction des
    # objets en Python (~13 ms de CPU par page de 50 sur cette machine), pas l'index.
    cas += [("avec créancier et débiteurs", tri, "complet") for tri in ("recents",)]
    for nom_filtre, tri, filtre in cas:
        if filtre == "complet":
            qs = qs_base
            liste = pour_liste(qs)
        else:
            qs = filtre(qs_base, clerc) if filtre else qs_base
            liste = qs
        for page in PAGES:
            decalage = (page - 1) * TAILLE_PAGE
            apres = None
            if page > 1:
                precedent = qs.order_by(*_ordre(tri))[decalage - 1 : decalage].first()
                if precedent is None:
                    continue  # le filtre n'a pas autant de pages
                apres = curseur_de(precedent, tri)
            mesure = chronometrer(
                [lambda a=apres, t=tri, q=liste: paginer(q, tri=t, apres=a)] * repetitions
            )
            reference = chronometrer(
                [
                    lambda d=decalage, t=tri, q=liste: list(
                        q.order_by(*_ordre(t))[d : d + TAILLE_PAGE]
                    )
                ]
                * repetitions_reference
            )
            lignes.append(
                {
                    "mesure": f"liste {tri}{' ' + nom_filtre if nom_filtre else ''}, p. {page}",
                    **mesure,
                    "objectif_ms": OBJECTIF_LISTE_MS,
                    "objectif_requetes": OBJECTIF_REQUETES_LISTE,
                    "reference_p95_ms": reference["p95_ms"],
                }
            )
    return lignes


def assurer_dossiers(nombre: int, graine: int) -> tuple[Etude, dict | None]:
    """L'étude de démonstration avec au moins `nombre` dossiers ; le débit si `generer` a
    tourné."""
    etude = Etude.objects.order_by("id").first()
    existants = Dossier.objects.filter(etude=etude).count() if etude else 0
    if existants >= nombre:
        return etude, None
    manque = nombre - existants
    print(f"generer : {manque:,} dossiers à ajouter ({existants:,} présents)".replace(",", " "))
    ctx = generer(dossiers=manque, graine=graine, sortie=print)
    lignes = sum(ctx.lignes.values())
    duree = ctx.durees["total"]
    debit = {
        "mesure": f"generer {manque} dossiers",
        "duree_s": duree,
        "dossiers_par_s": manque / duree,
        "lignes_par_s": lignes / duree,
        "lignes": lignes,
    }
    return ctx.etude, debit


def mesurer(
    *,
    dossiers: int = 10_000,
    repetitions: int = 200,
    repetitions_reference: int = 20,
    graine: int = 1,
) -> list[dict]:
    """Toutes les mesures ; chaque ligne est un dict (`mesure`, `p50_ms`, `p95_ms`,
    `max_ms`, `requetes`, `objectif_ms`, `reference_p95_ms`, `rapport`, `verdict`)."""
    if connection.vendor != "postgresql":
        raise SystemExit("bench/socle.py mesure PostgreSQL : définissez DATABASE_URL.")
    etude, debit = assurer_dossiers(dossiers, graine)
    clerc = (
        Utilisateur.objects.filter(etude=etude, groups__name="clerc").order_by("id").first()
        or Utilisateur.objects.filter(etude=etude).order_by("id").first()
    )
    qs = Dossier.objects.pour(clerc)
    lignes = []
    if debit:
        lignes.append(debit)
    termes = termes_de_recherche(etude, repetitions, graine)
    lignes += mesurer_recherche(qs, termes, repetitions_reference)
    lignes += mesurer_listes(qs, clerc, repetitions, repetitions_reference)
    total = Dossier.objects.filter(etude=etude).count()
    for ligne in lignes:
        if "p95_ms" not in ligne:
            continue
        ligne["rapport"] = ligne["reference_p95_ms"] / ligne["p95_ms"]
        tenu = ligne["p95_ms"] <= ligne["objectif_ms"]
        if "objectif_requetes" in ligne:
            tenu = tenu and ligne["requetes"] <= ligne["objectif_requetes"]
        ligne["verdict"] = "tenu" if tenu else "court"
        ligne["dossiers"] = total
    return lignes


def lignes(*, dossiers: int = 10_000, repetitions: int = 100, repetitions_reference: int = 3):
    """Lignes du tableau de `bench/run` (mesure, valeur, unite, objectif, reference, verdict,
    note) : une par genre de recherche, le pire des cas de liste (`paginer`) et la page
    complète à chaque profondeur ; le détail reste dans la sortie de ce banc seul."""
    brutes = mesurer(
        dossiers=dossiers, repetitions=repetitions, repetitions_reference=repetitions_reference
    )
    sortie = []
    listes = []
    for ligne in brutes:
        if "p95_ms" not in ligne:
            continue
        if ligne["mesure"].startswith("recherche"):
            sortie.append(
                {
                    "mesure": f"{ligne['mesure']} (p95)",
                    "valeur": ligne["p95_ms"],
                    "unite": "ms",
                    "objectif": f"<= {OBJECTIF_RECHERCHE_MS:.0f} ms",
                    "reference": ligne["reference_p95_ms"],
                    "verdict": ligne["verdict"],
                    "note": f"naïf icontains ; trouvés {ligne['trouves']}",
                }
            )
        elif "avec créancier" in ligne["mesure"]:
            sortie.append(
                {
                    "mesure": f"{ligne['mesure'].replace('liste recents avec', 'liste')} (p95)",
                    "valeur": ligne["p95_ms"],
                    "unite": "ms",
                    "objectif": f"<= {OBJECTIF_LISTE_MS:.0f} ms",
                    "reference": ligne["reference_p95_ms"],
                    "verdict": ligne["verdict"],
                    "note": f"{ligne['requetes']} requêtes ; réf. OFFSET",
                }
            )
        else:
            listes.append(ligne)
    if listes:
        pire = max(listes, key=lambda ligne: ligne["p95_ms"])
        courts = sum(1 for ligne in listes if ligne["verdict"] == "court")
        sortie.append(
            {
                "mesure": f"listes (paginer), pire de {len(listes)} cas (p95)",
                "valeur": pire["p95_ms"],
                "unite": "ms",
                "objectif": f"<= {OBJECTIF_LISTE_MS:.0f} ms, <= {OBJECTIF_REQUETES_LISTE} req.",
                "reference": pire["reference_p95_ms"],
                "verdict": "court" if courts else "tenu",
                "note": f"{pire['mesure']} ; {max(x['requetes'] for x in listes)} req. au plus"
                f" ; {courts} cas courts ; réf. OFFSET",
            }
        )
    return sortie


def imprimer(lignes: list[dict]) -> None:
    entete = (
        f"{'mesure (ms)':46} {'p50':>6} {'p95':>6} {'max':>6} {'p95 BD':>6} {'req':>3} "
        f"{'objectif':>8} {'naïf p95':>9} {'gain':>7}  verdict"
    )
    print(entete)
    print("-" * len(entete))
    for ligne in lignes:
        if "p95_ms" not in ligne:
            print(
                f"{ligne['mesure']:46} {ligne['duree_s']:.1f} s, "
                f"{ligne['dossiers_par_s']:,.0f} dossiers/s, "
                f"{ligne['lignes_par_s']:,.0f} lignes/s".replace(",", " ")
            )
            continue
        objectif = f"{ligne['objectif_ms']:.0f} ms"
        print(
            f"{ligne['mesure']:46} {ligne['p50_ms']:6.1f} {ligne['p95_ms']:6.1f} "
            f"{ligne['max_ms']:6.1f} {ligne['p95_base_ms']:6.1f} {ligne['requetes']:3d} "
            f"{objectif:>8} {ligne['reference_p95_ms']:9.1f} {ligne['rapport']:6.1f}x  "
            f"{ligne['verdict']}"
            + (f"  (trouvés {ligne['trouves']})" if "trouves" in ligne else "")
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=10_000)
    parser.add_argument("--repetitions", type=int, default=200)
    parser.add_argument("--repetitions-reference", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(f"charge de la machine au départ : {os.getloadavg()}")
    lignes = mesurer(
        dossiers=args.dossiers,
        repetitions=args.repetitions,
        repetitions_reference=args.repetitions_reference,
        graine=args.seed,
    )
    imprimer(lignes)
    print(f"charge de la machine à la fin : {os.getloadavg()}")
    courts = [ligne for ligne in lignes if ligne.get("verdict") == "court"]
    print(f"\n{len(lignes) - len(courts)} tenues, {len(courts)} courtes")
    return 1 if courts else 0


if __name__ == "__main__":
    sys.exit(main())
