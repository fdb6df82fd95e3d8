"""Tous les bancs d'Étude sur une même étude, en un tableau (lancé par `bench/run`).

    bench/run [--dossiers 1000000] [--duree-http 60] [--debit-http 50] [--recreer]

1. Base dédiée (`DATABASE_URL`, défaut `postgres://postgres@127.0.0.1:5432/etude_bench`) :
   créée si absente (`--recreer` : supprimée puis recréée), migrée ; l'étude est construite
   par `manage.py generer --dossiers N` (chronométré), ou réutilisée si elle compte déjà N
   dossiers (complétée si elle en compte moins ; refusée si elle en compte plus).
2. Chaque banc de `BANCS` : un module de `bench/` qui expose `lignes(**options) -> list[dict]`,
   chaque ligne ayant `mesure`, `valeur`, `unite`, `objectif`, `reference` (même grandeur,
   mesurée dans la même exécution, ou None), `verdict` (« tenu », « court », « — ») et `note`.
   Un banc absent (pas encore livré) ou qui échoue donne une ligne qui le dit ; les autres
   tournent quand même.
3. Un tableau : imprimé, et écrit dans `bench/RESULTS.md` (ou `--sortie`) avec la machine
   (`nproc`, mémoire, charge au début et à la fin), les versions et la date.
Les bancs écrivent dans la base (états synthétiques, nuits rejouées) : base jetable,
réservée aux mesures. Code de sortie 1 si un banc a échoué ; les chiffres courts ne font
pas échouer (le tableau les montre).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import platform
import subprocess
import sys
import time
import traceback
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
BENCH = RACINE / "bench"
BASE_DEFAUT = "postgres://postgres@127.0.0.1:5432/etude_bench"
OBJECTIF_GENERER_S_AU_MILLION = 600.0  # issue 2 : 1 000 000 de dossiers en 10 minutes


def _options_bancs(args) -> list[tuple[str, str, dict]]:
    """(module de bench/, ce qu'il mesure, options) dans l'ordre d'exécution : lectures
    d'abord, puis les bancs qui écrivent."""
    n = args.dossiers
    return [
        (
            "socle",
            "recherche et listes",
            {
                "dossiers": n,
                "repetitions": args.repetitions,
                "repetitions_reference": args.repetitions_reference,
            },
        ),
        ("delais_tableau", "tableau Délais", {"dossiers": n, "repetitions": args.repetitions}),
        (
            "http_melange",
            "mélange HTTP via gunicorn",
            {"duree": args.duree_http, "debit": args.debit_http, "workers": args.workers},
        ),
        ("actes", "rendu des actes (issue 5)", {"dossiers": n, "rendus": args.rendus_actes}),
        ("campagne", "lancement de campagne (issue 6)", {"dossiers": n}),
        ("camt053", "import camt.053 (issue 3)", {"dossiers": n}),
        # La nuit entière d'aujourd'hui d'abord ; puis les passes de demain (une nuit
        # ordinaire après elle) et les intérêts aux jours suivants de 2026-S1.
        ("nuit_entiere", "nuit entière", {"dossiers": n}),
        ("delais_nuit", "passe des délais", {"dossiers": n, "jours": 1}),
        ("echeances_nuit", "passe des échéances", {"dossiers": n, "jours": 2}),
        # Boucle naïve sur un échantillon : 1 dossier sur 20 (10 000 au plus).
        ("interets", "nuit des intérêts", {"dossiers": n, "echantillon": min(10_000, n // 20)}),
    ]


# --- base et génération --------------------------------------------------------------------


def _parametres_base(url: str) -> dict:
    import dj_database_url

    r = dj_database_url.parse(url)
    if r["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit("bench/run mesure PostgreSQL : DATABASE_URL=postgres://…")
    return r


def _assurer_base(url: str, recreer: bool) -> None:
    import psycopg
    from psycopg import sql

    r = _parametres_base(url)
    with psycopg.connect(
        dbname="postgres",
        user=r["USER"] or None,
        password=r["PASSWORD"] or None,
        host=r["HOST"] or None,
        port=r["PORT"] or None,
        autocommit=True,
    ) as c:
        existe = c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [r["NAME"]]).fetchone()
        if existe and recreer:
            print(f"Suppression de la base {r['NAME']} (--recreer)", flush=True)
            c.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(r["NAME"])))
            existe = None
        if not existe:
            print(f"Création de la base {r['NAME']}", flush=True)
            c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(r["NAME"])))


