"""Étude de démonstration : `python manage.py demo`.

Crée, de façon idempotente, l'étude « Étude Demo — Commissaires de justice associés »
(Paris, département 75), un utilisateur par rôle, des créanciers, des débiteurs et une
trentaine de dossiers variés. Tout ce qui touche aux dossiers passe par les services
(`dossiers.services`) : le journal d'audit de la démonstration est celui qu'aurait laissé
une vraie étude.

Idempotence : chaque élément a une clé stable (identifiant de connexion, dénomination ou
nom et prénoms, référence du créancier pour un dossier) ; une étape retrouve ce qui existe
et ne crée que ce qui manque. Une seconde exécution ne change rien et affiche les mêmes
identifiants.

Étendre la démonstration (procédures, comptabilité, relances, actes…) : une application
expose dans `<app>/demo.py` une fonction `demo_etapes()` qui renvoie une liste
d'`Etape(nom, executer)`. `executer(contexte)` reçoit le `ContexteDemo` où les étapes
précédentes ont rangé l'étude, les utilisateurs (par identifiant), les créanciers et
débiteurs (par clé) et les dossiers (par référence du créancier, ex. `contexte.dossiers
["BH-2025-0417"]`) ; elle doit être idempotente comme les autres et écrire par les services
de son application. Les étapes s'exécutent dans l'ordre d'INSTALLED_APPS (celles d'`etude`,
ici, d'abord), chacune dans sa transaction.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from dossiers.models import (
    AdresseDebiteur,
    Bien,
    CompteBancaire,
    Creancier,
    Debiteur,
    Dossier,
    EmailDebiteur,
    TelephoneDebiteur,
)
from dossiers.services import (
    DonneesDossier,
    DonneesTitre,
    creancier_creer,
    debiteur_creer,
    debiteur_modifier,
    dossier_assigner,
    dossier_ouvrir,
    piece_ajouter,
    titre_enregistrer,
)
from etude.audit import evenement_enregistrer
from etude.models import Etude, Evenement, Role, Utilisateur, iban_masque, luhn_valide

NOM_ETUDE = "Étude Demo — Commissaires de justice associés"

# Mot de passe de démonstration, documenté dans le README : la commande refuse de tourner
# hors DEBUG sans --force, pour qu'il n'arrive jamais en production par mégarde.
MOT_DE_PASSE_DEMO = "demo-etude-2026"


class Etape(NamedTuple):
    nom: str
    executer: Callable[[ContexteDemo], None]


@dataclass
class ContexteDemo:
    aujourd_hui: date
    etude: Etude | None = None
    utilisateurs: dict[str, Utilisateur] = field(default_factory=dict)
    creanciers: dict = field(default_factory=dict)
    debiteurs: dict = field(default_factory=dict)
    dossiers: dict = field(default_factory=dict)

    def il_y_a(self, jours: int) -> date:
        """Date relative au jour de l'exécution : la démonstration reste « récente »."""
        return self.aujourd_hui - timedelta(days=jours)


@dataclass
class Connexion:
    identifiant: str
    mot_de_passe: str
    role: str
    nom: str


@dataclass
class Resume:
    etude: Etude
    connexions: list[Connexion]
    totaux: dict[str, int]


# --- Identifiants valides (clé de Luhn, clé RIB, clé IBAN) ---------------------------------


def avec_cle_luhn(chiffres: str) -> str:
    """Ajoute le chiffre qui rend la suite valide au sens de Luhn (SIREN, SIRET)."""
    for cle in "0123456789":
        if luhn_valide(chiffres + cle):
            return chiffres + cle
    raise AssertionError("inatteignable : un chiffre de Luhn existe toujours")


def siren(huit_chiffres: str) -> str:
    return avec_cle_luhn(huit_chiffres)


def siret(huit_chiffres: str, etablissement: str = "0001") -> str:
    return avec_cle_luhn(siren(huit_chiffres) + etablissement)


def iban_fr(banque: str, guichet: str, compte: str) -> str:
    """IBAN français : clé RIB (97 - (89 B + 15 G + 3 C) mod 97) puis clé ISO 13616."""
    cle_rib = 97 - (89 * int(banque) + 15 * int(guichet) + 3 * int(compte)) % 97
    bban = f"{banque}{guichet}{compte}{cle_rib:02d}"
    cle = 98 - int(bban + "152700") % 97  # « FR00 » : F = 15, R = 27
    return f"FR{cle:02d}{bban}"


# --- Étapes du socle ------------------------------------------------------------------------

UTILISATEURS = [
    # identifiant, rôle, prénom, nom, initiales
    ("clerc1", Role.CLERC, "Camille", "Laurent", "CL"),
    ("clerc2", Role.CLERC, "Hugo", "Petit", "HP"),
    ("principal", Role.PRINCIPAL_CLERC, "Nadia", "Haddad", "NH"),
    ("commissaire", Role.COMMISSAIRE, "Anne-Sophie", "Girard", "ASG"),
    ("comptable", Role.COMPTABLE, "Julien", "Roche", "JR"),
    ("lecture", Role.LECTURE, "Léa", "Marchand", "LM"),
]


