"""La base SQLite embarquée (`./scripts/demarrer`) reçoit GREATEST et LEAST, employés par les
requêtes ensemblistes de la comptabilité (reversements, état des fonds) : sans eux, la page
des reversements de la démonstration tombait en erreur 500 (« no such function: GREATEST »)."""

import sqlite3
from types import SimpleNamespace

from etude.apps import fonctions_sqlite


def _sqlite():
    brute = sqlite3.connect(":memory:")
    fonctions_sqlite(sender=None, connection=SimpleNamespace(vendor="sqlite", connection=brute))
    return brute


def test_greatest_et_least_comme_postgresql():
    base = _sqlite()
    assert base.execute("SELECT GREATEST(0, LEAST(12.5, 7))").fetchone() == (7,)
    assert base.execute("SELECT GREATEST(0, LEAST(-3, 7))").fetchone() == (0,)
    # PostgreSQL ignore les NULL ; NULL seulement si tous le sont.
    assert base.execute("SELECT GREATEST(NULL, 4, 2), LEAST(NULL, 4, 2)").fetchone() == (4, 2)
    assert base.execute("SELECT GREATEST(NULL, NULL)").fetchone() == (None,)


def test_rien_n_est_ajoute_a_postgresql():
    appels = []
    faux = SimpleNamespace(create_function=lambda *a, **k: appels.append(a))
    fonctions_sqlite(sender=None, connection=SimpleNamespace(vendor="postgresql", connection=faux))
    assert appels == []
