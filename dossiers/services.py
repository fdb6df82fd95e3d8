"""Cas d'usage qui écrivent : une fonction atomique chacun, avec son événement d'audit."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from etude.audit import evenement_enregistrer, instantane
from etude.models import Utilisateur

from .models import (
    CompteurReference,
    Creancier,
    Debiteur,
    Dossier,
    DossierDebiteur,
    Piece,
    TitreExecutoire,
    normaliser_recherche,
)
from .pieces import verifier_piece


def _exiger_ecriture(acteur: Utilisateur) -> None:
    if not acteur.peut_ecrire:
        raise PermissionDenied("Votre rôle ne permet pas de modifier les dossiers.")


def _meme_etude(acteur: Utilisateur, *objets) -> None:
    for objet in objets:
        if objet is not None and objet.etude_id != acteur.etude_id:
            raise PermissionDenied("Cet élément n'appartient pas à votre étude.")


@dataclass
class DonneesTitre:
    nature: str
    date_titre: object
    juridiction: str
    montant_principal: Decimal
    numero_rg: str = ""
    date_signification: object = None
    date_force_executoire: object = None
    montant_frais: Decimal = Decimal("0.00")
    dont_article_700: Decimal = Decimal("0.00")
    creance_contrat_travail: bool = False
    type_interets: str = "legal"
    interets_depuis: object = None
    taux_contractuel: Decimal | None = None
    capitalisation: bool = False
    majoration_ecartee: bool = False
    imputation_principal_dabord: bool = False


@dataclass
class DonneesDossier:
    nature: str
    montant_principal: Decimal
    reference_creancier: str = ""
    clerc: Utilisateur | None = None
    complexe: bool = False
    ouvert_le: object = None
    date_premier_impaye: object = None
    extra: dict = field(default_factory=dict)


def _valider(instance) -> None:
    instance.full_clean()


def creancier_creer(*, acteur: Utilisateur, donnees: dict) -> Creancier:
    """Crée un créancier de l'étude de l'acteur."""
    _exiger_ecriture(acteur)
    creancier = Creancier(etude_id=acteur.etude_id, **donnees)
    with transaction.atomic():
        _valider(creancier)
        creancier.save()
        evenement_enregistrer(
            etude_id=acteur.etude_id,
            acteur=acteur,
            action="creancier_creer",
            libelle=f"Créancier créé : {creancier.designation}",
            objet=creancier,
            apres=instantane(creancier),
        )
    return creancier


def debiteur_creer(*, acteur: Utilisateur, donnees: dict) -> Debiteur:
    """Crée un débiteur de l'étude de l'acteur."""
    _exiger_ecriture(acteur)
    debiteur = Debiteur(etude_id=acteur.etude_id, **donnees)
    with transaction.atomic():
        _valider(debiteur)
        debiteur.save()
        evenement_enregistrer(
            etude_id=acteur.etude_id,
            acteur=acteur,
            action="debiteur_creer",
            libelle=f"Débiteur créé : {debiteur.designation}",
            objet=debiteur,
            apres=instantane(debiteur),
        )
    return debiteur


def _prochain_numero(etude_id: int, annee: int) -> int:
    """Numéro suivant de l'année, sous verrou de ligne (deux ouvertures simultanées ne
    reçoivent jamais le même numéro ; la contrainte unique le garantit en dernier ressort)."""
    compteur, _ = CompteurReference.objects.get_or_create(etude_id=etude_id, annee=annee)
    compteur = CompteurReference.objects.select_for_update().get(pk=compteur.pk)
    compteur.dernier += 1
    compteur.save(update_fields=["dernier"])
    return compteur.dernier


def texte_recherche(dossier: Dossier) -> str:
    """Ce que la recherche retrouve : référence, débiteurs, créancier, villes."""
    morceaux = [dossier.reference, dossier.reference_creancier]
    creancier = dossier.creancier
    morceaux += [creancier.nom, creancier.prenoms, creancier.raison_sociale]
    # Par rang (ordre de DossierDebiteur), comme la génération en masse les écrit : l'ordre
    # de `dossier.debiteurs` n'est pas défini.
    for partie in dossier.parties.all():
        debiteur = partie.debiteur
        morceaux += [
            debiteur.nom,
            debiteur.prenoms,
            debiteur.nom_naissance,
            debiteur.raison_sociale,
            debiteur.ville,
            debiteur.code_postal,
        ]
    return normaliser_recherche(" ".join(m for m in morceaux if m))


def dossier_indexer(*, dossier: Dossier) -> None:
    """Recalcule le texte de recherche d'un dossier (après un changement de parties)."""
    dossier.recherche = texte_recherche(dossier)
    Dossier.objects.filter(pk=dossier.pk).update(recherche=dossier.recherche)