def etape_etude(contexte: ContexteDemo) -> None:
    valeurs = {
        "nom": NOM_ETUDE,
        "adresse": "8 rue de Turbigo",
        "code_postal": "75003",
        "ville": "Paris",
        "departement": "75",
        "iban_compte_affecte": iban_fr("30002", "00550", "00000157841"),
        "telephone": "+33142000000",
        "email": "contact@etude-demo.example",
    }
    etude = Etude.objects.filter(siret=siret("81234567")).first()
    if etude is None:
        etude = Etude(siret=siret("81234567"), **valeurs)
        etude.full_clean()
        etude.save()
    contexte.etude = etude


def etape_utilisateurs(contexte: ContexteDemo) -> None:
    for identifiant, role, prenom, nom, initiales in UTILISATEURS:
        utilisateur = Utilisateur.objects.filter(username=identifiant).first()
        if utilisateur is None:
            utilisateur = Utilisateur.objects.create_user(
                username=identifiant,
                password=MOT_DE_PASSE_DEMO,
                etude=contexte.etude,
                first_name=prenom,
                last_name=nom,
                initiales=initiales,
                email=f"{identifiant}@etude-demo.example",
            )
        else:
            # Identifiant déjà pris : on remet seulement ce qui a dérivé (mot de passe changé
            # à la main, utilisateur désactivé), pour que les identifiants affichés marchent.
            champs = []
            if utilisateur.etude_id != contexte.etude.pk:
                utilisateur.etude = contexte.etude
                champs.append("etude")
            if not utilisateur.is_active:
                utilisateur.is_active = True
                champs.append("is_active")
            if not utilisateur.check_password(MOT_DE_PASSE_DEMO):
                utilisateur.set_password(MOT_DE_PASSE_DEMO)
                champs.append("password")
            if champs:
                utilisateur.save(update_fields=champs)
        groupe = Group.objects.get(name=role.value)
        if not utilisateur.groups.filter(pk=groupe.pk).exists():
            utilisateur.groups.add(groupe)
        contexte.utilisateurs[identifiant] = utilisateur


CREANCIERS = {
    "logis": {
        "type_personne": "morale",
        "raison_sociale": "Logis du Faubourg",
        "forme_juridique": "SA d'HLM",
        "siren": siren("41270385"),
        "representant": "M. Bertrand Vidal, directeur général",
        "adresse": "45 rue du Faubourg Saint-Antoine",
        "code_postal": "75011",
        "ville": "Paris",
        "email": "contentieux@logis-faubourg.example",
        "iban": iban_fr("30004", "00819", "00012345678"),
    },
    "fournitures": {
        "type_personne": "morale",
        "raison_sociale": "Fournitures Durand & Fils",
        "forme_juridique": "SARL",
        "siren": siren("52310947"),
        "representant": "Mme Claire Durand, gérante",
        "adresse": "17 quai Perrache",
        "code_postal": "69002",
        "ville": "Lyon",
        "iban": iban_fr("10096", "18000", "00098765432"),
    },
    "credit": {
        "type_personne": "morale",
        "raison_sociale": "Crédit Solidaire de l'Est",
        "forme_juridique": "SA",
        "siren": siren("38845120"),
        "representant": "Service recouvrement, M. Olivier Klein",
        "adresse": "3 place Kléber",
        "code_postal": "67000",
        "ville": "Strasbourg",
        "iban": iban_fr("15135", "00500", "08001234567"),
    },
    "onde": {
        "type_personne": "morale",
        "raison_sociale": "Onde Mobile",
        "forme_juridique": "SAS",
        "siren": siren("80199463"),
        "adresse": "12 rue de Paris",
        "code_postal": "93100",
        "ville": "Montreuil",
        "iban": iban_fr("30003", "03620", "00020456789"),
    },
    "caisse": {
        "type_personne": "morale",
        "raison_sociale": "Caisse interprofessionnelle de prévoyance des artisans",
        "forme_juridique": "organisme de sécurité sociale",
        "siren": siren("77566180"),
        "adresse": "2 boulevard de la Liberté",
        "code_postal": "59000",
        "ville": "Lille",
        "iban": iban_fr("10278", "02000", "00020118745"),
    },
    "garnier": {
        "type_personne": "physique",
        "civilite": "M.",
        "nom": "Garnier",
        "prenoms": "Théo",
        # Identité de CPC 648 2° a (requérant personne physique).
        "profession": "plombier",
        "nationalite": "française",
        "date_naissance": date(1979, 6, 14),
        "lieu_naissance": "Clamart (Hauts-de-Seine)",
        "adresse": "6 impasse des Artisans",
        "code_postal": "92240",
        "ville": "Malakoff",
        "email": "theo.garnier.plomberie@example.fr",
        # Plombier : agit pour les besoins de son activité (taux « professionnels »).
        "agit_pour_besoins_professionnels": True,
        "iban": iban_fr("20041", "00001", "01234567890"),
    },
    "moreau": {
        "type_personne": "physique",
        "civilite": "Mme",
        "nom": "Moreau",
        "prenoms": "Hélène",
        "profession": "professeure retraitée",
        "nationalite": "française",
        "date_naissance": date(1951, 2, 9),
        "lieu_naissance": "Angers (Maine-et-Loire)",
        "adresse": "21 avenue Mozart",
        "code_postal": "75016",
        "ville": "Paris",
        # Bailleresse particulière : taux de l'intérêt légal « particuliers » (CMF L313-2).
        "agit_pour_besoins_professionnels": False,
        "iban": iban_fr("30066", "10021", "00010987654"),
    },
    "benali": {
        "type_personne": "physique",
        "civilite": "Mme",
        "nom": "Benali",
        "prenoms": "Inès",
        "profession": "architecte",
        "nationalite": "française",
        "date_naissance": date(1985, 10, 23),
        "lieu_naissance": "Lyon (Rhône)",
        "adresse": "9 rue des Chantiers",
        "code_postal": "78000",
        "ville": "Versailles",
        "agit_pour_besoins_professionnels": False,
        "iban": iban_fr("30004", "02837", "00075312468"),
    },
}

