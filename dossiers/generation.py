"""Génération en masse de dossiers réalistes pour les mesures de performance (`generer`).

Données synthétiques, déterministes pour une graine : une étude, des clercs, des créanciers,
des débiteurs (noms français accentués), des dossiers numérotés à la suite du
`CompteurReference`, leurs parties, un titre exécutoire par dossier judiciaire et un
événement d'audit par dossier.

Organisation : `ETAPES_PREALABLES` préparent le contexte (étude, clercs, créanciers) par
l'ORM ; puis les dossiers sont produits par lots, et chaque lot passe par `ETAPES_PAR_LOT`,
des fonctions qui ajoutent des lignes (tuples) aux tables du lot. Chaque autre application
ajoute les siennes (procédures, écritures, versements, échéanciers) par un module
`<app>/generation.py` qui expose `generation_extension() -> Extension` (étapes préalables,
étapes par lot, tables dans l'ordre d'écriture), découvert comme la démo. Les
lignes sont écrites par COPY sur PostgreSQL (psycopg 3), par `bulk_create` ailleurs.

Les services (`dossier_ouvrir`, un dossier par transaction avec verrou du compteur) ne
tiennent pas un million de dossiers en dix minutes : la génération écrit directement les
tables, avec les mêmes règles (référence, texte de recherche, audit).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.utils import timezone

from etude.models import Etude, Utilisateur, luhn_valide

from .models import (
    CompteurReference,
    Creancier,
    Debiteur,
    Dossier,
    DossierDebiteur,
    TitreExecutoire,
    normaliser_recherche,
)

TAILLE_LOT = 20_000
# Au-delà, les index secondaires sont supprimés puis reconstruits (mesuré à 1 M dossiers :
# reconstruire est plus rapide que de maintenir les index GIN et B-tree ligne à ligne).
SEUIL_RECONSTRUCTION_INDEX = 100_000
ACTEUR_GENERATION = "generer"
SIRET_DEMO = "73282932000074"  # SIRET de démonstration (clé de Luhn valide)
IBAN_DEMO = "FR7630006000011234567890189"
CENT = Decimal("0.01")

# fmt: off
NOMS = [
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois",
    "Moreau", "Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand",
    "Morel", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau",
    "Vincent", "Müller", "Lefebvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer",
    "Garnier", "Chevalier", "François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin",
    "Clément", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson",
    "Marchand", "Duval", "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour",
    "Meunier", "Brun", "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard",
    "Barbier", "Arnaud", "Martinez", "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux",
    "Colin", "Vidal", "Caron", "Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud",
    "Dumas", "Lacroix", "Olivier", "Philippe", "Bourgeois", "Pierre", "Benoît", "Rey",
    "Leclerc", "Payet", "Rolland", "Leclercq", "Guillaume", "Lecomte", "Lopez", "Jean",
    "Dupuy", "Guillot", "Hubert", "Berger", "Carpentier", "Sanchez", "Dupuis", "Moulin",
    "Louis", "Deschamps", "Huet", "Vasseur", "Perez", "Boucher", "Fleury", "Royer", "Klein",
    "Jacquet", "Adam", "Paris", "Poirier", "Marty", "Aubry", "Guyot", "Carré", "Charles",
    "Renault", "Charpentier", "Ménard", "Maillard", "Baron", "Bertin", "Bailly", "Hervé",
    "Schneider", "Fernandez", "Le Gall", "Collet", "Léger", "Bouvier", "Julien", "Prévost",
    "Millet", "Perrot", "Daniel", "Le Roux", "Cousin", "Germain", "Breton", "Besson",
    "Langlois", "Rémy", "Le Goff", "Pelletier", "Lévêque", "Perrier", "Leblanc", "Barré",
    "Lebrun", "Marchal", "Weber", "Mallet", "Hamon", "Boulanger", "Jacob", "Monnier",
    "Michaud", "Rodriguez", "Guichard", "Gillet", "Étienne", "Grondin", "Poulain", "Tessier",
    "Chevallier", "Collin", "Chauvin", "Da Silva", "Bouchet", "Gay", "Lemaître", "Bénard",
    "Maréchal", "Humbert", "Reynaud", "Antoine", "Hoarau", "Perret", "Barthélemy", "Cordier",
    "Pichon", "Lejeune", "Gilbert", "Lamy", "Delaunay", "Pasquier", "Carlier", "Laporte",
    "Gomez", "Dos Santos", "Ferreira", "Benoit", "Lenoir", "Rivet", "Bérenger", "Courtois",
    "Hébert", "Lagarde", "Desjardins", "Texier", "Couturier", "Brunel", "Valentin",
    "D'Arcy", "Nguyen", "Haddad", "Benali", "Traoré", "Diallo", "Kowalski", "Œuvrard",
    "Crépin", "Lhôte", "Bréhier", "Ferrière", "Châtelain", "Pâris", "Lefèbvre", "Béranger",
]
PRENOMS_F = [
    "Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Françoise", "Valérie",
    "Christine", "Monique", "Sandrine", "Véronique", "Céline", "Stéphanie", "Sophie",
    "Aurélie", "Julie", "Émilie", "Camille", "Léa", "Chloé", "Manon", "Inès", "Océane",
    "Mélanie", "Hélène", "Agnès", "Brigitte", "Joëlle", "Noémie", "Clémence", "Éloïse",
    "Maëlle", "Anaïs", "Zoé", "Lucie", "Élodie", "Laëtitia", "Gaëlle", "Bérénice", "Solène",
    "Margaux", "Pauline", "Justine", "Caroline", "Danièle", "Geneviève", "Josiane", "Renée",
    "Yasmine", "Fatima", "Aïcha", "Salomé", "Héloïse", "Jeanne", "Adèle", "Louise", "Rose",
    "Anne-Sophie", "Marie-Claire", "Marie-Hélène", "Séverine", "Ophélie", "Cécile", "Irène",
]
PRENOMS_H = [
    "Jean", "Philippe", "Michel", "Alain", "Patrick", "Nicolas", "Christophe", "Pierre",
    "Christian", "Éric", "Frédéric", "Laurent", "Stéphane", "David", "Pascal", "Daniel",
    "Sébastien", "Julien", "Thierry", "Olivier", "Bernard", "Thomas", "Jérôme", "François",
    "Hervé", "Guillaume", "Benoît", "Jérémy", "Loïc", "Gaël", "Anaël", "Noé", "Raphaël",
    "Mathéo", "Théo", "Lucas", "Hugo", "Léo", "Enzo", "Maël", "Joël", "Gérard", "René",
    "André", "Jacques", "Rémi", "Cédric", "Grégory", "Mickaël", "Yannick", "Hélio", "Aurélien",
    "Jean-Pierre", "Jean-Luc", "Jean-François", "Jean-Marc", "Pierre-Yves", "Marc-Antoine",
    "Karim", "Mehdi", "Youssef", "Mamadou", "Timothée", "Baptiste", "Gaétan", "Clément",
]
# (ville, code postal, poids) : grandes villes plus fréquentes.
VILLES = [
    ("Paris", "75011", 40), ("Paris", "75018", 30), ("Paris", "75015", 30),
    ("Marseille", "13001", 25), ("Marseille", "13013", 20), ("Lyon", "69003", 25),
    ("Lyon", "69008", 15), ("Toulouse", "31000", 25), ("Nice", "06000", 18),
    ("Nantes", "44000", 16), ("Montpellier", "34000", 15), ("Strasbourg", "67000", 15),
    ("Bordeaux", "33000", 15), ("Lille", "59000", 14), ("Rennes", "35000", 12),
    ("Reims", "51100", 9), ("Toulon", "83000", 9), ("Saint-Étienne", "42000", 9),
    ("Le Havre", "76600", 8), ("Grenoble", "38000", 8), ("Dijon", "21000", 8),
    ("Angers", "49000", 8), ("Nîmes", "30000", 8), ("Villeurbanne", "69100", 8),
    ("Clermont-Ferrand", "63000", 7), ("Le Mans", "72000", 7), ("Aix-en-Provence", "13100", 7),
    ("Brest", "29200", 7), ("Tours", "37000", 7), ("Amiens", "80000", 7), ("Limoges", "87000", 6),
    ("Annecy", "74000", 6), ("Perpignan", "66000", 6), ("Boulogne-Billancourt", "92100", 6),
    ("Metz", "57000", 6), ("Besançon", "25000", 6), ("Orléans", "45000", 6),
    ("Saint-Denis", "93200", 6), ("Argenteuil", "95100", 5), ("Rouen", "76000", 6),
    ("Mulhouse", "68100", 5), ("Montreuil", "93100", 5), ("Caen", "14000", 5),
    ("Nancy", "54000", 5), ("Saint-Paul", "97460", 4), ("Tourcoing", "59200", 4),
    ("Roubaix", "59100", 4), ("Nanterre", "92000", 4), ("Vitry-sur-Seine", "94400", 4),
    ("Avignon", "84000", 4), ("Créteil", "94000", 4), ("Poitiers", "86000", 4),
    ("Fort-de-France", "97200", 3), ("Courbevoie", "92400", 3), ("Versailles", "78000", 4),
    ("Colombes", "92700", 3), ("Aubervilliers", "93300", 3), ("Pau", "64000", 4),
    ("Rueil-Malmaison", "92500", 3), ("Champigny-sur-Marne", "94500", 3),
    ("Antibes", "06600", 3), ("La Rochelle", "17000", 4), ("Saint-Maur-des-Fossés", "94100", 3),
    ("Cannes", "06400", 3), ("Calais", "62100", 3), ("Béziers", "34500", 3),
    ("Colmar", "68000", 3), ("Bourges", "18000", 3), ("Drancy", "93700", 3),
    ("Mérignac", "33700", 3), ("Ajaccio", "20000", 3), ("Saint-Nazaire", "44600", 3),
    ("Issy-les-Moulineaux", "92130", 3), ("Noisy-le-Grand", "93160", 3), ("Évry", "91000", 3),
    ("Quimper", "29000", 3), ("Valence", "26000", 3), ("Troyes", "10000", 3),
    ("Châteauroux", "36000", 2), ("Niort", "79000", 3), ("Chambéry", "73000", 3),
    ("Lorient", "56100", 2), ("Montélimar", "26200", 2), ("Épinal", "88000", 2),
    ("Sète", "34200", 2), ("Agen", "47000", 2), ("Périgueux", "24000", 2), ("Gap", "05000", 2),
    ("Vénissieux", "69200", 3), ("Pointe-à-Pitre", "97110", 2), ("Thionville", "57100", 2),
]
VOIES = [
    "rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Gambetta",
    "rue Pasteur", "place de l'Église", "rue du Moulin", "chemin des Vignes",
    "allée des Tilleuls", "rue de la Gare", "impasse des Lilas", "avenue du Général Leclerc",
    "rue Émile Zola", "rue des Écoles", "quai de la Loire", "rue Saint-Éloi",
]
PROFESSIONS = [
    "employé", "ouvrier", "technicien", "cadre", "infirmière", "chauffeur", "commerçant",
    "artisan", "enseignant", "aide-soignante", "sans emploi", "retraité", "étudiant",
]
EMPLOYEURS = ["Carrefour", "La Poste", "SNCF", "Auchan", "Decathlon", "Orange", "Veolia"]
SOCIETES_DEBITRICES = [
    "Bâtiment Rénovation", "Transports Éclair", "Boulangerie du Marché", "Café des Sports",
    "Garage Central", "Menuiserie Lefèvre", "Pizzeria Napoli", "Coiffure Élégance",
    "Informatique Services", "Plomberie Générale",
]
FORMES = ["SARL", "SAS", "SASU", "EURL", "SA", "SCI"]
CREANCIERS_MORAUX = [
    ("Habitat", "OPH"), ("Logement", "SA"), ("Crédit", "SA"), ("Finance", "SAS"),
    ("Immobilière", "SCI"), ("Énergie", "SA"), ("Télécom", "SAS"), ("Assurances", "SA"),
    ("Gestion", "SARL"), ("Location", "SAS"), ("Distribution", "SAS"), ("Mutuelle", "SA"),
]
QUALIFICATIFS = [
    "du Rhône", "de Provence", "Atlantique", "Île-de-France", "Méditerranée", "du Nord",
    "de l'Ouest", "Alpes", "Grand Est", "Occitanie", "Bretagne", "Côte d'Azur", "Centre",
    "Normandie", "Aquitaine", "Bourgogne", "Lorraine", "Val de Loire", "Pyrénées", "Savoie",
]
JURIDICTIONS = ["Tribunal judiciaire", "Tribunal de commerce", "Tribunal de proximité"]
# fmt: on

# (valeur, poids)
NATURES = [
    ("loyers", 35),
    ("consommation", 20),
    ("commerciale", 20),
    ("charges_sociales", 8),
    ("pension_alimentaire", 5),
    ("autre", 12),
]
STATUTS = [("ouvert", 60), ("suspendu", 8), ("solde", 17), ("clos", 15)]
NATURES_TITRE = [("decision", 45), ("injonction", 40), ("notarie", 8), ("conciliation", 7)]
PART_JUDICIAIRE = 0.4
ANNEES_COUVERTES = 5


def _poids(liste):
    valeurs = [v for v, _ in liste]
    cumul, total = [], 0
    for _, poids in liste:
        total += poids
        cumul.append(total)
    return valeurs, cumul


def _zipf(n: int, s: float = 0.8) -> list[float]:
    """Poids cumulés décroissants : les premiers noms de la liste sont les plus fréquents."""
    total, cumul = 0.0, []
    for rang in range(1, n + 1):
        total += 1 / rang**s
        cumul.append(total)
    return cumul


class Table:
    """Lignes à écrire dans une table : `colonnes` (attnames), `lignes` (tuples).

    `modele` est un modèle Django, ou le nom d'une table sans modèle (PostgreSQL seulement,
    comme l'index inversé de la recherche)."""

    def __init__(self, modele: type[models.Model] | str, colonnes: list[str]):
        self.modele = modele
        self.colonnes = colonnes
        self.lignes: list[tuple] = []

    @property
    def nom(self) -> str:
        return self.modele if isinstance(self.modele, str) else self.modele._meta.db_table

    @property
    def libelle(self) -> str:
        return self.modele if isinstance(self.modele, str) else self.modele._meta.label