def _manage(*arguments: str, sortie=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=RACINE,
        check=True,
        stdout=sortie,
        stderr=subprocess.STDOUT if sortie else None,
        text=True,
    )


def _construire(dossiers: int) -> dict:
    """L'étude à `dossiers` dossiers : la ligne « generer »."""
    from dossiers.models import Dossier
    from etude.models import Etude

    etude = Etude.objects.order_by("id").first()
    existants = Dossier.objects.filter(etude=etude).count() if etude else 0
    ligne = {
        "mesure": f"generer {dossiers} dossiers",
        "unite": "s",
        "objectif": f"<= {OBJECTIF_GENERER_S_AU_MILLION:.0f} s à 1 M",
        "reference": None,
    }
    if existants == dossiers:
        return {
            **ligne,
            "valeur": "réutilisée",
            "verdict": "—",
            "note": f"{existants} dossiers déjà là : pas de génération",
        }
    if existants > dossiers:
        raise SystemExit(
            f"La base compte {existants} dossiers, plus que --dossiers {dossiers} : "
            "prenez une autre base (DATABASE_URL) ou --recreer."
        )
    manque = dossiers - existants
    print(f"generer --dossiers {manque} ({existants} déjà là)…", flush=True)
    t0 = time.perf_counter()
    fini = _manage("generer", "--dossiers", str(manque), sortie=subprocess.PIPE)
    duree = time.perf_counter() - t0
    au_million = duree * 1_000_000 / manque
    derniere = [x for x in fini.stdout.splitlines() if "dossiers/s" in x][-1:]
    return {
        **ligne,
        "mesure": f"generer {manque} dossiers" + (f" (+{existants} déjà là)" if existants else ""),
        "valeur": duree,
        "verdict": "tenu" if au_million <= OBJECTIF_GENERER_S_AU_MILLION else "court",
        "note": f"≈ {au_million:.0f} s à 1 M (linéaire) ; " + " ".join(derniere).strip(),
    }


# --- machine et versions -------------------------------------------------------------------


def _memoire_gio() -> str:
    with open("/proc/meminfo") as f:
        infos = {ligne.split(":")[0]: ligne.split()[1] for ligne in f}
    return (
        f"{int(infos['MemTotal']) / 1024**2:.1f} Gio, "
        f"{int(infos['MemAvailable']) / 1024**2:.1f} Gio disponibles"
    )


def _charge() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _versions() -> dict[str, str]:
    import celery
    import django
    import gunicorn
    import weasyprint
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SHOW server_version")
        postgresql = c.fetchone()[0]
    try:
        import locust

        version_locust = locust.__version__
    except ImportError:
        version_locust = "absent"
    return {
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "PostgreSQL": postgresql,
        "WeasyPrint": weasyprint.__version__,
        "Celery": celery.__version__,
        "gunicorn": gunicorn.__version__,
        "locust": version_locust,
    }