# Chaque débiteur : ses champs, puis ses coordonnées (téléphones, courriels, comptes,
# biens, adresses antérieures), créées avec lui.
DEBITEURS = {
    "lefevre": {
        "type_personne": "physique",
        "civilite": "M.",
        "nom": "Lefèvre",
        "prenoms": "Jean-François",
        "adresse": "12 rue des Écoles",
        "code_postal": "75005",
        "ville": "Paris",
        "date_naissance": date(1979, 3, 14),
        "lieu_naissance": "Nîmes (Gard)",
        "nationalite": "française",
        "profession": "technicien de maintenance",
        "employeur_nom": "Maintenance industrielle du Sud",
        "employeur_adresse": "ZI des Milles, 13290 Aix-en-Provence",
        "revenus_mensuels_nets": Decimal("2150.00"),
        "personnes_a_charge": 2,
        "email": "jf.lefevre@example.fr",
        "_telephones": [("+33612345678", True, True, True, False)],
        "_emails": [("jf.lefevre@example.fr", True, False)],
        "_comptes": [(iban_fr("30004", "00123", "00045678912"), "Banque du Marais")],
        "_biens": [("vehicule", "Peugeot 308, immatriculée GH-412-KL (2019)", "9500.00")],
        "_adresses": [("4 chemin des Oliviers", "30000", "Nîmes", 2400, 900, "ancien bail")],
    },
    "darcy": {
        "type_personne": "physique",
        "civilite": "Mme",
        "nom": "D'Arcy",
        "prenoms": "Éloïse Marie",
        "nom_naissance": "Nguyễn",
        "adresse": "58 cours Gambetta",
        "code_postal": "69003",
        "ville": "Lyon",
        "date_naissance": date(1986, 11, 2),
        "lieu_naissance": "Villeurbanne (Rhône)",
        "nationalite": "française",
        "profession": "infirmière",
        "employeur_nom": "Clinique Saint-Exupéry",
        "employeur_adresse": "29 avenue des Sports, 69008 Lyon",
        "revenus_mensuels_nets": Decimal("2600.00"),
        "personnes_a_charge": 1,
        "_telephones": [("+33698765432", True, False, True, False)],
        "_comptes": [(iban_fr("10096", "18111", "00044556677"), "Banque des Canuts")],
    },
    "muller": {
        "type_personne": "physique",
        "civilite": "M.",
        "nom": "Müller",
        "prenoms": "Frédéric",
        "adresse": "7 rue du Jeu-des-Enfants",
        "code_postal": "67000",
        "ville": "Strasbourg",
        "date_naissance": date(1972, 6, 30),
        "lieu_naissance": "Colmar (Haut-Rhin)",
        "nationalite": "française",
        "profession": "chauffeur routier",
        "employeur_nom": "Transports Rhénans",
        "employeur_adresse": "Port du Rhin, 67100 Strasbourg",
        "revenus_mensuels_nets": Decimal("1900.00"),
        "personnes_a_charge": 3,
        "_biens": [("immobilier", "Maison, 3 rue des Vosges, 67120 Molsheim", "210000.00")],
    },
    "hoarau": {
        "type_personne": "physique",
        "civilite": "Mme",
        "nom": "Hoarau",
        "prenoms": "Marie-Josée",
        "adresse": "14 rue de Paris",
        "code_postal": "97400",
        "ville": "Saint-Denis",
        "date_naissance": date(1968, 1, 23),
        "lieu_naissance": "Saint-Pierre (La Réunion)",
        "nationalite": "française",
        "profession": "agente d'entretien",
        "revenus_mensuels_nets": Decimal("1450.00"),
        "_telephones": [("+262692123456", True, True, True, False)],
    },
    "santini": {
        "type_personne": "physique",
        "civilite": "M.",
        "nom": "Santini",
        "prenoms": "Pierre-Antoine",
        "adresse": "3 cours Napoléon",
        "code_postal": "20000",
        "ville": "Ajaccio",
        "date_naissance": date(1975, 8, 15),
        "lieu_naissance": "Bastia (Haute-Corse)",
        "nationalite": "française",
        "profession": "restaurateur (entrepreneur individuel)",
        "_biens": [
            ("immobilier", "Local commercial, 11 rue Fesch, Ajaccio", "145000.00"),
            ("mobilier", "Matériel de cuisine professionnelle", "12000.00"),
        ],
    },
    "fabre": {
        "type_personne": "physique",
        "civilite": "Mme",
        "nom": "Fabre",
        "prenoms": "Josiane",
        "adresse": "5 rue de l'Aiguillerie",
        "code_postal": "34000",
        "ville": "Montpellier",
        "date_naissance": date(1958, 4, 9),
        "lieu_naissance": "Sète (Hérault)",
        "nationalite": "française",
        "profession": "retraitée",
        "revenus_mensuels_nets": Decimal("1180.00"),
        # C. consom. L722-2 : la recevabilité suspend les procédures d'exécution.
        "surendettement_statut": "recevable",
        "_surendettement": (200, 120),
    },
    "rousseau": {
        "type_personne": "physique",
        "civilite": "M.",
        "nom": "Rousseau",
        "prenoms": "Marcel",
        "adresse": "2 place Plumereau",
        "code_postal": "37000",
        "ville": "Tours",
        "date_naissance": date(1939, 12, 1),
        "lieu_naissance": "Amboise (Indre-et-Loire)",
        "nationalite": "française",
        "profession": "retraité",
        "revenus_mensuels_nets": Decimal("1020.00"),
        "vulnerable": True,
        "_telephones": [("+33247123456", False, False, True, False)],
    },
    "ngoma": {
        "type_personne": "physique",
        "civilite": "M.",
        "nom": "Ngoma",
        "prenoms": "Christian",
        "adresse": "30 avenue du Général-de-Gaulle",
        "code_postal": "94000",
        "ville": "Créteil",
        "date_naissance": date(1990, 2, 17),
        "lieu_naissance": "Brazzaville (Congo)",
        "nationalite": "congolaise",
        "profession": "agent de sécurité",
        "employeur_nom": "Vigilance Île-de-France",
        "employeur_adresse": "8 rue Pasteur, 94000 Créteil",
        "revenus_mensuels_nets": Decimal("1750.00"),
        "personnes_a_charge": 1,
        # Opposition à tout contact téléphonique : respectée par les relances.
        "_telephones": [("+33755443322", True, False, False, True)],
    },
    "leroy_s": {
        "type_personne": "physique",
        "civilite": "Mme",
        "nom": "Leroy",
        "prenoms": "Sandrine",
        "nom_naissance": "Duhamel",
        "adresse": "41 rue Gambetta",
        "code_postal": "59000",
        "ville": "Lille",
        "date_naissance": date(1983, 9, 5),
        "lieu_naissance": "Roubaix (Nord)",
        "nationalite": "française",
        "profession": "commerciale",
        "employeur_nom": "Nordis Distribution",
        "employeur_adresse": "Parc de la Haute-Borne, 59650 Villeneuve-d'Ascq",
        "revenus_mensuels_nets": Decimal("3200.00"),
        "personnes_a_charge": 2,
        "_emails": [("sandrine.leroy@example.fr", False, True)],
    },
    "leroy_t": {
        "type_personne": "physique",
        "civilite": "M.",
        "nom": "Leroy",
        "prenoms": "Thomas",
        "adresse": "41 rue Gambetta",
        "code_postal": "59000",
        "ville": "Lille",
        "date_naissance": date(1981, 12, 24),
        "lieu_naissance": "Lille (Nord)",
        "nationalite": "française",
        "profession": "électricien",
        "revenus_mensuels_nets": Decimal("2050.00"),
        "personnes_a_charge": 2,
    },
    "boulangerie": {
        "type_personne": "morale",
        "raison_sociale": "Boulangerie Aux Délices de Montmartre",
        "forme_juridique": "SARL",
        "siren": siren("83344512"),
        "representant": "M. Karim Belkacem, gérant",
        "adresse": "88 rue Lepic",
        "code_postal": "75018",
        "ville": "Paris",
        "email": "contact@delices-montmartre.example",
        "_comptes": [(iban_fr("30004", "00828", "00011223344"), "Banque du Marais")],
    },
    "btp": {
        "type_personne": "morale",
        "raison_sociale": "BTP Rénovation Île-de-France",
        "forme_juridique": "SAS",
        "siren": siren("50721634"),
        "representant": "M. Stéphane Barbier, président",
        "adresse": "120 avenue Georges-Clemenceau",
        "code_postal": "92000",
        "ville": "Nanterre",
        "_comptes": [(iban_fr("18206", "00010", "65012345678"), "Crédit coopératif du Val")],
        "_biens": [("vehicule", "Fourgon Renault Master, FR-203-ZT (2021)", "18000.00")],
    },
    "sci": {
        "type_personne": "morale",
        "raison_sociale": "SCI Les Tilleuls",
        "forme_juridique": "SCI",
        "siren": siren("49012876"),
        "representant": "Mme Agnès Delmas, gérante",
        "adresse": "15 allées de Tourny",
        "code_postal": "33000",
        "ville": "Bordeaux",
        "_biens": [("immobilier", "Immeuble de rapport, 4 rue Sainte-Catherine", "640000.00")],
    },
    "garage": {
        "type_personne": "morale",
        "raison_sociale": "Garage de l'Étoile",
        "forme_juridique": "EURL",
        "siren": siren("44988213"),
        "representant": "M. Rachid Amrani, gérant",
        "adresse": "230 boulevard de Sainte-Marguerite",
        "code_postal": "13009",
        "ville": "Marseille",
    },
    "petitjean": {
        "type_personne": "physique",
        "civilite": "M.",
        "nom": "Petitjean",
        "prenoms": "Loïc",
        "adresse": "6 rue Saint-Malo",
        "code_postal": "35000",
        "ville": "Rennes",
        "date_naissance": date(2002, 5, 19),
        "lieu_naissance": "Vannes (Morbihan)",
        "nationalite": "française",
        "profession": "étudiant",
        "revenus_mensuels_nets": Decimal("600.00"),
        "_emails": [("loic.petitjean@example.fr", True, False)],
        "_telephones": [("+33633221100", True, True, True, False)],
    },
    "chevalier": {
        "type_personne": "physique",
        "civilite": "Mme",
        "nom": "Chevalier",
        "prenoms": "Aurélie",
        "adresse": "19 quai de la Fosse",
        "code_postal": "44000",
        "ville": "Nantes",
        "date_naissance": date(1977, 10, 11),
        "lieu_naissance": "Angers (Maine-et-Loire)",
        "nationalite": "française",
        "profession": "professeure des écoles",
        "employeur_nom": "Rectorat de l'académie de Nantes",
        "employeur_adresse": "4 rue de la Houssinière, 44000 Nantes",
        "revenus_mensuels_nets": Decimal("2450.00"),
        "personnes_a_charge": 2,
    },
    "ozturk": {
        "type_personne": "physique",
        "civilite": "M.",
        "nom": "Öztürk",
        "prenoms": "Mehmet",
        "adresse": "27 rue de Bâle",
        "code_postal": "68100",
        "ville": "Mulhouse",
        "date_naissance": date(1985, 3, 3),
        "lieu_naissance": "Konya (Turquie)",
        "nationalite": "turque",
        "profession": "maçon",
        "employeur_nom": "Bâtir en Alsace",
        "employeur_adresse": "5 rue de l'Industrie, 68200 Mulhouse",
        "revenus_mensuels_nets": Decimal("1850.00"),
        "personnes_a_charge": 2,
    },
    "dasilva": {
        "type_personne": "physique",
        "civilite": "M.",
        "nom": "Da Silva",
        "prenoms": "João",
        "adresse": "33 boulevard Jean-Jaurès",
        "code_postal": "92110",
        "ville": "Clichy",
        "date_naissance": date(1988, 7, 21),
        "lieu_naissance": "Porto (Portugal)",
        "nationalite": "portugaise",
        "profession": "cuisinier",
        "employeur_nom": "Brasserie du Parc",
        "employeur_adresse": "1 place de la République, 92110 Clichy",
        "revenus_mensuels_nets": Decimal("1700.00"),
    },
    "benoit": {
        "type_personne": "physique",
        "civilite": "Mme",
        "nom": "Benoît",
        "prenoms": "Françoise",
        "adresse": "101 rue des Pyrénées",
        "code_postal": "75020",
        "ville": "Paris",
        "date_naissance": date(1964, 2, 28),
        "lieu_naissance": "Paris 14e",
        "nationalite": "française",
        "profession": "sans profession",
        "revenus_mensuels_nets": Decimal("646.52"),
    },
    "martin": {
        "type_personne": "physique",
        "civilite": "M.",
        "nom": "Martin",
        "prenoms": "Kévin",
        "adresse": "8 rue de Satory",
        "code_postal": "78000",
        "ville": "Versailles",
        "date_naissance": date(1984, 1, 8),
        "lieu_naissance": "Le Chesnay (Yvelines)",
        "nationalite": "française",
        "profession": "technicien réseaux",
        "employeur_nom": "Fibres de l'Ouest parisien",
        "employeur_adresse": "14 avenue de l'Europe, 78140 Vélizy-Villacoublay",
        "revenus_mensuels_nets": Decimal("2300.00"),
        "personnes_a_charge": 1,
    },
}


