"""Génération en masse des procédures (extension de `dossiers.generation.generer`).

En moyenne 1,5 procédure par dossier (0 à 3), d'un type qui convient au dossier : sans titre,
injonction de payer ou petites créances (5 000 € au plus, CPCE R125-1) ; avec titre, saisies
(rémunérations pour un débiteur personne physique), expulsion et clause résolutoire pour les
loyers. Chaque procédure reçoit un état tiré de profils réalistes : celles des dossiers
soldés ou clos sont closes (état final), les autres pour moitié en cours. Une procédure en
cours a la date de sa dernière étape et les délais que cette étape a fait courir, calculés
par le catalogue (même `echeance` que les services), avec une date de départ assez récente
pour que le délai soit encore ouvert : c'est l'état qu'aurait laissé la passe de la veille.
Les délais clos (respectés, dépassés) des étapes passées sont écrits aussi, pour que la nuit
et le tableau lisent une table de la taille réelle.

Données synthétiques : lignes écrites par COPY comme le reste de la génération, un
événement « procedure_ouvrir » par procédure (acteur « generer »).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from dossiers.generation import ACTEUR_GENERATION, COLONNES_EVENEMENT, Contexte, Extension, Lot

from . import catalogue
from .models import MODELES, Delai, Procedure
from .models.injonctions import PLAFOND_PETITES_CREANCES

# Nombre de procédures par dossier : moyenne 0,15×0 + 0,35×1 + 0,35×2 + 0,15×3 = 1,5.
NOMBRES = [0, 1, 2, 3]
POIDS_NOMBRES = [15, 35, 35, 15]
PART_EN_COURS = 0.5  # sur un dossier ouvert ou suspendu

# Profils d'une procédure en cours : (état, poids, âge maximal de la dernière étape en jours,
# délais ouverts qu'elle fait courir de cette date, délais clos des étapes d'avant).
# L'âge maximal garde le délai ouvert le plus court encore à échoir aujourd'hui.
EN_COURS = {
    "saisie_vente": [
        ("commandement_signifie", 30, 7,
         ["sv_attente_commandement", "sv_validite_commandement"], []),
        ("delai_expire", 20, 600, ["sv_validite_commandement"], ["sv_attente_commandement"]),
        ("pv_saisie", 5, 7, ["sv_signification_pv"], ["sv_attente_commandement"]),
        ("vente_amiable", 30, 29, ["sv_vente_amiable"], ["sv_attente_commandement"]),
        ("vente_forcee_publicite", 15, 7, [], ["sv_vente_amiable"]),
    ],
    "saisie_attribution": [
        ("saisie_signifiee", 30, 7, ["sa_denonciation"], []),
        ("denoncee", 50, 29, ["sa_contestation"], ["sa_denonciation"]),
        ("contestee", 8, 200, [], ["sa_denonciation"]),
        ("certificat_delivre", 12, 20, [], ["sa_contestation"]),
    ],
    "injonction_de_payer": [
        ("requete_deposee", 30, 60, [], []),
        ("ordonnance_rendue", 30, 170, ["ip_signification"], []),
        ("signifiee", 40, 29, ["ip_opposition"], []),
    ],
    "petites_creances": [
        ("lettre_envoyee", 80, 29, ["pc_reponse"], []),
        ("accord", 20, 20, [], []),
    ],
    "saisie_remunerations": [
        ("commandement_signifie", 25, 29,
         ["sr_attente_commandement", "sr_validite_commandement"], []),
        ("pv_signifie", 10, 7,
         ["sr_denonciation", "sr_declaration_employeur"], ["sr_attente_commandement"]),
        ("denoncee", 10, 14, ["sr_declaration_employeur"], ["sr_denonciation"]),
        ("versements", 45, 30, [], ["sr_declaration_employeur"]),
        ("fin_emploi", 10, 360, ["sr_reprise"], ["sr_declaration_employeur"]),
    ],
    "expulsion": [
        ("commandement_signifie", 45, 58, ["ex_attente_commandement"], []),
        ("requisition", 35, 58, ["ex_concours"], ["ex_attente_commandement"]),
        ("meubles_en_depot", 20, 28, ["ex_meubles", "ex_contestation_meubles", "ex_papiers"], []),
    ],
    "clause_resolutoire": [
        ("commandement_signifie", 60, 40, ["cr_paiement"], []),
        ("assignation_delivree", 40, 0, ["cr_prefet_assignation"], ["cr_paiement"]),
    ],
}  # fmt: skip

# Procédures closes : (état final, poids, délai clos et son statut).
CLOSES = {
    "saisie_vente": [
        ("distribution", 30, "sv_vente_amiable", "respecte"),
        ("pv_carence", 40, "sv_attente_commandement", "respecte"),
        ("caduque", 5, "sv_signification_pv", "depasse"),
        ("commandement_perime", 10, "sv_validite_commandement", "depasse"),
        ("abandonnee", 15, "sv_attente_commandement", "respecte"),
    ],
    "saisie_attribution": [
        ("payee", 60, "sa_contestation", "respecte"),
        ("mainlevee", 10, "sa_contestation", "sans_objet"),
        ("caduque", 5, "sa_denonciation", "depasse"),
        ("abandonnee", 25, "sa_denonciation", "respecte"),
    ],
    "injonction_de_payer": [
        ("titre_executoire", 60, "ip_opposition", "respecte"),
        ("opposition_formee", 12, "ip_opposition", "sans_objet"),
        ("non_avenue", 5, "ip_signification", "depasse"),
        ("requete_rejetee", 8, None, None),
        ("abandonnee", 15, None, None),
    ],
    "petites_creances": [
        ("titre_delivre", 40, "pc_reponse", "respecte"),
        ("refus", 45, "pc_reponse", "depasse"),
        ("abandonnee", 15, "pc_reponse", "sans_objet"),
    ],
    "saisie_remunerations": [
        ("terminee", 55, "sr_declaration_employeur", "respecte"),
        ("commandement_caduc", 10, "sr_validite_commandement", "depasse"),
        ("caduque", 3, "sr_denonciation", "depasse"),
        ("mainlevee", 7, "sr_attente_commandement", "sans_objet"),
        ("abandonnee", 25, "sr_attente_commandement", "respecte"),
    ],
    "expulsion": [
        ("terminee", 40, "ex_attente_commandement", "respecte"),
        ("libere", 35, "ex_attente_commandement", "respecte"),
        ("abandonnee", 25, "ex_attente_commandement", "sans_objet"),
    ],
    "clause_resolutoire": [
        ("dette_reglee", 40, "cr_paiement", "respecte"),
        ("terminee", 35, "cr_paiement", "depasse"),
        ("abandonnee", 25, "cr_paiement", "sans_objet"),
    ],
}

# Types possibles avec un titre, et leurs poids ; loyers : expulsion et clause en plus.
AVEC_TITRE = [("saisie_attribution", 40), ("saisie_vente", 20), ("saisie_remunerations", 25)]
LOYERS = [("expulsion", 20), ("clause_resolutoire", 20)]
SANS_TITRE = [("injonction_de_payer", 70), ("petites_creances", 30)]

# Champ daté de la dernière étape, par état en cours (les autres restent vides).
CHAMP_ETAPE = {
    "commandement_signifie": "commandement_le",
    "delai_expire": "commandement_le",
    "pv_saisie": "pv_le",
    "vente_amiable": "pv_le",
    "vente_forcee_publicite": "publicite_le",
    "saisie_signifiee": "signifie_le",
    "denoncee": "denoncee_le",
    "contestee": "contestation_le",
    "certificat_delivre": "certificat_le",
    "requete_deposee": "requete_le",
    "ordonnance_rendue": "ordonnance_le",
    "signifiee": "signifiee_le",
    "lettre_envoyee": "lettre_envoyee_le",
    "accord": "reponse_le",
    "pv_signifie": "pv_le",
    "versements": "dernier_versement_le",
    "fin_emploi": "fin_emploi_le",
    "requisition": "requisition_le",
    "meubles_en_depot": "pv_expulsion_le",
    "assignation_delivree": "assignation_le",
}

BAIL_RECENT = date(2024, 1, 1)  # six semaines (loi 2023-668, baux signés depuis le 29/07/2023)


def _colonnes(modele) -> list:
    return list(modele._meta.local_concrete_fields)


def _ligne(champs, valeurs: dict) -> tuple:
    return tuple(valeurs[f.attname] if f.attname in valeurs else f.get_default() for f in champs)


class _Echeances:
    """`catalogue.echeance` mémorisée : les mêmes (code, départ) reviennent des milliers de
    fois."""

    def __init__(self, calendrier: str):
        self.calendrier = calendrier
        self.memo: dict = {}

    def __call__(self, code: str, depart: date, duree=None):
        cle = (code, depart, tuple(sorted(duree.items())) if duree else None)
        lecture = self.memo.get(cle)
        if lecture is None:
            lecture = self.memo[cle] = catalogue.echeance(
                code, depart, calendrier=self.calendrier, duree=duree
            )
        return lecture


def _choisir(rng, profils, rang_poids=1):
    return rng.choices(profils, weights=[p[rang_poids] for p in profils])[0]


def etape_procedures(ctx: Contexte, lot: Lot) -> None:
    rng = ctx.rng
    etude = ctx.etude
    if not hasattr(ctx, "_echeances_procedures"):
        ctx._echeances_procedures = _Echeances(etude.calendrier)
    echeance = ctx._echeances_procedures
    aujourd_hui = ctx.maintenant.date()
    maintenant = ctx.maintenant
    from dossiers.models import Debiteur, DossierDebiteur, TitreExecutoire
    from etude.models import Evenement

    titres = {}
    if TitreExecutoire in lot.tables:
        for ligne in lot.tables[TitreExecutoire].lignes:
            titres[ligne[1]] = (ligne[0], ligne[7] or ligne[3])  # id, force exécutoire
    physiques = {ligne[0] for ligne in lot.tables[Debiteur].lignes if ligne[2] == "physique"}
    premier_debiteur = {}
    for ligne in lot.tables[DossierDebiteur].lignes:
        premier_debiteur.setdefault(ligne[1], ligne[2])
    statuts = {ligne[0]: ligne[8] for ligne in lot.tables[lot_dossier_modele()].lignes}

    champs_procedure = _colonnes(Procedure)
    t_procedures = lot.table(Procedure, [f.attname for f in champs_procedure])
    champs_delai = [f for f in _colonnes(Delai) if f.attname != "id"] + [Delai._meta.pk]
    t_delais = lot.table(Delai, [f.attname for f in champs_delai])
    t_evenements = lot.table(Evenement, COLONNES_EVENEMENT)
    tables_types = {}
    for type_, modele in MODELES.items():
        champs = _colonnes(modele)
        tables_types[type_] = (
            champs,
            lot.table(modele._meta.db_table, [f.attname for f in champs]),
        )

    a_creer = []
    for dossier in lot.dossiers:
        nombre = rng.choices(NOMBRES, weights=POIDS_NOMBRES)[0]
        titre = titres.get(dossier["id"])
        debiteur_id = premier_debiteur[dossier["id"]]
        for _ in range(nombre):
            if titre is None:
                choix = [
                    c
                    for c in SANS_TITRE
                    if c[0] != "petites_creances" or dossier["montant"] <= PLAFOND_PETITES_CREANCES
                ]
            else:
                choix = [
                    c
                    for c in AVEC_TITRE
                    if c[0] != "saisie_remunerations" or debiteur_id in physiques
                ]
                if dossier["nature"] == "loyers":
                    choix += LOYERS
            type_ = _choisir(rng, choix)[0]
            a_creer.append((dossier, titre, debiteur_id, type_))

    ids_procedures = iter(ctx.ids(Procedure, len(a_creer)))
    ids_evenements = iter(ctx.ids(Evenement, len(a_creer)))
    nouveaux_delais = []
    for dossier, titre, debiteur_id, type_ in a_creer:
        pk = next(ids_procedures)
        modele = MODELES[type_]
        actif = statuts[dossier["id"]] in ("ouvert", "suspendu")
        en_cours = actif and rng.random() < PART_EN_COURS
        debut = max(dossier["ouvert_le"], titre[1] if titre else dossier["ouvert_le"])
        valeurs = {"procedure_ptr_id": pk}
        delais = []  # (code, départ, statut, options)
        if en_cours:
            etat, _, age_max, ouverts, clos = _choisir(rng, EN_COURS[type_])
            etape = aujourd_hui - timedelta(days=rng.randint(0, age_max))
            etape = max(etape, min(debut, aujourd_hui))
            cloturee = None
            options = {}
            if type_ == "clause_resolutoire":
                valeurs.update(bail_signe_le=BAIL_RECENT, loyer_mensuel_hc=Decimal("650.00"))
                valeurs["dette"] = dossier["montant"]
                options = {"duree": catalogue.duree_clause(BAIL_RECENT)}
            for code in ouverts:
                depart = etape
                if code == "cr_prefet_assignation":
                    depart = etape + timedelta(days=rng.randint(45, 120))  # l'audience
                    valeurs["audience_le"] = depart
                if code == "sv_vente_amiable" and etat == "vente_forcee_publicite":
                    continue
                delais.append((code, depart, "ouvert", options if code == "cr_paiement" else {}))
            for code in clos:
                depart = etape - timedelta(days=rng.randint(40, 70))
                delais.append((code, depart, "respecte", options if code == "cr_paiement" else {}))
            champ = CHAMP_ETAPE.get(etat)
            if champ:
                valeurs[champ] = _moment(modele, champ, etape)
            if etat == "vente_forcee_publicite":
                valeurs["vente_forcee_prevue_le"] = etape + timedelta(days=rng.randint(10, 20))
            if type_ == "expulsion" and etat != "ouverte":
                valeurs["prefet_saisi_le"] = etape
            if type_ == "saisie_attribution":
                valeurs["tiers_saisi"] = "Banque (génération)"
                valeurs["compte_bancaire"] = rng.random() < 0.8
                if etat == "saisie_signifiee" and valeurs["compte_bancaire"]:
                    delais.append(("sa_indisponibilite", etape, "ouvert", {}))
        else:
            etat, _, code, statut = _choisir(rng, CLOSES[type_])
            fin = aujourd_hui if actif else aujourd_hui - timedelta(days=30)
            fin = max(min(debut, aujourd_hui), fin)
            etape = debut + timedelta(days=rng.randint(0, max(0, (fin - debut).days)))
            cloturee = maintenant - timedelta(days=(aujourd_hui - etape).days)
            if code is not None:
                options = (
                    {"duree": catalogue.duree_clause(BAIL_RECENT)} if code == "cr_paiement" else {}
                )
                delais.append((code, etape - timedelta(days=60), statut, options))
            if type_ == "saisie_attribution":
                valeurs["tiers_saisi"] = "Banque (génération)"
        libelle = modele.Etat(etat).label
        ouverte_le = maintenant - timedelta(days=(aujourd_hui - etape).days + rng.randint(1, 90))
        t_procedures.lignes.append(
            _ligne(
                champs_procedure,
                {
                    "id": pk,
                    "etude_id": etude.pk,
                    "dossier_id": dossier["id"],
                    "debiteur_id": debiteur_id,
                    "titre_id": titre[0] if titre else None,
                    "type": type_,
                    "ouverte_par_id": dossier["clerc_id"],
                    "ouverte_le": ouverte_le,
                    "etape": libelle,
                    "cloturee_le": cloturee,
                },
            )
        )
        champs, table = tables_types[type_]
        valeurs["etat"] = etat
        table.lignes.append(_ligne(champs, valeurs))
        for code, depart, statut, options in delais:
            definition = catalogue.DEFINITIONS[code]
            lecture = echeance(code, depart, options.get("duree"))
            nouveaux_delais.append(
                _ligne(
                    champs_delai,
                    {
                        "id": None,
                        "etude_id": etude.pk,
                        "dossier_id": dossier["id"],
                        "procedure_id": pk,
                        "clerc_id": dossier["clerc_id"],
                        "code": code,
                        "nature": definition.nature,
                        "libelle": definition.libelle,
                        "depart": depart,
                        "echeance": lecture.date_sure,
                        "echeance_alternative": lecture.date_alternative,
                        "raison_alternative": lecture.raison_alternative,
                        "article": definition.article,
                        "sanction": definition.sanction,
                        "statut": statut,
                        "cree_le": maintenant,
                        "clos_le": None if statut == "ouvert" else maintenant,
                    },
                )
            )
        t_evenements.lignes.append((
            next(ids_evenements), etude.pk, maintenant, None, ACTEUR_GENERATION,
            "procedure_ouvrir", f"{modele._meta.verbose_name.capitalize()} ouverte",
            Procedure._meta.label, str(pk), dossier["id"], {}, {"type": type_, "etat": etat},
        ))  # fmt: skip
    # Identifiants des délais : attribués après le tirage (leur nombre varie).
    ids = iter(ctx.ids(Delai, len(nouveaux_delais)))
    t_delais.lignes.extend(ligne[:-1] + (next(ids),) for ligne in nouveaux_delais)


def _moment(modele, champ: str, jour: date):
    """Un champ DateTimeField reçoit l'étape à 10 h (UTC), un DateField le jour."""
    from datetime import UTC, datetime, time

    from django.db import models

    if isinstance(modele._meta.get_field(champ), models.DateTimeField):
        return datetime.combine(jour, time(9), tzinfo=UTC)
    return jour


def lot_dossier_modele():
    from dossiers.models import Dossier

    return Dossier


def generation_extension() -> Extension:
    return Extension(par_lot=(etape_procedures,), tables=(Procedure, Delai))