@dataclass
class Contexte:
    """État partagé par les étapes d'une génération."""

    dossiers: int
    graine: int
    rng: random.Random
    maintenant: datetime
    etude: Etude | None = None
    clercs: list[int] = field(default_factory=list)
    creanciers: list[tuple] = field(default_factory=list)  # (id, texte normalisé, libellé)
    prochain_id: dict = field(default_factory=dict)  # modèle -> prochain id libre
    compteurs: dict = field(default_factory=dict)  # année -> dernier numéro attribué
    mots: set = field(default_factory=set)  # mots déjà portés à la table des mots
    index_inverse: bool = False  # table dossiers_motdossier présente (migration 0005)
    lignes: dict = field(default_factory=dict)  # table -> lignes écrites
    durees: dict = field(default_factory=dict)  # étape -> secondes

    def ids(self, modele: type[models.Model], nombre: int) -> range:
        debut = self.prochain_id[modele]
        self.prochain_id[modele] = debut + nombre
        return range(debut, debut + nombre)


@dataclass
class Lot:
    """Un lot de dossiers en cours de génération ; les étapes y ajoutent leurs lignes."""

    taille: int
    tables: dict = field(default_factory=dict)
    # Par dossier du lot : dict des valeurs utiles aux étapes suivantes.
    dossiers: list[dict] = field(default_factory=list)

    def table(self, modele, colonnes) -> Table:
        if modele not in self.tables:
            self.tables[modele] = Table(modele, colonnes)
        return self.tables[modele]