def _cle_personne(valeurs: dict) -> dict:
    if valeurs["type_personne"] == "morale":
        return {"type_personne": "morale", "raison_sociale": valeurs["raison_sociale"]}
    return {"type_personne": "physique", "nom": valeurs["nom"], "prenoms": valeurs["prenoms"]}


def _acteur(contexte: ContexteDemo) -> Utilisateur:
    return contexte.utilisateurs["principal"]


def etape_creanciers(contexte: ContexteDemo) -> None:
    for cle, valeurs in CREANCIERS.items():
        creancier = Creancier.objects.filter(
            etude=contexte.etude, **_cle_personne(valeurs)
        ).first()
        if creancier is None:
            creancier = creancier_creer(acteur=_acteur(contexte), donnees=dict(valeurs))
        contexte.creanciers[cle] = creancier


def etape_debiteurs(contexte: ContexteDemo) -> None:
    for cle, valeurs in DEBITEURS.items():
        donnees = {k: v for k, v in valeurs.items() if not k.startswith("_")}
        debiteur = Debiteur.objects.filter(etude=contexte.etude, **_cle_personne(donnees)).first()
        if debiteur is None:
            if "_surendettement" in valeurs:
                depot, decision = valeurs["_surendettement"]
                donnees["surendettement_depot"] = contexte.il_y_a(depot)
                donnees["surendettement_decision"] = contexte.il_y_a(decision)
            with transaction.atomic():
                debiteur = debiteur_creer(acteur=_acteur(contexte), donnees=donnees)
                _coordonnees_ajouter(contexte, debiteur, valeurs)
        contexte.debiteurs[cle] = debiteur


