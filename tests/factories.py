"""Fabriques de test : fonctions à arguments nommés, passant par les services."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group

from dossiers.services import DonneesDossier, DonneesTitre, dossier_ouvrir
from etude.models import Etude, Utilisateur

MOT_DE_PASSE = "Motdepasse-de-test-2026"

_compteur = itertools.count(1)


def creer_etude(
    *,
    nom: str = "Étude Martin & Associés",
    departement: str = "75",
    siret: str | None = None,
    **extra,
) -> Etude:
    etude = Etude(
        nom=nom,
        adresse="12 rue de la Paix",
        code_postal="75002",
        ville="Paris",
        departement=departement,
        siret=siret if siret is not None else _siret_libre(),
        iban_compte_affecte="FR7630006000011234567890189",
        **extra,
    )
    etude.full_clean()
    etude.save()
    return etude


def _siret_libre() -> str:
    from etude.models import luhn_valide

    base = 100000000
    while True:
        base += 1
        for cle in range(10):
            candidat = f"{base:09d}0000{cle}"
            if luhn_valide(candidat) and not Etude.objects.filter(siret=candidat).exists():
                return candidat


def creer_utilisateur(
    *, etude: Etude | None, role: str, username: str | None = None, **extra
) -> Utilisateur:
    username = username or f"{role}{next(_compteur)}"
    utilisateur = Utilisateur.objects.create_user(
        username=username,
        password=MOT_DE_PASSE,
        etude=etude,
        first_name=extra.pop("first_name", role.capitalize()),
        last_name=extra.pop("last_name", "Test"),
        **extra,
    )
    utilisateur.groups.add(Group.objects.get(name=role))
    return utilisateur


def creer_creancier(*, etude: Etude, **extra):
    from dossiers.models import Creancier

    valeurs = {
        "type_personne": "morale",
        "raison_sociale": "Bailleur Habitat SA",
        "forme_juridique": "SA",
        "adresse": "1 place du Marché",
        "code_postal": "69001",
        "ville": "Lyon",
        "agit_pour_besoins_professionnels": True,
    }
    valeurs.update(extra)
    creancier = Creancier(etude=etude, **valeurs)
    creancier.full_clean()
    creancier.save()
    return creancier


def creer_debiteur(*, etude: Etude, **extra):
    from dossiers.models import Debiteur

    valeurs = {
        "type_personne": "physique",
        "civilite": "M.",
        "nom": "Dupont",
        "prenoms": "Jean",
        "adresse": "3 rue des Lilas",
        "code_postal": "13001",
        "ville": "Marseille",
        "date_naissance": date(1980, 4, 12),
        "lieu_naissance": "Lyon",
        "nationalite": "française",
        "profession": "technicien",
    }
    valeurs.update(extra)
    debiteur = Debiteur(etude=etude, **valeurs)
    debiteur.full_clean()
    debiteur.save()
    return debiteur


def creer_dossier(
    *,
    acteur: Utilisateur,
    creancier=None,
    debiteurs=None,
    montant: Decimal = Decimal("4250.00"),
    nature: str = "loyers",
    titre: bool = True,
    **extra,
):
    etude = acteur.etude
    creancier = creancier or creer_creancier(etude=etude)
    debiteurs = debiteurs or [creer_debiteur(etude=etude)]
    donnees_titre = None
    if titre:
        donnees_titre = DonneesTitre(
            nature="decision",
            date_titre=date(2025, 3, 14),
            juridiction="Tribunal judiciaire de Marseille",
            numero_rg="25/01234",
            date_signification=date(2025, 4, 2),
            date_force_executoire=date(2025, 4, 2),
            montant_principal=montant,
            montant_frais=Decimal("800.00"),
        )
    return dossier_ouvrir(
        acteur=acteur,
        creancier=creancier,
        debiteurs=debiteurs,
        dossier=DonneesDossier(nature=nature, montant_principal=montant, **extra),
        titre=donnees_titre,
    )


def creer_procedure(*, acteur: Utilisateur, type: str, dossier=None, **extra):
    """Une procédure ouverte par le service, sur un dossier (créé s'il manque)."""
    from procedures.models.base import SANS_TITRE
    from procedures.services import procedure_ouvrir

    dossier = dossier or creer_dossier(acteur=acteur, titre=type not in SANS_TITRE, **extra)
    titre = None if type in SANS_TITRE else dossier.titres.first()
    return procedure_ouvrir(
        acteur=acteur,
        dossier=dossier,
        debiteur=dossier.debiteurs.first(),
        type=type,
        titre=titre,
    )


def creer_regle_approbation(*, etude: Etude, type_procedure: str, transition: str):
    from procedures.models import RegleApprobation

    return RegleApprobation.objects.create(
        etude=etude, type_procedure=type_procedure, transition=transition
    )


def creer_titre_comptable(*, acteur: Utilisateur, montant: Decimal = Decimal("4250.00"), **titre):
    """Dossier avec un titre aux paramètres d'intérêts choisis (comptabilité) ; les valeurs
    par défaut sont celles de `creer_dossier` : jugement du 14/03/2025, exécutoire le
    02/04/2025, frais alloués 800 €, taux légal, créancier professionnel."""
    etude = acteur.etude
    valeurs = {
        "nature": "decision",
        "date_titre": date(2025, 3, 14),
        "juridiction": "Tribunal judiciaire de Marseille",
        "numero_rg": "25/01234",
        "date_signification": date(2025, 4, 2),
        "date_force_executoire": date(2025, 4, 2),
        "montant_principal": montant,
        "montant_frais": Decimal("800.00"),
    }
    creancier = titre.pop("creancier", None) or creer_creancier(etude=etude)
    nature = titre.pop("nature_dossier", "loyers")
    debiteurs = titre.pop("debiteurs", None) or [creer_debiteur(etude=etude)]
    valeurs.update(titre)
    return dossier_ouvrir(
        acteur=acteur,
        creancier=creancier,
        debiteurs=debiteurs,
        dossier=DonneesDossier(nature=nature, montant_principal=montant),
        titre=DonneesTitre(**valeurs),
    )