# --- étapes préalables (ORM, quelques lignes) -------------------------------------------


def etape_etude(ctx: Contexte, *, siret: str | None = None) -> None:
    """L'étude de démonstration si elle existe (la plus ancienne), sinon une étude créée."""
    if siret:
        etude = Etude.objects.filter(siret=siret).first()
    else:
        etude = Etude.objects.order_by("id").first()
    if etude is None:
        etude = Etude(
            nom="Étude de démonstration",
            adresse="12 rue de la Paix",
            code_postal="75002",
            ville="Paris",
            departement="75",
            siret=siret or SIRET_DEMO,
            iban_compte_affecte=IBAN_DEMO,
        )
        etude.full_clean()
        etude.save()
    ctx.etude = etude


def etape_clercs(ctx: Contexte, *, nombre: int = 8) -> None:
    """Les clercs de l'étude ; complétés par des clercs de génération sans mot de passe."""
    groupe = Group.objects.get(name="clerc")
    existants = list(
        Utilisateur.objects.filter(
            etude=ctx.etude, groups__name__in=["clerc", "principal_clerc"]
        ).values_list("id", flat=True)
    )
    rng = random.Random(ctx.graine)
    for rang in range(len(existants), nombre):
        prenom = rng.choice(PRENOMS_F + PRENOMS_H)
        nom = NOMS[rang % len(NOMS)]
        utilisateur, cree = Utilisateur.objects.get_or_create(
            username=f"generer-{ctx.etude.pk}-clerc-{rang + 1}",
            defaults={"etude": ctx.etude, "first_name": prenom, "last_name": nom},
        )
        if cree:
            utilisateur.set_unusable_password()
            utilisateur.save(update_fields=["password"])
            utilisateur.groups.add(groupe)
        existants.append(utilisateur.pk)
    ctx.clercs = sorted(set(existants))