def _coordonnees_ajouter(contexte: ContexteDemo, debiteur, valeurs: dict) -> None:
    """Téléphones, courriels, comptes, biens et adresses antérieures du débiteur.

    dossiers.services n'a pas encore de service pour ces lignes : elles sont validées
    (`full_clean`) et journalisées ici, dans la transaction de la création du débiteur.
    """
    lignes = []
    for numero, mobile, sms, appel, opposition in valeurs.get("_telephones", []):
        lignes.append(
            TelephoneDebiteur(
                debiteur=debiteur,
                numero=numero,
                mobile=mobile,
                consentement_sms=sms,
                consentement_appel=appel,
                opposition=opposition,
            )
        )
    for adresse, consentement, opposition in valeurs.get("_emails", []):
        lignes.append(
            EmailDebiteur(
                debiteur=debiteur,
                adresse=adresse,
                consentement=consentement,
                opposition=opposition,
            )
        )
    for iban, banque in valeurs.get("_comptes", []):
        lignes.append(CompteBancaire(debiteur=debiteur, iban=iban, banque=banque))
    for nature, description, valeur in valeurs.get("_biens", []):
        lignes.append(
            Bien(
                debiteur=debiteur,
                nature=nature,
                description=description,
                valeur_estimee=Decimal(valeur),
            )
        )
    for adresse, code_postal, ville, depuis, jusqu_au, source in valeurs.get("_adresses", []):
        lignes.append(
            AdresseDebiteur(
                debiteur=debiteur,
                adresse=adresse,
                code_postal=code_postal,
                ville=ville,
                depuis=contexte.il_y_a(depuis),
                jusqu_au=contexte.il_y_a(jusqu_au),
                source=source,
            )
        )
    if not lignes:
        return
    for ligne in lignes:
        ligne.full_clean()
        ligne.save()
    evenement_enregistrer(
        etude_id=debiteur.etude_id,
        acteur=_acteur(contexte),
        action="debiteur_coordonnees_ajouter",
        libelle=f"Coordonnées et solvabilité de {debiteur.designation} renseignées",
        objet=debiteur,
        apres={
            "telephones": [t for t, *_ in valeurs.get("_telephones", [])],
            "emails": [e for e, *_ in valeurs.get("_emails", [])],
            # Jamais d'IBAN complet hors de sa table : le journal garde la forme masquée.
            "comptes": [iban_masque(i) for i, _ in valeurs.get("_comptes", [])],
            "biens": [d for _, d, _ in valeurs.get("_biens", [])],
            "adresses_anterieures": [a for a, *_ in valeurs.get("_adresses", [])],
        },
    )


