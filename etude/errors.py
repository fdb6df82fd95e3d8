"""Erreurs métier partagées par toute l'application (voir CONTRAT.md)."""


class DonneeManquante(Exception):
    """Une donnée de référence datée manque (taux d'un semestre, barème d'une année...).

    Le message, en français, dit quoi saisir ; on ne retombe jamais en silence sur la
    donnée d'une autre période (DOMAINE.md, décision 15).
    """


class RegleMetier(Exception):
    """Une règle de droit ou de l'étude interdit l'opération ; le message cite l'article."""
