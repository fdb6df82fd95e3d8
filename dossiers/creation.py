"""Création complète d'un dossier depuis l'écran « Nouveau dossier ».

Un seul formulaire crée, s'il le faut, le créancier, les débiteurs et leurs coordonnées,
puis ouvre le dossier avec son titre exécutoire : tout passe par les services de
`dossiers.services` dans UNE transaction. Une erreur, où qu'elle soit, annule tout :
rien n'est à moitié écrit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from etude.audit import evenement_enregistrer
from etude.models import Utilisateur

from .models import Creancier, Debiteur, Dossier, EmailDebiteur, TelephoneDebiteur, TitreExecutoire
from .services import (
    DonneesDossier,
    DonneesTitre,
    creancier_creer,
    debiteur_creer,
    dossier_ouvrir,
)


class ErreurCreation(Exception):
    """Une ValidationError d'un service, et la partie du formulaire qui l'a causée
    (`creancier`, `debiteurs-0`, `dossier`, `titre`), pour l'afficher sur le bon champ."""

    def __init__(self, partie: str, erreur: ValidationError):
        super().__init__(partie, erreur)
        self.partie = partie
        self.erreur = erreur


@dataclass
class NouveauDebiteur:
    """Un débiteur à créer : identité (champs du modèle) et coordonnées."""

    donnees: dict
    partie: str = "debiteurs-0"
    telephones: list[dict] = field(default_factory=list)
    emails: list[dict] = field(default_factory=list)


@dataclass
class DonneesCreation:
    creancier: Creancier | dict
    debiteurs: list[Debiteur | NouveauDebiteur]
    dossier: DonneesDossier
    titre: DonneesTitre | None = None


class _Partie:
    """Rattache toute ValidationError levée dans le bloc à une partie du formulaire."""

    def __init__(self, partie: str):
        self.partie = partie

    def __enter__(self):
        return self

    def __exit__(self, type_exc, exc, tb):
        if isinstance(exc, ValidationError) and not isinstance(exc, ErreurCreation):
            raise ErreurCreation(self.partie, exc) from exc
        return False


def _coordonnees_ajouter(
    *, acteur: Utilisateur, debiteur: Debiteur, nouveau: NouveauDebiteur, dossier: Dossier
) -> None:
    for valeurs in nouveau.telephones:
        telephone = TelephoneDebiteur(debiteur=debiteur, **valeurs)
        telephone.full_clean()
        telephone.save()
        evenement_enregistrer(
            etude_id=acteur.etude_id,
            acteur=acteur,
            action="debiteur_telephone_ajouter",
            libelle=f"Téléphone ajouté pour {debiteur.designation} : {telephone.numero}",
            objet=telephone,
            dossier=dossier,
            apres=valeurs,
        )
    for valeurs in nouveau.emails:
        courriel = EmailDebiteur(debiteur=debiteur, **valeurs)
        courriel.full_clean()
        courriel.save()
        evenement_enregistrer(
            etude_id=acteur.etude_id,
            acteur=acteur,
            action="debiteur_courriel_ajouter",
            libelle=f"Courriel ajouté pour {debiteur.designation} : {courriel.adresse}",
            objet=courriel,
            dossier=dossier,
            apres=valeurs,
        )


def dossier_creer_complet(*, acteur: Utilisateur, donnees: DonneesCreation) -> Dossier:
    """Crée créancier et débiteurs nouveaux, puis ouvre le dossier et son titre, en une
    transaction. Lève `ErreurCreation` (la partie fautive et l'erreur en français) ou
    `PermissionDenied` ; dans les deux cas rien n'est écrit."""
    with transaction.atomic():
        creancier = donnees.creancier
        if not isinstance(creancier, Creancier):
            with _Partie("creancier"):
                creancier = creancier_creer(acteur=acteur, donnees=creancier)
        debiteurs: list[Debiteur] = []
        nouveaux: list[tuple[Debiteur, NouveauDebiteur]] = []
        for element in donnees.debiteurs:
            if isinstance(element, Debiteur):
                debiteurs.append(element)
                continue
            with _Partie(element.partie):
                debiteur = debiteur_creer(acteur=acteur, donnees=element.donnees)
            debiteurs.append(debiteur)
            nouveaux.append((debiteur, element))
        if donnees.titre is not None:
            # Validé à part pour que ses erreurs reviennent sur les champs du titre.
            with _Partie("titre"):
                TitreExecutoire(**donnees.titre.__dict__).full_clean(exclude=["dossier"])
        with _Partie("dossier"):
            dossier = dossier_ouvrir(
                acteur=acteur,
                creancier=creancier,
                debiteurs=debiteurs,
                dossier=donnees.dossier,
                titre=donnees.titre,
            )
        for debiteur, element in nouveaux:
            with _Partie(element.partie):
                _coordonnees_ajouter(
                    acteur=acteur, debiteur=debiteur, nouveau=element, dossier=dossier
                )
    return dossier