def dossier_est_complexe(*, etude, montant_principal: Decimal, debiteurs, nature: str) -> bool:
    """Règles de l'étude qui rendent un dossier complexe (approbation du principal clerc)."""
    if montant_principal > etude.seuil_dossier_complexe:
        return True
    if len(debiteurs) > 1:
        return True
    return any(d.vulnerable for d in debiteurs)


@transaction.atomic
def dossier_ouvrir(
    *,
    acteur: Utilisateur,
    creancier: Creancier,
    debiteurs: list[Debiteur],
    dossier: DonneesDossier,
    titre: DonneesTitre | None = None,
) -> Dossier:
    """Ouvre un dossier : référence AAAA-NNNNNN, parties, titre exécutoire, audit."""
    _exiger_ecriture(acteur)
    if not debiteurs:
        raise ValidationError({"debiteurs": "Un dossier a au moins un débiteur."})
    if len({d.pk for d in debiteurs}) != len(debiteurs):
        raise ValidationError({"debiteurs": "Le même débiteur est indiqué deux fois."})
    _meme_etude(acteur, creancier, *debiteurs)
    clerc = dossier.clerc or acteur
    if clerc.etude_id != acteur.etude_id:
        raise PermissionDenied("Le clerc choisi n'appartient pas à votre étude.")
    etude = acteur.etude
    ouvert_le = dossier.ouvert_le or timezone.localdate()
    complexe = dossier.complexe or dossier_est_complexe(
        etude=etude,
        montant_principal=dossier.montant_principal,
        debiteurs=debiteurs,
        nature=dossier.nature,
    )
    objet = Dossier(
        etude=etude,
        annee=ouvert_le.year,
        numero=0,
        reference="",
        creancier=creancier,
        nature=dossier.nature,
        clerc=clerc,
        complexe=complexe,
        montant_principal=dossier.montant_principal,
        reference_creancier=dossier.reference_creancier,
        ouvert_le=ouvert_le,
        date_premier_impaye=dossier.date_premier_impaye,
    )
    objet.full_clean(exclude=["numero", "reference", "recherche"])
    titre_objet = None
    if titre is not None:
        titre_objet = TitreExecutoire(dossier=objet, **titre.__dict__)
        titre_objet.full_clean(exclude=["dossier"])
    objet.numero = _prochain_numero(etude.pk, ouvert_le.year)
    objet.reference = Dossier.formater_reference(ouvert_le.year, objet.numero)
    objet.save()
    DossierDebiteur.objects.bulk_create(
        [
            DossierDebiteur(dossier=objet, debiteur=debiteur, rang=rang)
            for rang, debiteur in enumerate(debiteurs, start=1)
        ]
    )
    if titre_objet is not None:
        titre_objet.dossier = objet
        titre_objet.save()
        objet.phase = "judiciaire"
        objet.save(update_fields=["phase"])
    dossier_indexer(dossier=objet)
    evenement_enregistrer(
        etude_id=etude.pk,
        acteur=acteur,
        action="dossier_ouvrir",
        libelle=(
            f"Dossier ouvert pour {creancier.designation} contre "
            + ", ".join(d.designation for d in debiteurs)
        ),
        objet=objet,
        dossier=objet,
        apres=instantane(objet, ["reference", "nature", "montant_principal", "clerc", "complexe"]),
    )
    if titre_objet is not None:
        evenement_enregistrer(
            etude_id=etude.pk,
            acteur=acteur,
            action="titre_enregistrer",
            libelle=f"Titre exécutoire enregistré : {titre_objet}",
            objet=titre_objet,
            dossier=objet,
            apres=instantane(titre_objet),
        )
    return objet


@transaction.atomic
def titre_enregistrer(*, acteur: Utilisateur, dossier: Dossier, titre: DonneesTitre):
    """Ajoute un titre exécutoire à un dossier (le dossier passe en phase judiciaire)."""
    _exiger_ecriture(acteur)
    _meme_etude(acteur, dossier)
    objet = TitreExecutoire(dossier=dossier, **titre.__dict__)
    objet.full_clean()
    objet.save()
    if dossier.phase != "judiciaire":
        dossier.phase = "judiciaire"
        dossier.save(update_fields=["phase", "modifie_le"])
    evenement_enregistrer(
        etude_id=dossier.etude_id,
        acteur=acteur,
        action="titre_enregistrer",
        libelle=f"Titre exécutoire enregistré : {objet}",
        objet=objet,
        dossier=dossier,
        apres=instantane(objet),
    )
    return objet