def _commit() -> str:
    fini = subprocess.run(
        ["git", "-C", str(RACINE), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return fini.stdout.strip() or "?"


# --- tableau -------------------------------------------------------------------------------


def _nombre(valeur) -> str:
    if valeur is None:
        return "—"
    if isinstance(valeur, str):
        return valeur
    if isinstance(valeur, int):
        return f"{valeur:,}".replace(",", " ")
    if abs(valeur) >= 100:
        texte = f"{valeur:,.0f}".replace(",", " ")
    elif abs(valeur) >= 10:
        texte = f"{valeur:.1f}"
    else:
        texte = f"{valeur:.2f}"
    return texte.replace(".", ",")


def _est_nombre(valeur) -> bool:
    return isinstance(valeur, int | float) and not isinstance(valeur, bool)


def _cellules(ligne: dict) -> list[str]:
    valeur, reference = ligne.get("valeur"), ligne.get("reference")
    unite = ligne.get("unite") or ""
    rapport = "—"
    if _est_nombre(valeur) and _est_nombre(reference) and reference:
        rapport = _nombre(valeur / reference) + " ×"
    return [
        ligne["mesure"],
        (_nombre(valeur) + (f" {unite}" if unite and _est_nombre(valeur) else "")).strip(),
        ligne.get("objectif") or "—",
        _nombre(reference) + (f" {unite}" if unite and _est_nombre(reference) else ""),
        rapport,
        ligne.get("verdict") or "—",
        (ligne.get("note") or "").replace("|", "/"),
    ]


ENTETE = ["mesure", "valeur", "objectif", "référence", "rapport", "verdict", "note"]


def tableau_markdown(lignes: list[dict]) -> str:
    rangs = [ENTETE] + [_cellules(ligne) for ligne in lignes]
    # Colonnes alignées sauf la note (longue) : lisible au terminal comme en Markdown.
    largeurs = [max(len(r[i]) for r in rangs) for i in range(len(ENTETE) - 1)] + [0]
    texte = []
    for rang, cellules in enumerate(rangs):
        texte.append(
            "| " + " | ".join(c.ljust(w) for c, w in zip(cellules, largeurs, strict=True)) + " |"
        )
        if rang == 0:
            texte.append("| " + " | ".join("-" * max(w, 3) for w in largeurs) + " |")
    return "\n".join(texte)


def _charger_banc(module: str):
    """Le module bench/<module>.py, chargé par son chemin : `bench/actes.py` porte le nom de
    l'application `actes`, qu'un `import_module("actes")` rendrait à sa place."""
    spec = importlib.util.spec_from_file_location(f"banc_{module}", BENCH / f"{module}.py")
    banc = importlib.util.module_from_spec(spec)
    # Inscrit sous son nom : ses fonctions se picklent (multiprocessing.Pool d'un banc).
    sys.modules[spec.name] = banc
    spec.loader.exec_module(banc)
    return banc


def executer(args) -> tuple[list[dict], dict]:
    os.environ["DATABASE_URL"] = args.base
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etude.settings")
    for chemin in (RACINE, BENCH):
        if str(chemin) not in sys.path:
            sys.path.insert(0, str(chemin))
    contexte = {
        "debut": dt.datetime.now(dt.UTC),
        "charge_debut": _charge(),
        "base": _parametres_base(args.base)["NAME"],
        # Le code mesuré est celui du départ (la branche peut avancer pendant le banc).
        "commit": _commit(),
    }
    _assurer_base(args.base, args.recreer)
    print("migrate…", flush=True)
    _manage("migrate", "--noinput", sortie=subprocess.PIPE)

    import django

    django.setup()
    lignes = [_construire(args.dossiers)]
    for module, sujet, options in _options_bancs(args):
        if args.seulement and module not in args.seulement:
            continue
        if not (BENCH / f"{module}.py").exists():
            lignes.append(
                {
                    "mesure": sujet,
                    "valeur": "absent",
                    "verdict": "absent",
                    "note": f"bench/{module}.py pas encore livré",
                }
            )
            continue
        print(f"{sujet} (bench/{module}.py)…", flush=True)
        t0 = time.perf_counter()
        try:
            banc = _charger_banc(module)
            if not hasattr(banc, "lignes"):
                # Livré mais pas encore branché : dit comme tel, sans faire échouer le reste.
                lignes.append(
                    {
                        "mesure": sujet,
                        "valeur": "absent",
                        "verdict": "absent",
                        "note": f"bench/{module}.py n'expose pas encore lignes()",
                    }
                )
                continue
            obtenues = banc.lignes(**options)
            if not obtenues:
                raise RuntimeError("aucune ligne rendue")
            lignes += obtenues
        except Exception as exc:  # un banc en échec n'empêche pas les autres
            traceback.print_exc()
            lignes.append(
                {
                    "mesure": sujet,
                    "valeur": None,
                    "verdict": "erreur",
                    "note": f"bench/{module}.py : {type(exc).__name__} : {exc}"[:300],
                }
            )
        finally:
            from django.db import connection

            connection.close()
        print(f"  {time.perf_counter() - t0:.0f} s", flush=True)
    contexte.update(fin=dt.datetime.now(dt.UTC), charge_fin=_charge(), versions=_versions())
    return lignes, contexte


def rapport(lignes: list[dict], contexte: dict, args) -> str:
    versions = ", ".join(f"{nom} {v}" for nom, v in contexte["versions"].items())
    duree = (contexte["fin"] - contexte["debut"]).total_seconds()
    courts = sum(1 for x in lignes if x.get("verdict") == "court")
    tenus = sum(1 for x in lignes if x.get("verdict") == "tenu")
    return (
        "# Résultats des bancs (`bench/run`)\n\n"
        f"- Date : {contexte['debut']:%Y-%m-%d %H:%M} UTC, {duree:.0f} s ; commit "
        f"{contexte['commit']} ; base `{contexte['base']}`, {_nombre(args.dossiers)} dossiers ; "
        f"HTTP {args.debit_http} req/s pendant {args.duree_http} s.\n"
        + f"- Machine : {os.cpu_count()} cœurs (nproc), mémoire {_memoire_gio()} ; charge "
        f"(1, 5, 15 min) au début {contexte['charge_debut']}, à la fin {contexte['charge_fin']}.\n"
        f"- Versions : {versions}.\n"
        f"- {tenus} tenus, {courts} courts. Rapport = valeur / référence (référence mesurée "
        "dans la même exécution, décrite dans la note). Objectifs « à 1 M » : jugés sur "
        "l'extrapolation linéaire quand la base est plus petite (une estimation, pas une "
        "mesure).\n\n" + tableau_markdown(lignes) + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--duree-http", type=int, default=60, help="secondes (défaut 60)")
    parser.add_argument("--debit-http", type=int, default=50, help="requêtes/s (défaut 50)")
    parser.add_argument("--workers", type=int, default=3, help="workers gunicorn (défaut 3)")
    parser.add_argument("--repetitions", type=int, default=100)
    parser.add_argument(
        "--rendus-actes",
        type=int,
        default=None,
        help="rendus de la mesure de mémoire des actes (défaut : 10 000 à 1 M, 150 sinon ; "
        "≈ 50 min pour 10 000 sur 2 cœurs)",
    )
    parser.add_argument("--repetitions-reference", type=int, default=3)
    parser.add_argument(
        "--recreer", action="store_true", help="supprime et recrée la base avant de générer"
    )
    parser.add_argument(
        "--seulement", action="append", help="ne lancer que ce banc (module de bench/)"
    )
    parser.add_argument("--sortie", type=Path, default=BENCH / "RESULTS.md")
    args = parser.parse_args(argv)
    args.base = os.environ.get("DATABASE_URL") or BASE_DEFAUT
    if args.dossiers < 1:
        parser.error("--dossiers doit être positif.")
    lignes, contexte = executer(args)
    texte = rapport(lignes, contexte, args)
    args.sortie.write_text(texte, encoding="utf-8")
    print("\n" + texte)
    print(f"Écrit dans {args.sortie}")
    return 1 if any(x.get("verdict") == "erreur" for x in lignes) else 0


if __name__ == "__main__":
    sys.exit(main())
