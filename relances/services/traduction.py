"""Requêtes des relances écrites pour PostgreSQL, traduites pour SQLite (base embarquée de
`./scripts/demarrer`, démonstration).

La production et les mesures du million tournent sur PostgreSQL (LATERAL, date + entier,
left(), NULL::bigint, = ANY(tableau)). SQLite n'a ni LATERAL ni l'arithmétique des dates :
chaque morceau propre à PostgreSQL y est remplacé par son équivalent (sous-requête corrélée
qui choisit la ligne, date(…, '+N days'), substr()), même sens, même ordre de choix. Chaque
morceau remplacé doit être trouvé tel quel : une requête PostgreSQL modifiée sans sa
traduction lève à l'import du module (donc dans toute la suite de tests) au lieu de casser
la démo en silence.
"""

from __future__ import annotations


def traduire(sql: str, remplacements: list[tuple[str, str]]) -> str:
    for postgresql, sqlite in remplacements:
        if postgresql not in sql:
            raise RuntimeError(f"Traduction SQLite des relances périmée : {postgresql[:60]!r}")
        sql = sql.replace(postgresql, sqlite)
    return sql
