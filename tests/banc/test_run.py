"""`bench/run` à 10 000 dossiers, pour que le banc reste honnête : il tourne de bout en bout
et son tableau sort complet (chaque ligne a une valeur, aucun banc en erreur, les mesures
attendues présentes). Les chiffres ne sont pas jugés ici (machine de CI partagée, petite
base) : le tableau les juge lui-même et la sortie du test les montre en cas d'échec. Base à
part : celle des tests suivie de `_banc`, recréée à chaque fois ; le million reste hors CI.
"""

import os
import re
import subprocess
from pathlib import Path

import dj_database_url
import pytest

pytestmark = pytest.mark.banc

RACINE = Path(__file__).resolve().parents[2]
ATTENDUES = [
    "generer ",
    "recherche : nom (p95)",
    "recherche : créancier (p95)",
    "listes (paginer)",
    "tableau Délais",
    "HTTP mélange via gunicorn",
    "HTTP mélange : erreurs",
    "HTTP mélange : débit obtenu",
    "campagne : une étape pour",
    "délais : passe de nuit",
    "échéances : passe de nuit",
    "intérêts : nuit ensembliste",
    "nuit entière : durée",
    "nuit entière : mémoire maximale",
    "nuit entière : partie interets",
    "nuit entière : partie delais",
    "nuit entière : seconde exécution, écritures",
]


def _base_du_banc() -> str:
    url = os.environ.get("DATABASE_URL", "")
    reglages = dj_database_url.parse(url) if url else {}
    if reglages.get("ENGINE") != "django.db.backends.postgresql":
        pytest.skip("bench/run mesure PostgreSQL (DATABASE_URL=postgres://…)")
    utilisateur = reglages["USER"] or "postgres"
    hote = reglages["HOST"] or "127.0.0.1"
    port = reglages["PORT"] or 5432
    return f"postgres://{utilisateur}@{hote}:{port}/{reglages['NAME']}_banc"


def _cellules(texte: str) -> list[list[str]]:
    rangs = [ligne for ligne in texte.splitlines() if ligne.startswith("| ")]
    assert len(rangs) > 2, texte
    return [[c.strip() for c in rang.strip().strip("|").split("|")] for rang in rangs[2:]]


def test_bench_run_a_10000_dossiers_sort_un_tableau_complet(tmp_path):
    sortie = tmp_path / "RESULTS.md"
    fini = subprocess.run(
        [
            str(RACINE / "bench" / "run"),
            *("--dossiers", "10000", "--duree-http", "10", "--repetitions", "30", "--recreer"),
            *("--sortie", str(sortie)),
        ],
        cwd=RACINE,
        env={**os.environ, "DATABASE_URL": _base_du_banc()},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    journal = f"{fini.stdout[-6000:]}\n{fini.stderr[-4000:]}"
    assert fini.returncode == 0, journal
    texte = sortie.read_text(encoding="utf-8")
    assert "nproc" in texte and "PostgreSQL" in texte and "WeasyPrint" in texte, texte
    cellules = _cellules(texte)
    for mesure, valeur, _objectif, _ref, _rapport, verdict, note in cellules:
        assert verdict != "erreur", f"{mesure} : {note}"
        assert valeur not in ("", "—"), f"{mesure} sans valeur : {note}\n{texte}"
        if verdict == "absent":
            # Seul un banc pas encore livré (ou pas encore branché) peut manquer.
            module = re.search(r"bench/(\w+)\.py", note).group(1)
            fichier = RACINE / "bench" / f"{module}.py"
            assert not fichier.exists() or "lignes()" in note, f"{mesure} : {note}"
    mesures = [c[0] for c in cellules]
    for attendue in ATTENDUES:
        assert any(m.startswith(attendue) for m in mesures), f"{attendue} manque :\n{texte}"