@dataclass
class DossierDemo:
    """Un dossier de la démonstration ; `titre` en jours avant aujourd'hui."""

    reference_creancier: str
    creancier: str
    debiteurs: list[str]
    nature: str
    montant: str
    clerc: str
    ouvert_il_y_a: int
    titre: dict | None = None
    # Titre obtenu après l'ouverture amiable (le dossier passe en phase judiciaire).
    titre_ulterieur: dict | None = None
    reassigner_a: str | None = None
    piece: str | None = None


def _titre(nature, il_y_a, juridiction, rg="", signifie=None, frais="0.00", **extra):
    return {
        "nature": nature,
        "il_y_a": il_y_a,
        "juridiction": juridiction,
        "numero_rg": rg,
        "signifie_il_y_a": signifie,
        "montant_frais": Decimal(frais),
        **extra,
    }


# Tableau de données : une ligne par dossier, plus lisible que le format de ruff.
# fmt: off
DOSSIERS = [
    DossierDemo(
        "BH-2025-0417", "logis", ["lefevre"], "loyers", "3840.00", "clerc1", 150,
        titre=_titre("decision", 190, "Tribunal judiciaire de Paris, JCP", "25/04417", 175,
                     "650.00"),
        piece="jugement",
    ),
    DossierDemo(
        "BH-2025-0522", "logis", ["leroy_s", "leroy_t"], "loyers", "7260.50", "clerc2", 120,
        titre=_titre("decision", 160, "Tribunal judiciaire de Lille, JCP", "25/01988", 140,
                     "1200.00"),
    ),
    DossierDemo("BH-2026-0031", "logis", ["benoit"], "loyers", "1290.00", "clerc1", 20),
    DossierDemo(
        "BH-2026-0078", "logis", ["ngoma"], "loyers", "2480.00", "clerc2", 75,
        titre=_titre("decision", 110, "Tribunal de proximité de Créteil", "25/03012", 95,
                     "400.00"),
        reassigner_a="clerc1",
    ),
    DossierDemo("HM-LOY-02", "moreau", ["petitjean"], "loyers", "2150.00", "clerc1", 35),
    DossierDemo(
        "HM-LOY-01", "moreau", ["hoarau"], "loyers", "4600.00", "clerc2", 90,
        titre=_titre("conciliation", 130, "Conciliateur de justice de Saint-Denis",
                     "PV 2025-118", 118),
    ),
    DossierDemo(
        "IB-PA-2025", "benali", ["martin"], "pension_alimentaire", "3360.00", "clerc1", 60,
        titre=_titre("decision", 400, "Tribunal judiciaire de Versailles, JAF", "24/05120",
                     380, "800.00"),
    ),
    DossierDemo(
        "IB-PA-2026", "benali", ["martin"], "pension_alimentaire", "1450.00", "clerc1", 25,
        titre_ulterieur=_titre("decision", 10, "Tribunal judiciaire de Versailles, JAF",
                               "26/00412", 3, "300.00"),
    ),
    DossierDemo(
        "FD-F24-1187", "fournitures", ["boulangerie"], "commerciale", "12480.00", "clerc1", 100,
        titre=_titre("injonction", 140, "Tribunal de commerce de Paris", "2025IP08841", 125,
                     "95.63", type_interets="commercial"),
        piece="facture",
    ),
    DossierDemo("FD-F25-0210", "fournitures", ["garage"], "commerciale", "2890.40", "clerc2", 15),
    DossierDemo(
        "FD-F24-0950", "fournitures", ["btp"], "commerciale", "48750.00", "clerc2", 210,
        titre=_titre("decision", 260, "Tribunal des activités économiques de Nanterre",
                     "2025F00219", 240, "3500.00", type_interets="commercial",
                     capitalisation=True),
    ),
    DossierDemo(
        "FD-EXT-0007", "fournitures", ["btp"], "commerciale", "6200.00", "clerc2", 80,
        titre=_titre("etranger", 200, "Tribunal de l'entreprise francophone de Bruxelles",
                     "A/25/01457", 150, "750.00"),
    ),
    DossierDemo(
        "CSE-PP-88412", "credit", ["darcy"], "consommation", "9870.25", "clerc1", 140,
        titre=_titre("decision", 180, "Tribunal judiciaire de Lyon", "25/02231", 165,
                     "1000.00", type_interets="contractuel",
                     taux_contractuel=Decimal("5.9000")),
    ),
    DossierDemo(
        "CSE-IMMO-1203", "credit", ["muller"], "consommation", "15800.00", "clerc2", 170,
        titre=_titre("notarie", 1500, "Me Schmitt, notaire à Molsheim", "Rép. 2022/1187",
                     None, type_interets="contractuel", taux_contractuel=Decimal("3.2000")),
    ),
    DossierDemo(
        "CSE-PP-90107", "credit", ["ozturk"], "consommation", "6420.00", "clerc1", 65,
        titre=_titre("injonction", 105, "Tribunal judiciaire de Mulhouse", "25/00871", 92),
    ),
    DossierDemo(
        "CSE-PP-77310", "credit", ["fabre"], "consommation", "5300.00", "clerc2", 300,
        titre=_titre("decision", 360, "Tribunal judiciaire de Montpellier", "24/06650", 340,
                     "500.00", majoration_ecartee=True),
    ),
    DossierDemo(
        "CSE-PRO-0042", "credit", ["sci"], "autre", "185000.00", "clerc1", 230,
        titre=_titre("notarie", 2200, "Me Lacoste, notaire à Bordeaux", "Rép. 2020/0931",
                     None, type_interets="contractuel", taux_contractuel=Decimal("2.4500"),
                     imputation_principal_dabord=False),
        reassigner_a="clerc2",
    ),
    DossierDemo("OM-55120987", "onde", ["petitjean"], "consommation", "389.90", "clerc1", 12),
    DossierDemo("OM-55131450", "onde", ["dasilva"], "consommation", "612.00", "clerc2", 28),
    DossierDemo("OM-55144023", "onde", ["chevalier"], "consommation", "240.00", "clerc1", 7),
    DossierDemo("OM-PRO-3391", "onde", ["boulangerie"], "commerciale", "1045.00", "clerc1", 40),
    DossierDemo(
        "CIPA-CTR-2025-311", "caisse", ["santini"], "charges_sociales", "7845.00", "clerc2", 95,
        # Sans intérêts au titre : le décompte ne dépend pas d'un taux de l'intérêt légal
        # non saisi (2e semestre 2026) et la répartition de la saisie-vente (procedures/demo)
        # lit la créance restante au décompte.
        titre=_titre("personne_publique", 130, "Directeur de la caisse (contrainte)",
                     "CTR-2025-311", 120, type_interets="aucun"),
    ),
    DossierDemo(
        "CIPA-CTR-2025-402", "caisse", ["garage"], "charges_sociales", "3112.00", "clerc1", 55,
        titre=_titre("personne_publique", 85, "Directeur de la caisse (contrainte)",
                     "CTR-2025-402", 70),
    ),
    DossierDemo(
        "TG-FA-2025-061", "garnier", ["santini"], "commerciale", "4380.00", "clerc1", 70,
        titre=_titre("cheque", 95, "Commissaire de justice (chèque impayé, CMF L131-73)",
                     "CNP 0457", 95),
    ),
    DossierDemo("TG-FA-2025-077", "garnier", ["rousseau"], "autre", "1860.00", "clerc2", 45),
    DossierDemo(
        "TG-FA-2025-080", "garnier", ["chevalier"], "autre", "980.00", "clerc1", 85,
        titre=_titre("injonction", 120, "Tribunal judiciaire de Nantes", "25/03377", 100,
                     "35.00"),
    ),
    DossierDemo(
        "HM-LOY-03", "moreau", ["dasilva", "ozturk"], "loyers", "5200.00", "clerc2", 130,
        titre=_titre("decision", 170, "Tribunal judiciaire de Nanterre, JCP", "25/02764",
                     150, "900.00"),
    ),
    DossierDemo("BH-2026-0102", "logis", ["rousseau"], "loyers", "2940.00", "clerc1", 18),
    DossierDemo(
        "CSE-PP-91544", "credit", ["leroy_s"], "consommation", "3150.00", "clerc2", 50,
        titre=_titre("injonction", 90, "Tribunal judiciaire de Lille", "25/04102", 75),
    ),
    DossierDemo("FD-F25-0388", "fournitures", ["sci"], "autre", "3600.00", "clerc2", 10),
]
# fmt: on


