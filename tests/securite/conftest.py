"""Les objets de l'étude A du balayage d'isolation servent aussi de cibles aux attaques."""

from tests.test_isolation import objets_a  # noqa: F401 (fixture)
