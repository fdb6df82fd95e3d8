"""Requêtes des relances traduites pour SQLite (démo de `./scripts/demarrer`) : rien de
propre à PostgreSQL n'y reste, et une traduction périmée lève au lieu de passer en silence.
(La passe elle-même a été rejouée nuit après nuit sur la démo SQLite à la main : les tests
tournent sur PostgreSQL.)"""

from __future__ import annotations

import re

import pytest

from relances.services import campagnes, taches
from relances.services.traduction import traduire

PROPRE_A_POSTGRESQL = re.compile(r"LATERAL|::|= ANY\(|\bleft\(|\+ x\.apres_jours")


@pytest.mark.parametrize(
    "sql",
    [
        *campagnes._REQUETES["sqlite"],
        campagnes._AFFECTER["sqlite"],
        taches._VOIE_JUDICIAIRE_SQLITE,
        campagnes._retour_sqlite("UPDATE t AS a SET x = 1 RETURNING a.id, a.dossier_id"),
    ],
)
def test_rien_de_propre_a_postgresql_dans_les_requetes_sqlite(sql):
    assert not PROPRE_A_POSTGRESQL.search(sql)
    assert "RETURNING a." not in sql


def test_les_requetes_postgresql_gardent_leur_forme():
    envois, rappels = campagnes._REQUETES["postgresql"]
    assert "JOIN LATERAL" in envois and "JOIN LATERAL" in rappels
    assert "+ x.apres_jours <= %(le)s" in envois


def test_traduction_perimee_leve():
    with pytest.raises(RuntimeError, match="périmée"):
        traduire("SELECT 1", [("JOIN LATERAL (", "JOIN (")])