@transaction.atomic
def dossier_assigner(*, acteur: Utilisateur, dossier: Dossier, clerc: Utilisateur) -> Dossier:
    """Confie le dossier à un autre clerc de l'étude."""
    _exiger_ecriture(acteur)
    _meme_etude(acteur, dossier, clerc)
    avant = instantane(dossier, ["clerc"])
    dossier.clerc = clerc
    dossier.save(update_fields=["clerc", "modifie_le"])
    evenement_enregistrer(
        etude_id=dossier.etude_id,
        acteur=acteur,
        action="dossier_assigner",
        libelle=f"Dossier confié à {clerc}",
        objet=dossier,
        dossier=dossier,
        avant=avant,
        apres=instantane(dossier, ["clerc"]),
    )
    return dossier


def _partie_modifier(*, acteur: Utilisateur, partie, donnees: dict, action: str, genre: str):
    """Modifie une partie (créancier ou débiteur) sous verrou, après validation du modèle ;
    seuls les champs changés sont écrits ; un événement (avant/après) par dossier concerné,
    puis le texte de recherche de ces dossiers tenu à jour."""
    _exiger_ecriture(acteur)
    _meme_etude(acteur, partie)
    partie = type(partie).objects.select_for_update().get(pk=partie.pk)
    avant = instantane(partie)
    for cle, valeur in donnees.items():
        setattr(partie, cle, valeur)
    partie.full_clean()
    champs = [cle for cle in donnees if avant.get(cle) != instantane(partie).get(cle)]
    if not champs:
        return partie
    partie.save(update_fields=champs)
    apres = instantane(partie, champs)
    avant = {cle: avant[cle] for cle in champs}
    dossiers = list(partie.dossiers.all())
    for dossier in dossiers or [None]:
        evenement_enregistrer(
            etude_id=partie.etude_id,
            acteur=acteur,
            action=action,
            libelle=f"{genre} modifié : {partie.designation} ({', '.join(champs)})",
            objet=partie,
            dossier=dossier,
            avant=avant,
            apres=apres,
        )
    for dossier in dossiers:
        dossier_indexer(dossier=dossier)
    return partie


@transaction.atomic
def creancier_modifier(*, acteur: Utilisateur, creancier: Creancier, donnees: dict) -> Creancier:
    """Modifie l'identité ou l'adresse d'un créancier (par exemple les éléments de CPC 648 2° a
    qui manquaient) ; un événement par dossier concerné."""
    return _partie_modifier(
        acteur=acteur, partie=creancier, donnees=donnees, action="creancier_modifier",
        genre="Créancier",
    )  # fmt: skip


@transaction.atomic
def debiteur_modifier(*, acteur: Utilisateur, debiteur: Debiteur, donnees: dict) -> Debiteur:
    """Modifie l'identité ou la situation d'un débiteur ; un événement par dossier concerné."""
    return _partie_modifier(
        acteur=acteur, partie=debiteur, donnees=donnees, action="debiteur_modifier",
        genre="Débiteur",
    )  # fmt: skip


@transaction.atomic
def piece_ajouter(*, acteur: Utilisateur, dossier: Dossier, type_piece: str, fichier) -> Piece:
    """Verse une pièce au dossier après contrôle de sa taille et de son contenu réel."""
    _exiger_ecriture(acteur)
    _meme_etude(acteur, dossier)
    type_mime = verifier_piece(fichier)
    empreinte = hashlib.sha256()
    for morceau in fichier.chunks():
        empreinte.update(morceau)
    sha256 = empreinte.hexdigest()
    if Piece.objects.filter(dossier=dossier, sha256=sha256).exists():
        raise ValidationError({"fichier": "Cette pièce est déjà au dossier."})
    fichier.seek(0)
    piece = Piece(
        dossier=dossier,
        type_piece=type_piece,
        nom_original=fichier.name[-200:],
        type_mime=type_mime,
        taille=fichier.size,
        sha256=sha256,
        ajoutee_par=acteur,
    )
    piece.full_clean(exclude=["fichier"])
    piece.fichier.save(f"{sha256[:16]}.{type_mime.split('/')[-1]}", fichier, save=False)
    piece.save()
    evenement_enregistrer(
        etude_id=dossier.etude_id,
        acteur=acteur,
        action="piece_ajouter",
        libelle=f"Pièce versée : {piece.get_type_piece_display()} « {piece.nom_original} »",
        objet=piece,
        dossier=dossier,
        apres={"nom": piece.nom_original, "taille": piece.taille, "sha256": sha256},
    )
    return piece