def _siren(rng: random.Random) -> str:
    base = f"{rng.randrange(10_000_000, 99_999_999):08d}"
    for cle in range(10):
        if luhn_valide(base + str(cle)):
            return base + str(cle)
    raise AssertionError("toujours une clé de Luhn")  # pragma: no cover


def iban_fr(rng: random.Random) -> str:
    """Un IBAN français valide : clé RIB (banque, guichet, compte) puis clé ISO 7064."""
    banque, guichet = rng.randrange(10000, 99999), rng.randrange(10000, 99999)
    compte = rng.randrange(10**10, 10**11)
    cle_rib = 97 - (89 * banque + 15 * guichet + 3 * compte) % 97
    bban = f"{banque:05d}{guichet:05d}{compte:011d}{cle_rib:02d}"
    cle = 98 - int(bban + "152700") % 97  # « FR00 » : F=15, R=27
    return f"FR{cle:02d}{bban}"


def etape_creanciers(ctx: Contexte) -> None:
    """Quelques milliers de créanciers à 1 M dossiers : bailleurs, organismes, particuliers."""
    voulu = min(4000, max(10, ctx.dossiers // 250))
    existants = list(
        Creancier.objects.filter(etude=ctx.etude)
        .order_by("id")
        .values_list("id", "nom", "prenoms", "raison_sociale", "type_personne", "forme_juridique")
    )
    rng = random.Random(ctx.graine + 1)
    nouveaux = []
    for _ in range(max(0, voulu - len(existants))):
        ville, code_postal, _ = rng.choice(VILLES)
        commun = {
            "etude": ctx.etude,
            "adresse": f"{rng.randint(1, 120)} {rng.choice(VOIES)}",
            "code_postal": code_postal,
            "ville": ville,
        }
        if rng.random() < 0.7:
            activite, forme = rng.choice(CREANCIERS_MORAUX)
            nouveaux.append(
                Creancier(
                    type_personne="morale",
                    raison_sociale=f"{activite} {rng.choice(QUALIFICATIFS)} {rng.choice(NOMS)}",
                    forme_juridique=forme,
                    siren=_siren(rng),
                    iban=iban_fr(rng) if rng.random() < 0.5 else "",
                    agit_pour_besoins_professionnels=True,
                    **commun,
                )
            )
        else:
            femme = rng.random() < 0.5
            nouveaux.append(
                Creancier(
                    type_personne="physique",
                    civilite="Mme" if femme else "M.",
                    nom=rng.choice(NOMS),
                    prenoms=rng.choice(PRENOMS_F if femme else PRENOMS_H),
                    agit_pour_besoins_professionnels=rng.random() < 0.3,
                    iban=iban_fr(rng) if rng.random() < 0.5 else "",
                    **commun,
                )
            )
    for creancier in nouveaux:  # bulk_create n'appelle pas save()
        creancier.recherche = creancier.texte_recherche()
    Creancier.objects.bulk_create(nouveaux, batch_size=1000)
    if nouveaux:
        existants = list(
            Creancier.objects.filter(etude=ctx.etude)
            .order_by("id")
            .values_list(
                "id", "nom", "prenoms", "raison_sociale", "type_personne", "forme_juridique"
            )
        )
    for pk, nom, prenoms, raison_sociale, type_personne, forme in existants:
        if type_personne == "morale":
            libelle = f"{raison_sociale} ({forme})" if forme else raison_sociale
        else:
            libelle = f"{prenoms} {nom.upper()}"
        # Morceaux de texte_recherche venant du créancier, dans son ordre : nom, prénoms,
        # dénomination.
        morceaux = " ".join(m for m in (nom, prenoms, raison_sociale) if m)
        ctx.creanciers.append((pk, morceaux, libelle))
    ctx.lignes[Creancier._meta.label] = len(nouveaux)


ETAPES_PREALABLES: list[Callable[[Contexte], None]] = [
    etape_etude,
    etape_clercs,
    etape_creanciers,
]


# --- étapes par lot (tuples, écrits en COPY) --------------------------------------------

COLONNES_DEBITEUR = [
    "id", "etude_id", "type_personne", "civilite", "nom", "prenoms", "raison_sociale",
    "forme_juridique", "siren", "representant", "adresse", "code_postal", "ville", "pays",
    "email", "cree_le", "nom_naissance", "date_naissance", "lieu_naissance", "nationalite",
    "profession", "employeur_nom", "employeur_adresse", "revenus_mensuels_nets",
    "personnes_a_charge", "vulnerable", "surendettement_statut", "surendettement_depot",
    "surendettement_decision",
]  # fmt: skip
COLONNES_DOSSIER = [
    "id", "etude_id", "annee", "numero", "reference", "creancier_id", "nature", "phase",
    "statut", "clerc_id", "complexe", "montant_principal", "reference_creancier", "ouvert_le",
    "cree_le", "modifie_le", "recherche",
]  # fmt: skip
COLONNES_PARTIE = ["id", "dossier_id", "debiteur_id", "rang", "solidaire"]
COLONNES_TITRE = [
    "id", "dossier_id", "nature", "date_titre", "juridiction", "numero_rg",
    "date_signification", "date_force_executoire", "montant_principal", "montant_frais",
    "type_interets", "interets_depuis", "taux_contractuel", "capitalisation",
    "majoration_ecartee", "imputation_principal_dabord", "cree_le",
]  # fmt: skip
COLONNES_EVENEMENT = [
    "id", "etude_id", "horodatage", "acteur_id", "acteur_libelle", "action", "libelle",
    "objet_type", "objet_id", "dossier_id", "avant", "apres",
]  # fmt: skip

_NATURES = _poids(NATURES)
_STATUTS = _poids(STATUTS)
_NATURES_TITRE = _poids(NATURES_TITRE)
_VILLES = ([(v, c) for v, c, _ in VILLES], _poids([(None, p) for _, _, p in VILLES])[1])
_NOMS_CUMUL = _zipf(len(NOMS))
_NORMALISE: dict[str, str] = {}


def _normaliser(texte: str) -> str:
    """`normaliser_recherche` mémorisé : les mêmes noms reviennent des milliers de fois."""
    resultat = _NORMALISE.get(texte)
    if resultat is None:
        resultat = _NORMALISE[texte] = normaliser_recherche(texte)
    return resultat


def etape_dossiers_et_debiteurs(ctx: Contexte, lot: Lot) -> None:
    """Dossiers du lot, leurs débiteurs (1,1 par dossier) et les liens `DossierDebiteur`."""
    rng = ctx.rng
    choix = rng.choices
    etude_id = ctx.etude.pk
    seuil_complexe = ctx.etude.seuil_dossier_complexe
    maintenant = ctx.maintenant
    aujourd_hui = maintenant.date()
    annee_max = aujourd_hui.year
    annees = list(range(annee_max - ANNEES_COUVERTES + 1, annee_max + 1))
    t_dossiers = lot.table(Dossier, COLONNES_DOSSIER)
    t_debiteurs = lot.table(Debiteur, COLONNES_DEBITEUR)
    t_parties = lot.table(DossierDebiteur, COLONNES_PARTIE)
    nb_debiteurs = [2 if rng.random() < 0.1 else 1 for _ in range(lot.taille)]
    ids_dossiers = ctx.ids(Dossier, lot.taille)
    ids_debiteurs = iter(ctx.ids(Debiteur, sum(nb_debiteurs)))
    ids_parties = iter(ctx.ids(DossierDebiteur, sum(nb_debiteurs)))
    natures = choix(_NATURES[0], cum_weights=_NATURES[1], k=lot.taille)
    statuts = choix(_STATUTS[0], cum_weights=_STATUTS[1], k=lot.taille)
    for index, dossier_id in enumerate(ids_dossiers):
        annee = rng.choice(annees)
        numero = ctx.compteurs.get(annee, 0) + 1
        if numero > 999_999:
            raise ValueError(f"Plus d'un million de dossiers en {annee} : référence pleine.")
        ctx.compteurs[annee] = numero
        reference = f"{annee:04d}-{numero:06d}"
        fin = aujourd_hui if annee == annee_max else date(annee, 12, 31)
        ouvert_le = date(annee, 1, 1) + timedelta(
            days=rng.randrange((fin.toordinal() - date(annee, 1, 1).toordinal()) + 1)
        )  # noqa: E501
        montant = Decimal(str(round(max(50.0, rng.lognormvariate(7.3, 1.1)), 2))).quantize(CENT)
        judiciaire = rng.random() < PART_JUDICIAIRE
        creancier_id, texte_creancier, libelle_creancier = rng.choice(ctx.creanciers)
        reference_creancier = f"CL{rng.randrange(10**6, 10**7)}" if rng.random() < 0.5 else ""
        morceaux = [reference, reference_creancier, texte_creancier]
        designations = []
        vulnerable_dossier = False
        for rang in range(1, nb_debiteurs[index] + 1):
            debiteur_id = next(ids_debiteurs)
            ville, code_postal = choix(_VILLES[0], cum_weights=_VILLES[1])[0]
            adresse = f"{rng.randint(1, 150)} {rng.choice(VOIES)}"
            vulnerable = rng.random() < 0.03
            vulnerable_dossier |= vulnerable
            if rng.random() < 0.9:
                femme = rng.random() < 0.5
                civilite = "Mme" if femme else "M."
                nom = choix(NOMS, cum_weights=_NOMS_CUMUL)[0]
                prenoms = rng.choice(PRENOMS_F if femme else PRENOMS_H)
                nom_naissance = (
                    choix(NOMS, cum_weights=_NOMS_CUMUL)[0] if femme and rng.random() < 0.3 else ""
                )
                raison_sociale = forme = siren = ""
                naissance = date(rng.randint(1940, 2004), rng.randint(1, 12), rng.randint(1, 28))
                profession = rng.choice(PROFESSIONS)
                revenus = Decimal(rng.randrange(0, 400_000)) / 100 if rng.random() < 0.6 else None
                designations.append(f"{civilite} {prenoms} {nom.upper()}")
                t_debiteurs.lignes.append((
                    debiteur_id, etude_id, "physique", civilite, nom, prenoms, "", "", "", "",
                    adresse, code_postal, ville, "France", "", maintenant, nom_naissance,
                    naissance, rng.choice(VILLES)[0], "française", profession,
                    rng.choice(EMPLOYEURS) if profession in ("employé", "ouvrier") else "",
                    "", revenus, rng.randint(0, 3), vulnerable, "aucun", None, None,
                ))  # fmt: skip
            else:
                nom = prenoms = nom_naissance = ""
                raison_sociale = f"{rng.choice(SOCIETES_DEBITRICES)} {rng.choice(NOMS)}"
                forme = rng.choice(FORMES)
                siren = _siren(rng)
                designations.append(f"{raison_sociale} ({forme})")
                t_debiteurs.lignes.append((
                    debiteur_id, etude_id, "morale", "", "", "", raison_sociale, forme, siren,
                    "son gérant en exercice", adresse, code_postal, ville, "France", "",
                    maintenant, "", None, "", "", "", "", "", None, 0, False, "aucun", None,
                    None,
                ))  # fmt: skip
            # Même ordre que texte_recherche : nom, prénoms, nom de naissance, dénomination,
            # ville, code postal.
            morceaux += [nom, prenoms, nom_naissance, raison_sociale, ville, code_postal]
            t_parties.lignes.append((next(ids_parties), dossier_id, debiteur_id, rang, True))
        complexe = montant > seuil_complexe or nb_debiteurs[index] > 1 or vulnerable_dossier
        recherche = " ".join(_normaliser(m) for m in morceaux if m)
        clerc_id = rng.choice(ctx.clercs)
        t_dossiers.lignes.append((
            dossier_id, etude_id, annee, numero, reference, creancier_id, natures[index],
            "judiciaire" if judiciaire else "amiable", statuts[index], clerc_id, complexe,
            montant, reference_creancier, ouvert_le, maintenant, maintenant, recherche,
        ))  # fmt: skip
        lot.dossiers.append({
            "id": dossier_id, "reference": reference, "montant": montant,
            "judiciaire": judiciaire, "ouvert_le": ouvert_le, "nature": natures[index],
            "clerc_id": clerc_id, "complexe": complexe, "creancier": libelle_creancier,
            "debiteurs": designations, "recherche": recherche,
        })  # fmt: skip


def etape_titres(ctx: Contexte, lot: Lot) -> None:
    """Un titre exécutoire par dossier judiciaire, daté avant l'ouverture du dossier."""
    rng = ctx.rng
    table = lot.table(TitreExecutoire, COLONNES_TITRE)
    judiciaires = [d for d in lot.dossiers if d["judiciaire"]]
    ids = iter(ctx.ids(TitreExecutoire, len(judiciaires)))
    natures = rng.choices(_NATURES_TITRE[0], cum_weights=_NATURES_TITRE[1], k=len(judiciaires))
    for dossier, nature in zip(judiciaires, natures, strict=True):
        date_titre = dossier["ouvert_le"] - timedelta(days=rng.randint(30, 700))
        signification = date_titre + timedelta(days=rng.randint(5, 60))
        if signification > dossier["ouvert_le"]:
            signification = dossier["ouvert_le"]
        juridiction = f"{rng.choice(JURIDICTIONS)} de {rng.choice(VILLES)[0]}"
        contractuel = rng.random() < 0.1
        table.lignes.append((
            next(ids), dossier["id"], nature, date_titre, juridiction,
            f"{date_titre.year % 100:02d}/{rng.randrange(1, 99999):05d}", signification,
            signification, dossier["montant"],
            Decimal(rng.choice([0, 150, 300, 500, 800, 1200])).quantize(CENT),
            "contractuel" if contractuel else "legal", date_titre,
            Decimal("4.5000") if contractuel else None, False, False, False, ctx.maintenant,
        ))  # fmt: skip


def etape_evenements(ctx: Contexte, lot: Lot) -> None:
    """Un événement « dossier_ouvrir » par dossier, comme l'écrit `dossier_ouvrir`.

    Écriture en masse plutôt que par `evenement_enregistrer` : données synthétiques de
    mesure, l'acteur est vide et le libellé d'acteur « generer » les signale.
    """
    table = lot.table(_evenement(), COLONNES_EVENEMENT)
    ids = iter(ctx.ids(_evenement(), len(lot.dossiers)))
    for dossier in lot.dossiers:
        apres = {
            "reference": dossier["reference"],
            "nature": dossier["nature"],
            "clerc_id": dossier["clerc_id"],
            "complexe": dossier["complexe"],
            "montant_principal": str(dossier["montant"]),
        }
        libelle = (
            f"Dossier ouvert pour {dossier['creancier']} contre " + ", ".join(dossier["debiteurs"])
        )[:300]
        table.lignes.append((
            next(ids), ctx.etude.pk, ctx.maintenant, None, ACTEUR_GENERATION,
            "dossier_ouvrir", libelle, "dossiers.Dossier", str(dossier["id"]), dossier["id"],
            {}, apres,
        ))  # fmt: skip


def etape_index_inverse(ctx: Contexte, lot: Lot) -> None:
    """Mots de chaque dossier pour l'index inversé de la recherche (migration 0005), comme
    les écrit le trigger `dossier_mots` : mots alphabétiques, coupés aux espaces et tirets."""
    if not ctx.index_inverse:
        return
    table = lot.table(TABLE_INDEX_INVERSE, ["etude_id", "mot", "dossier_id"])
    etude_id = ctx.etude.pk
    ajouter = table.lignes.append
    for dossier in lot.dossiers:
        for mot in set(dossier["recherche"].replace("-", " ").split()):
            if mot.isalpha():
                ajouter((etude_id, mot, dossier["id"]))


TABLE_INDEX_INVERSE = "dossiers_motdossier"


def _evenement():
    from etude.models import Evenement

    return Evenement


ETAPES_PAR_LOT: list[Callable[[Contexte, Lot], None]] = [
    etape_dossiers_et_debiteurs,
    etape_titres,
    etape_evenements,
    etape_index_inverse,
]

# Ordre d'écriture : une table après celles qu'elle référence.
ORDRE_TABLES = [Debiteur, Dossier, DossierDebiteur, TitreExecutoire, "etude.Evenement"]


def _ordre(modele, ordre: list | None = None) -> int:
    ordre = ORDRE_TABLES if ordre is None else ordre
    for rang, candidat in enumerate(ordre):
        if candidat is modele or (not isinstance(modele, str) and candidat == modele._meta.label):
            return rang
        if isinstance(modele, str) and candidat == modele:
            return rang
    return len(ordre)


# --- écriture ---------------------------------------------------------------------------


def _ecrire_copy(curseur, table: Table) -> None:
    nom = table.nom
    colonnes = ", ".join(f'"{c}"' for c in table.colonnes)
    champs = [] if isinstance(table.modele, str) else table.modele._meta.concrete_fields
    champs_json = {f.attname for f in champs if isinstance(f, models.JSONField)}
    json_cols = [rang for rang, colonne in enumerate(table.colonnes) if colonne in champs_json]
    with curseur.copy(f'COPY "{nom}" ({colonnes}) FROM STDIN') as copie:
        for ligne in table.lignes:
            if json_cols:
                ligne = list(ligne)
                for rang in json_cols:
                    ligne[rang] = json.dumps(ligne[rang], ensure_ascii=False)
            copie.write_row(ligne)


def _ecrire_orm(table: Table) -> None:
    modele, colonnes = table.modele, table.colonnes
    objets = [modele(**dict(zip(colonnes, ligne, strict=True))) for ligne in table.lignes]
    modele.objects.bulk_create(objets, batch_size=500)


@dataclass(frozen=True)
class Extension:
    """Ce qu'une application ajoute à la génération : ses étapes préalables (contexte), ses
    étapes par lot (lignes), et ses tables dans l'ordre d'écriture (une table après celles
    qu'elle référence). Fournie par `<app>/generation.py: generation_extension()`."""

    prealables: tuple[Callable[[Contexte], None], ...] = ()
    par_lot: tuple[Callable[[Contexte, Lot], None], ...] = ()
    tables: tuple = ()


def extensions() -> list[Extension]:
    """Les extensions des applications installées (ordre d'INSTALLED_APPS), comme la démo."""
    import importlib
    import importlib.util

    from django.apps import apps

    resultat = []
    for config in apps.get_app_configs():
        if config.name == "dossiers":
            continue
        nom_module = f"{config.name}.generation"
        try:
            trouve = importlib.util.find_spec(nom_module) is not None
        except ModuleNotFoundError:
            trouve = False
        if not trouve:
            continue
        fournir = getattr(importlib.import_module(nom_module), "generation_extension", None)
        if fournir is not None:
            resultat.append(fournir())
    return resultat


def _tables_du_lot(ctx: Contexte, exts: list[Extension] = ()) -> list[type[models.Model]]:
    base = [Debiteur, Dossier, DossierDebiteur, TitreExecutoire, _evenement()]
    return base + [t for ext in exts for t in ext.tables]


def _index_secondaires(curseur, tables: list[str]) -> list[tuple[str, str]]:
    """Index qui ne portent aucune contrainte (clé primaire, unicité) : reconstructibles."""
    curseur.execute(
        """
        SELECT i.relname, pg_get_indexdef(i.oid)
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
        ORDER BY i.relname
        """,
        [tables],
    )
    return curseur.fetchall()


def _table_existe(curseur, nom: str) -> bool:
    curseur.execute("SELECT to_regclass(%s) IS NOT NULL", [nom])
    return curseur.fetchone()[0]


def _mots_nouveaux(ctx: Contexte, lot: Lot) -> list[str]:
    """Mots du lot pour la table des mots de la recherche approchée (voir migration 0004)."""
    nouveaux = set()
    for dossier in lot.dossiers:
        for mot in dossier["recherche"].replace("-", " ").split():
            if len(mot) >= 3 and not any(c.isdigit() for c in mot) and mot not in ctx.mots:
                nouveaux.add(mot)
    ctx.mots |= nouveaux
    return sorted(nouveaux)


def _mode_replique(curseur) -> bool:
    """Sans les triggers de clés étrangères pendant le COPY (superutilisateur seulement).

    Vérifier chaque clé ligne à ligne coûte ~20 µs par référence, soit plus d'une minute et
    demie à 1 M dossiers ; `_verifier_cles_etrangeres` les contrôle ensuite en une jointure
    par clé, dans la même transaction : une clé orpheline annule toute la génération.
    """
    curseur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if not curseur.fetchone()[0]:
        return False
    curseur.execute("SET LOCAL session_replication_role = replica")
    return True


def _verifier_cles_etrangeres(curseur, modeles, debut_ids: dict) -> None:
    for modele in modeles:
        table = modele._meta.db_table
        for champ in modele._meta.concrete_fields:
            if not champ.is_relation or not champ.db_constraint:
                continue
            cible = champ.related_model._meta
            # Noms de tables et de colonnes tirés des modèles, jamais d'une saisie.
            colonne, cle = champ.column, champ.target_field.column
            sql = (
                f'SELECT count(*) FROM "{table}" t LEFT JOIN "{cible.db_table}" c '  # noqa: S608
                f'ON c."{cle}" = t."{colonne}" '
                f'WHERE t.id >= %s AND t."{colonne}" IS NOT NULL AND c."{cle}" IS NULL'
            )
            curseur.execute(sql, [debut_ids[modele]])
            orphelins = curseur.fetchone()[0]
            if orphelins:
                raise RuntimeError(f"{orphelins} références orphelines : {table}.{champ.column}")


def _initialiser_ids(ctx: Contexte, modeles) -> None:
    for modele in modeles:
        maximum = modele.objects.aggregate(m=models.Max("id"))["m"] or 0
        ctx.prochain_id[modele] = maximum + 1


def _afficher(sortie, message: str) -> None:
    if sortie is not None:
        sortie(message)


def generer(
    *,
    dossiers: int,
    graine: int = 1,
    siret: str | None = None,
    taille_lot: int = TAILLE_LOT,
    sortie: Callable[[str], None] | None = None,
    reconstruire_index: bool | None = None,
) -> Contexte:
    """Ajoute `dossiers` dossiers à l'étude (démonstration ou `siret`) ; renvoie le contexte
    avec le nombre de lignes écrites par table et les durées par étape."""
    debut = time.perf_counter()
    ctx = Contexte(
        dossiers=dossiers,
        graine=graine,
        rng=random.Random(graine),
        maintenant=timezone.now().astimezone(UTC).replace(microsecond=0),
    )
    postgresql = connection.vendor == "postgresql"
    exts = extensions()
    modeles = _tables_du_lot(ctx, exts)
    ordre = ORDRE_TABLES + [t for ext in exts for t in ext.tables]
    prealables = ETAPES_PREALABLES + [e for ext in exts for e in ext.prealables]
    par_lot = ETAPES_PAR_LOT + [e for ext in exts for e in ext.par_lot]
    with transaction.atomic():
        for etape in prealables:
            t0 = time.perf_counter()
            if etape is etape_etude:
                etape(ctx, siret=siret)
            else:
                etape(ctx)
            ctx.durees[etape.__name__] = time.perf_counter() - t0
        # La suite de la graine dépend aussi des dossiers déjà là : une seconde exécution
        # avec la même graine produit d'autres dossiers, une base identique les mêmes.
        deja = Dossier.objects.filter(etude=ctx.etude).count()
        ctx.rng = random.Random(f"{graine}-{deja}")
        with connection.cursor() as curseur:
            index_supprimes: list[tuple[str, str]] = []
            mots = replique = False
            if postgresql:
                # Synthèse en lot : la durabilité de chaque validation n'importe pas ; les
                # clés étrangères sont vérifiées au fil du COPY plutôt qu'en fin de
                # transaction (la file des vérifications différées tiendrait des millions
                # d'entrées en mémoire).
                curseur.execute("SET LOCAL synchronous_commit = off")
                curseur.execute("SET CONSTRAINTS ALL IMMEDIATE")
                replique = _mode_replique(curseur)
                curseur.execute("SET LOCAL maintenance_work_mem = '1GB'")
                tables = [m._meta.db_table for m in modeles]
                ctx.index_inverse = _table_existe(curseur, TABLE_INDEX_INVERSE)
                if ctx.index_inverse:
                    tables.append(TABLE_INDEX_INVERSE)
                # Numéros et identifiants attribués ici : personne d'autre n'écrit pendant.
                curseur.execute(
                    "LOCK TABLE "
                    + ", ".join(f'"{t}"' for t in tables)
                    + ", dossiers_compteurreference IN SHARE ROW EXCLUSIVE MODE"
                )
                if reconstruire_index is None:
                    reconstruire_index = dossiers >= SEUIL_RECONSTRUCTION_INDEX
                if reconstruire_index:
                    index_supprimes = _index_secondaires(curseur, tables)
                    for nom, _ in index_supprimes:
                        curseur.execute(f'DROP INDEX "{nom}"')
                mots = _table_existe(curseur, "dossiers_motrecherche")
                if mots:
                    # Le trigger de la migration 0004 ferait une insertion par dossier ; la
                    # génération porte les mots nouveaux une fois par lot.
                    curseur.execute("ALTER TABLE dossiers_dossier DISABLE TRIGGER dossier_mots")
            _initialiser_ids(ctx, modeles)
            debut_ids = dict(ctx.prochain_id)
            ctx.compteurs = dict(
                CompteurReference.objects.filter(etude=ctx.etude).values_list("annee", "dernier")
            )
            faits = 0
            t_generation = t_ecriture = 0.0
            while faits < dossiers:
                lot = Lot(taille=min(taille_lot, dossiers - faits))
                t0 = time.perf_counter()
                for etape in par_lot:
                    etape(ctx, lot)
                t1 = time.perf_counter()
                for table in sorted(lot.tables.values(), key=lambda t: _ordre(t.modele, ordre)):
                    if postgresql:
                        _ecrire_copy(curseur, table)
                    else:
                        _ecrire_orm(table)
                    ctx.lignes[table.libelle] = ctx.lignes.get(table.libelle, 0) + len(
                        table.lignes
                    )
                if mots:
                    nouveaux = _mots_nouveaux(ctx, lot)
                    if nouveaux:
                        curseur.execute(
                            "INSERT INTO dossiers_motrecherche (mot) SELECT unnest(%s::text[])"
                            " ON CONFLICT DO NOTHING",
                            [nouveaux],
                        )
                t2 = time.perf_counter()
                t_generation += t1 - t0
                t_ecriture += t2 - t1
                faits += lot.taille
                ecoule = time.perf_counter() - debut
                _afficher(
                    sortie,
                    f"  {faits:>10,} / {dossiers:,} dossiers  {ecoule:7.1f} s  "
                    f"({faits / ecoule:,.0f} dossiers/s)".replace(",", " "),
                )
            ctx.durees["generation_python"] = t_generation
            ctx.durees["ecriture"] = t_ecriture
            for annee, dernier in sorted(ctx.compteurs.items()):
                CompteurReference.objects.update_or_create(
                    etude=ctx.etude, annee=annee, defaults={"dernier": dernier}
                )
            if postgresql:
                t0 = time.perf_counter()
                if replique:
                    curseur.execute("SET LOCAL session_replication_role = origin")
                    _verifier_cles_etrangeres(curseur, modeles, debut_ids)
                ctx.durees["verification_cles"] = time.perf_counter() - t0
                t0 = time.perf_counter()
                for nom, definition in index_supprimes:
                    _afficher(sortie, f"  reconstruction de l'index {nom}")
                    curseur.execute(definition)
                ctx.durees["reconstruction_index"] = time.perf_counter() - t0
                if mots:
                    curseur.execute("ALTER TABLE dossiers_dossier ENABLE TRIGGER dossier_mots")
                for modele in modeles:
                    table = modele._meta.db_table
                    # Nom de table du modèle, jamais d'une saisie.
                    sql = f'SELECT COALESCE(MAX(id), 1) FROM "{table}"'  # noqa: S608
                    curseur.execute(
                        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), ({sql}))"
                    )
    if postgresql:
        t0 = time.perf_counter()
        with connection.cursor() as curseur:
            for modele in modeles:
                curseur.execute(f'ANALYZE "{modele._meta.db_table}"')
            if ctx.index_inverse and not connection.in_atomic_block:
                # Carte de visibilité à jour : les 20 dossiers les plus récents d'un mot se
                # lisent alors dans l'index seul (Index Only Scan).
                curseur.execute(f"VACUUM ANALYZE {TABLE_INDEX_INVERSE}")
            elif ctx.index_inverse:
                curseur.execute(f"ANALYZE {TABLE_INDEX_INVERSE}")
        ctx.durees["analyze"] = time.perf_counter() - t0
    ctx.durees["total"] = time.perf_counter() - debut
    return ctx