def _donnees_titre(contexte: ContexteDemo, spec: dict, montant: Decimal):
    spec = dict(spec)
    date_titre = contexte.il_y_a(spec.pop("il_y_a"))
    signifie = spec.pop("signifie_il_y_a")
    date_signification = contexte.il_y_a(signifie) if signifie is not None else None
    return DonneesTitre(
        date_titre=date_titre,
        date_signification=date_signification,
        date_force_executoire=date_signification or date_titre,
        montant_principal=montant,
        interets_depuis=date_titre,
        **spec,
    )


def etape_dossiers(contexte: ContexteDemo) -> None:
    for spec in DOSSIERS:
        creancier = contexte.creanciers[spec.creancier]
        dossier = Dossier.objects.filter(
            etude=contexte.etude, creancier=creancier, reference_creancier=spec.reference_creancier
        ).first()
        if dossier is None:
            clerc = contexte.utilisateurs[spec.clerc]
            montant = Decimal(spec.montant)
            with transaction.atomic():
                dossier = dossier_ouvrir(
                    acteur=clerc,
                    creancier=creancier,
                    debiteurs=[contexte.debiteurs[cle] for cle in spec.debiteurs],
                    dossier=DonneesDossier(
                        nature=spec.nature,
                        montant_principal=montant,
                        reference_creancier=spec.reference_creancier,
                        clerc=clerc,
                        ouvert_le=contexte.il_y_a(spec.ouvert_il_y_a),
                    ),
                    titre=_donnees_titre(contexte, spec.titre, montant) if spec.titre else None,
                )
                if spec.titre_ulterieur:
                    titre_enregistrer(
                        acteur=clerc,
                        dossier=dossier,
                        titre=_donnees_titre(contexte, spec.titre_ulterieur, montant),
                    )
                if spec.reassigner_a:
                    dossier_assigner(
                        acteur=_acteur(contexte),
                        dossier=dossier,
                        clerc=contexte.utilisateurs[spec.reassigner_a],
                    )
                if spec.piece:
                    piece_ajouter(
                        acteur=clerc,
                        dossier=dossier,
                        type_piece="titre" if spec.piece == "jugement" else "facture",
                        fichier=_pdf_demo(f"{spec.piece}-{spec.reference_creancier}"),
                    )
        contexte.dossiers[spec.reference_creancier] = dossier

    # Un changement d'employeur connu après l'ouverture : journalisé sur chacun de ses
    # dossiers (sans effet à la seconde exécution : rien ne change).
    debiteur_modifier(
        acteur=contexte.utilisateurs["clerc1"],
        debiteur=contexte.debiteurs["lefevre"],
        donnees={
            "employeur_nom": "Ascenseurs Parisiens",
            "employeur_adresse": "22 rue de la Chapelle, 75018 Paris",
            "revenus_mensuels_nets": Decimal("2280.00"),
        },
    )


