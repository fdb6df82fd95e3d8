"""Chaque test part d'un cache de référence vide : les données semées par la migration 0002
(ou modifiées par le test) sont relues dans la transaction du test."""

import pytest

from comptabilite import referentiel


@pytest.fixture(autouse=True)
def _cache_de_reference_vide():
    referentiel.vider_cache()
    yield
    referentiel.vider_cache()
