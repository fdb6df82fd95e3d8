"""La nuit : une passe ordonnée sur toute l'étude, idempotente pour une date donnée.

Chaque application apporte sa partie (une fonction `partie(le: date) -> dict`) ; la nuit les
exécute dans l'ordre ci-dessous, chacune dans ses propres transactions, mesure la durée de
chacune et la mémoire maximale du processus, et rend un résumé. Une partie qui échoue est
signalée (message) sans empêcher les suivantes : le délai d'une procédure ne doit pas rester
sans constat parce qu'un taux manque pour les intérêts. Relancée pour la même date, chaque
partie n'écrit rien de plus (contraintes uniques et états tenus en base, pas en mémoire).

Ordre : les intérêts d'abord (le décompte du jour), puis les délais (caducités, alertes) ;
les issues suivantes ajoutent les scénarios de relance, les échéances des échéanciers et les
fonds détenus trop longtemps.
"""

from __future__ import annotations

import contextlib
import logging
import resource
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from django.db import connection

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Partie:
    nom: str
    libelle: str
    executer: Callable[[date], dict]


def _interets(le: date) -> dict:
    from comptabilite.nuit import accruer_interets

    return accruer_interets(le)


def _delais(le: date) -> dict:
    from procedures.nuit import passe_delais

    return passe_delais(le)


def _echeances(le: date) -> dict:
    from relances.services.echeanciers import passe_echeances

    return passe_echeances(le)


def _relances(le: date) -> dict:
    from relances.nuit import passe_relances

    return passe_relances(le)


def _fonds_detenus(le: date) -> dict:
    from comptabilite.nuit_fonds import alerter_fonds_detenus

    return alerter_fonds_detenus(le)


PARTIES: list[Partie] = [
    Partie("interets", "Intérêts courus (C. mon. fin. L313-2, L313-3)", _interets),
    Partie("delais", "Délais échus, caducités, alertes de prescription", _delais),
    Partie("echeances", "Échéances : payées, manquées, plans à déchoir", _echeances),
    Partie("relances", "Scénarios de relance amiable : étapes dues, envois", _relances),
    Partie("fonds_detenus", "Fonds détenus au-delà du délai de l'étude", _fonds_detenus),
]


def memoire_max_mio() -> float:
    """Mémoire résidente maximale du processus (ru_maxrss est en Kio sous Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# Clé du verrou consultatif PostgreSQL de la nuit (« NUIT » en ASCII) : une seule passe à la
# fois sur la base, quel que soit son lanceur (deux beat, un beat et `manage.py nuit`, une
# tâche relivrée alors que la première tourne encore).
VERROU_NUIT = 0x4E554954


@contextlib.contextmanager
def verrou_nuit() -> Iterator[bool]:
    """Prend le verrou de la nuit sans attendre ; rend False s'il est déjà tenu.

    Verrou de session (`pg_try_advisory_lock`) : il ne dépend d'aucune transaction (chaque
    partie a les siennes) et PostgreSQL le rend dès que la connexion se ferme, y compris
    quand le processus est tué (SIGKILL) : une passe interrompue ne bloque pas la suivante.
    SQLite (développement) : pas de verrou, une seule passe y tourne de toute façon."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as curseur:
        curseur.execute("SELECT pg_try_advisory_lock(%s)", [VERROU_NUIT])
        obtenu = curseur.fetchone()[0]
    try:
        yield obtenu
    finally:
        if obtenu and connection.connection is not None:
            with connection.cursor() as curseur:
                curseur.execute("SELECT pg_advisory_unlock(%s)", [VERROU_NUIT])


def executer_nuit(le: date, *, parties: list[str] | None = None) -> dict:
    """Exécute les parties de la nuit pour la journée `le` ; rend le résumé.

    Si une autre passe tient déjà le verrou, n'exécute rien et le dit (`deja_en_cours`)."""
    with verrou_nuit() as obtenu:
        if not obtenu:
            logger.warning("Nuit du %s : une autre passe est en cours, rien fait.", le)
            return {
                "le": le.isoformat(),
                "parties": {},
                "echecs": {},
                "deja_en_cours": True,
                "duree_s": 0.0,
                "memoire_max_mio": memoire_max_mio(),
            }
        return _executer(le, parties)


def _executer(le: date, parties: list[str] | None) -> dict:
    debut = time.perf_counter()
    resume: dict = {"le": le.isoformat(), "parties": {}, "echecs": {}, "deja_en_cours": False}
    for partie in PARTIES:
        if parties and partie.nom not in parties:
            continue
        depart = time.perf_counter()
        try:
            resultat = partie.executer(le)
        except Exception as exc:  # une partie en échec n'arrête pas les autres
            logger.exception("Nuit du %s : la partie %s a échoué", le, partie.nom)
            resume["echecs"][partie.nom] = f"{type(exc).__name__} : {exc}"
            resultat = {}
        resume["parties"][partie.nom] = {
            "libelle": partie.libelle,
            "duree_s": round(time.perf_counter() - depart, 3),
            "resultat": resultat,
        }
    resume["duree_s"] = round(time.perf_counter() - debut, 3)
    resume["memoire_max_mio"] = memoire_max_mio()
    return resume