def _pdf_demo(nom: str) -> ContentFile:
    """Un PDF d'une page, sans dépendance, assez réel pour le contrôle des pièces."""
    texte = f"Piece de demonstration : {nom}".replace("(", "").replace(")", "")
    flux = f"BT /F1 14 Tf 72 760 Td ({texte}) Tj ET".encode()
    objets = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(flux), flux),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    contenu = b"%PDF-1.4\n"
    positions = []
    for numero, objet in enumerate(objets, start=1):
        positions.append(len(contenu))
        contenu += b"%d 0 obj\n%s\nendobj\n" % (numero, objet)
    xref = len(contenu)
    contenu += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objets) + 1)
    contenu += b"".join(b"%010d 00000 n \n" % p for p in positions)
    contenu += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objets) + 1,
        xref,
    )
    return ContentFile(contenu, name=f"{nom}.pdf")


def demo_etapes() -> list[Etape]:
    """Étapes du socle : l'étude, ses utilisateurs, créanciers, débiteurs et dossiers."""
    return [
        Etape("étude", etape_etude),
        Etape("utilisateurs", etape_utilisateurs),
        Etape("créanciers", etape_creanciers),
        Etape("débiteurs", etape_debiteurs),
        Etape("dossiers", etape_dossiers),
    ]


def etapes() -> list[Etape]:
    """Les étapes de chaque application installée qui a un module `demo` (ordre
    d'INSTALLED_APPS)."""
    resultat = []
    for config in apps.get_app_configs():
        nom_module = f"{config.name}.demo"
        if importlib.util.find_spec(nom_module) is None:
            continue
        module = importlib.import_module(nom_module)
        fournir = getattr(module, "demo_etapes", None)
        if fournir is not None:
            resultat.extend(fournir())
    return resultat


def executer(*, aujourd_hui: date | None = None) -> Resume:
    """Exécute toutes les étapes (chacune dans sa transaction) et résume l'étude obtenue."""
    contexte = ContexteDemo(aujourd_hui=aujourd_hui or timezone.localdate())
    for etape in etapes():
        with transaction.atomic():
            etape.executer(contexte)
    return resumer(contexte)


def resumer(contexte: ContexteDemo) -> Resume:
    etude = contexte.etude
    roles = dict(Role.choices)
    connexions = [
        Connexion(identifiant, MOT_DE_PASSE_DEMO, roles[role], f"{prenom} {nom}")
        for identifiant, role, prenom, nom, _ in UTILISATEURS
    ]
    totaux = {
        "créanciers": Creancier.objects.filter(etude=etude).count(),
        "débiteurs": Debiteur.objects.filter(etude=etude).count(),
        "dossiers": Dossier.objects.filter(etude=etude).count(),
        "dossiers en phase judiciaire": Dossier.objects.filter(
            etude=etude, phase="judiciaire"
        ).count(),
        "événements au journal": Evenement.objects.filter(etude=etude).count(),
    }
    return Resume(etude=etude, connexions=connexions, totaux=totaux)
