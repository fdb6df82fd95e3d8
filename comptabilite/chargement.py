"""Chargement des fichiers de `comptabilite/donnees/` dans les tables de référence.

Appelé par la migration 0002 avec les modèles historiques (`apps.get_model`). Idempotent :
chaque ligne est retrouvée par sa clé naturelle (semestre et catégorie, date d'effet, année,
début de période, article, code) et mise à jour si elle existe, créée sinon ; le fichier
fait foi.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

DOSSIER = Path(__file__).resolve().parent / "donnees"

PROVENANCE = ("texte", "source", "confiance", "confirme", "remarque")


def lire(nom: str) -> list[dict]:
    """Lignes d'un fichier de données (liste de dictionnaires, valeurs brutes du JSON)."""
    with (DOSSIER / nom).open(encoding="utf-8") as fichier:
        return json.load(fichier)["lignes"]


def _date(valeur: str | None) -> date | None:
    return None if valeur is None else date.fromisoformat(valeur)


def _decimal(valeur: str) -> Decimal:
    if not isinstance(valeur, str):
        raise TypeError(f"Montant « {valeur!r} » : attendu une chaîne, jamais un nombre flottant.")
    return Decimal(valeur)


def _provenance(ligne: dict) -> dict:
    return {cle: ligne[cle] for cle in PROVENANCE}


def charger(apps) -> None:
    """Charge toutes les tables ; `apps` est le registre de la migration."""

    def modele(nom):
        return apps.get_model("comptabilite", nom)

    for ligne in lire("taux_interet_legal.json"):
        modele("TauxInteretLegal").objects.update_or_create(
            semestre_debut=_date(ligne["semestre_debut"]),
            categorie=ligne["categorie"],
            defaults={"taux": _decimal(ligne["taux"]), **_provenance(ligne)},
        )

    for ligne in lire("taux_bce.json"):
        modele("TauxBCE").objects.update_or_create(
            date_effet=_date(ligne["date_effet"]),
            defaults={
                "taux": _decimal(ligne["taux"]),
                "en_vigueur_au_moins_jusqu_au": _date(ligne["en_vigueur_au_moins_jusqu_au"]),
                **_provenance(ligne),
            },
        )

    for ligne in lire("baremes_saisie.json"):
        modele("BaremeSaisie").objects.update_or_create(
            annee=ligne["annee"],
            defaults={
                "tranches": ligne["tranches"],
                "majoration_par_personne_a_charge": _decimal(
                    ligne["majoration_par_personne_a_charge"]
                ),
                **_provenance(ligne),
            },
        )

    for ligne in lire("montant_rsa.json"):
        modele("MontantRSA").objects.update_or_create(
            debut=_date(ligne["debut"]),
            defaults={
                "fin": _date(ligne["fin"]),
                "montant": _decimal(ligne["montant"]),
                **_provenance(ligne),
            },
        )

    periodes = {}
    for ligne in lire("periodes_tarifaires.json"):
        periode, _ = modele("PeriodeTarifaire").objects.update_or_create(
            debut=_date(ligne["debut"]),
            defaults={"fin": _date(ligne["fin"]), **_provenance(ligne)},
        )
        periodes[ligne["debut"]] = periode

    for ligne in lire("baremes_tarifaires.json"):
        modele("BaremeTarifaire").objects.update_or_create(
            periode=periodes[ligne["periode"]],
            article=ligne["article"],
            defaults={
                "seuil_forfait": _decimal(ligne["seuil_forfait"]),
                "forfait": _decimal(ligne["forfait"]),
                "plafond": _decimal(ligne["plafond"]),
                "tranches": ligne["tranches"],
                **_provenance(ligne),
            },
        )

    for ligne in lire("coefficients_a444_46.json"):
        modele("BaremeCoefficient").objects.update_or_create(
            periode=periodes[ligne["periode"]],
            defaults={"tranches": ligne["tranches"], **_provenance(ligne)},
        )

    for ligne in lire("emoluments_fixes.json"):
        modele("EmolumentFixe").objects.update_or_create(
            periode=periodes[ligne["periode"]],
            code=ligne["code"],
            defaults={
                "article": ligne["article"],
                "libelle": ligne["libelle"],
                "montant": _decimal(ligne["montant"]),
                "applicable_depuis": _date(ligne["applicable_depuis"]),
                **_provenance(ligne),
            },
        )
