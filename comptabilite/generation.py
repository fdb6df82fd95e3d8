"""Génération en masse de la comptabilité (extension de `dossiers.generation.generer`).

Pour chaque dossier judiciaire (un titre) : le grand livre ouvert comme le ferait
`grand_livre._ouvrir` (principal et frais du titre, régime d'intérêts), des versements pour
une partie des dossiers (imputés frais, puis intérêts, puis principal, C. civ. 1343-1, les
intérêts portés à jour au jour de chaque versement), puis l'intérêt couru jusqu'au jour
d'arrêt, et l'état du morceau en cours (`SoldeDossier`) qu'attend le chemin ensembliste de
la nuit. Calcul par le module pur `comptabilite.decompte` (les mêmes règles que les
services) ; lignes écrites par COPY comme le reste de la génération. Le solde en cache égale
la somme des écritures (`grand_livre.verifier_solde`).

Jour d'arrêt : la veille de la génération, ramené au dernier jour dont le taux de l'intérêt
légal est saisi (décision 15 : rien n'est inventé ; la nuit suivante dira ce qui manque).
Le droit A444-31 des versements n'est pas généré (il dépend du tarif du jour) : données de
mesure, pas de démonstration.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from dossiers.generation import CENT, COLONNES_TITRE, Contexte, Extension, Lot
from dossiers.models import Creancier, Dossier, TitreExecutoire

from . import decompte as calcul
from .imputation import imputer
from .interets import fin_semestre, premier_jour_majoration
from .models import Ecriture, FondsDossier, SoldeDossier, Versement

PART_AVEC_VERSEMENTS = 0.4
ZERO = Decimal("0.00")

COLONNES_SOLDE = [
    "dossier_id", "etude_id", "frais", "interets", "principal", "excedent", "verse", "du",
    "regime", "taux_fixe", "majoration_depuis", "capitalisation", "interets_depuis",
    "interets_arretes_au", "morceau_debut", "morceau_principal", "morceau_poste", "modifie_le",
]  # fmt: skip
COLONNES_FONDS = ["dossier_id", "etude_id", "detenus_depuis", "disponible", "dernier_mouvement"]
COLONNES_VERSEMENT = [
    "id", "etude_id", "dossier_id", "date_valeur", "montant", "mode", "reference",
    "ligne_releve_id", "cree_par_id", "cree_le",
]  # fmt: skip
COLONNES_ECRITURE = [
    "id", "etude_id", "dossier_id", "date_valeur", "nature", "poste", "sens", "montant",
    "libelle", "cause", "cause_id", "versement_id", "contre_passe_id", "motif",
    "periode_debut", "periode_fin", "taux", "cree_par_id", "cree_le",
]  # fmt: skip
_T = {nom: rang for rang, nom in enumerate(COLONNES_TITRE)}


def _jour_arret() -> tuple[date, dict[str, dict[date, Decimal]]]:
    """(jour d'arrêt, taux par catégorie et par semestre connus jusque-là)."""
    from comptabilite.models import TauxInteretLegal

    taux: dict[str, dict[date, Decimal]] = {"particulier": {}, "autre": {}}
    for semestre, categorie, valeur in TauxInteretLegal.objects.values_list(
        "semestre_debut", "categorie", "taux"
    ):
        taux[categorie][semestre] = valeur
    communs = set(taux["particulier"]) & set(taux["autre"])
    veille = timezone.localdate() - timedelta(days=1)
    if not communs:
        return veille, taux
    # Dernier semestre d'une suite sans trou depuis le plus ancien.
    semestre = min(communs)
    while fin_semestre(semestre) + timedelta(days=1) in communs:
        semestre = fin_semestre(semestre) + timedelta(days=1)
    return min(veille, fin_semestre(semestre)), taux


def etape_preparer(ctx: Contexte) -> None:
    arret, taux = _jour_arret()
    ctx.compta = {
        "arret": arret,
        "taux": taux,
        "particuliers": set(
            Creancier.objects.filter(
                etude=ctx.etude, type_personne="physique", agit_pour_besoins_professionnels=False
            ).values_list("pk", flat=True)
        ),
    }


def _ecriture(e, ids, ctx, dossier_id, jour, nature, poste, sens, montant, libelle, cause,
              cause_id="", versement_id=None, morceau=None):  # fmt: skip
    e.append((
        next(ids), ctx.etude.pk, dossier_id, jour, nature, poste, sens, montant, libelle[:300],
        cause, cause_id, versement_id, None, "",
        morceau.debut if morceau else None, morceau.fin if morceau else None,
        morceau.taux if morceau else None, None, ctx.maintenant,
    ))  # fmt: skip


def _fonds(encaisses, frais_payes, date_titre, frais) -> tuple:
    """(detenus_depuis, disponible, dernier_mouvement) comme `etat_fonds.SQL_CUMULS` : rien
    n'est reversé ; cumul par jour des parts sur principal et intérêts, plus les parts sur les
    frais dans la limite des frais du titre dus à ce jour (frais du créancier)."""
    jours = sorted({*encaisses, *([date_titre] if frais > 0 else [])})
    cumul_e = cumul_fp = ZERO
    depuis = None
    total = ZERO
    for jour in jours:
        cumul_e += encaisses.get(jour, ZERO)
        cumul_fp += frais_payes.get(jour, ZERO)
        dus = frais if jour >= date_titre else ZERO
        total = cumul_e + max(ZERO, min(dus, cumul_fp))
        if depuis is None and total > 0:
            depuis = jour
    return (depuis if total > 0 else None), total, jours[-1]


def etape_comptabilite(ctx: Contexte, lot: Lot) -> None:
    titres = lot.tables.get(TitreExecutoire)
    if titres is None or not titres.lignes:
        return
    rng = ctx.rng
    arret = ctx.compta["arret"]
    creanciers = {ligne[0]: ligne[5] for ligne in lot.tables[Dossier].lignes}
    t_soldes = lot.table(SoldeDossier, COLONNES_SOLDE)
    t_versements = lot.table(Versement, COLONNES_VERSEMENT)
    t_ecritures = lot.table(Ecriture, COLONNES_ECRITURE)
    t_fonds = lot.table(FondsDossier, COLONNES_FONDS)
    # Au plus 3 versements et 4 écritures d'intérêts + 3 x 3 imputations + 2 d'ouverture.
    ids_versements = iter(ctx.ids(Versement, 3 * len(titres.lignes)))
    ids_ecritures = iter(ctx.ids(Ecriture, 16 * len(titres.lignes)))
    for titre in titres.lignes:
        dossier_id = titre[_T["dossier_id"]]
        date_titre = titre[_T["date_titre"]]
        principal = titre[_T["montant_principal"]]
        frais = titre[_T["montant_frais"]]
        contractuel = titre[_T["type_interets"]] == "contractuel"
        regime = (
            "contractuel"
            if contractuel
            else (
                "particulier" if creanciers[dossier_id] in ctx.compta["particuliers"] else "autre"
            )
        )
        depuis = titre[_T["interets_depuis"]] or date_titre
        if depuis >= arret:
            continue  # la nuit ouvrira ce grand livre
        majoration = None
        if not contractuel and titre[_T["date_force_executoire"]]:
            majoration = premier_jour_majoration(titre[_T["date_force_executoire"]])
        params = calcul.ParametresInterets(
            regime=regime,
            depuis=depuis,
            taux_fixe=titre[_T["taux_contractuel"]] if contractuel else None,
            majoration_depuis=majoration,
        )
        taux = {} if contractuel else ctx.compta["taux"][regime]
        e = t_ecritures.lignes
        _ecriture(e, ids_ecritures, ctx, dossier_id, min(depuis, date_titre), "principal",
                  "principal", "debit", principal, "Principal du titre exécutoire", "titre",
                  str(titre[0]))  # fmt: skip
        if frais > 0:
            _ecriture(e, ids_ecritures, ctx, dossier_id, date_titre, "frais", "frais", "debit",
                      frais, "Frais alloués par le titre (art. 700, dépens)", "titre",
                      str(titre[0]))  # fmt: skip
        postes = {"frais": frais, "interets": ZERO, "principal": principal, "excedent": ZERO}
        mouvements = [(min(depuis, date_titre), principal)]
        payes: list[tuple[date, Decimal]] = []
        verse = ZERO
        # Fonds détenus (etat_fonds), par jour : parts sur principal et intérêts, parts sur
        # les frais (au créancier tant que les frais du titre ne sont pas payés).
        encaisses: dict[date, Decimal] = {}
        frais_payes: dict[date, Decimal] = {}
        passe = ZERO
        jours = []
        if rng.random() < PART_AVEC_VERSEMENTS and (arret - depuis).days > 3:
            jours = sorted(
                depuis + timedelta(days=rng.randint(1, (arret - depuis).days))
                for _ in range(rng.randint(1, 3))
            )
        for jour in [*jours, arret]:
            resultat = calcul.calculer_interets(
                params,
                au=jour,
                mouvements_principal=mouvements,
                paiements_interets=payes,
                taux_par_semestre=taux,
            )
            ecart = resultat.total - passe
            if ecart > 0:
                morceau = resultat.morceaux[-1] if resultat.morceaux else None
                _ecriture(e, ids_ecritures, ctx, dossier_id, jour, "interets", "interets",
                          "debit", ecart, f"Intérêts courus au {jour:%d/%m/%Y}", "calcul",
                          morceau=morceau)  # fmt: skip
                postes["interets"] += ecart
                passe = resultat.total
            if jour == arret:
                break
            du = postes["frais"] + postes["interets"] + postes["principal"]
            montant = min(Decimal(rng.randint(50, 1500)).quantize(CENT), max(du, Decimal("1.00")))
            versement_id = next(ids_versements)
            t_versements.lignes.append((
                versement_id, ctx.etude.pk, dossier_id, jour, montant, "virement", "", None,
                None, ctx.maintenant,
            ))  # fmt: skip
            part = imputer(
                montant,
                frais=postes["frais"],
                interets=postes["interets"],
                principal=postes["principal"],
            )
            for poste, valeur in (
                ("frais", part.frais),
                ("interets", part.interets),
                ("principal", part.principal),
                ("excedent", part.excedent),
            ):
                if valeur > 0:
                    _ecriture(e, ids_ecritures, ctx, dossier_id, jour, "versement", poste,
                              "credit", valeur, f"Versement du {jour:%d/%m/%Y} imputé",
                              "versement", str(versement_id), versement_id)  # fmt: skip
                    postes[poste] += -valeur if poste != "excedent" else valeur
            encaisses[jour] = encaisses.get(jour, ZERO) + part.interets + part.principal
            frais_payes[jour] = frais_payes.get(jour, ZERO) + part.frais
            if part.principal > 0:
                mouvements.append((jour, -part.principal))
            if part.interets > 0:
                payes.append((jour, part.interets))
            verse += montant
        if encaisses:
            t_fonds.lignes.append(
                (dossier_id, ctx.etude.pk, *_fonds(encaisses, frais_payes, date_titre, frais))
            )
        debut, morceau_principal, morceau_poste = resultat.etat_nuit()
        du = postes["frais"] + postes["interets"] + postes["principal"] - postes["excedent"]
        t_soldes.lignes.append((
            dossier_id, ctx.etude.pk, postes["frais"], postes["interets"], postes["principal"],
            postes["excedent"], verse, du, regime, params.taux_fixe, majoration, False, depuis,
            arret, debut, morceau_principal, morceau_poste, ctx.maintenant,
        ))  # fmt: skip


def generation_extension() -> Extension:
    return Extension(
        prealables=(etape_preparer,),
        par_lot=(etape_comptabilite,),
        # Le solde et l'état des fonds (clé primaire = dossier, sans « id ») sont écrits par
        # le lot, après les écritures, hors de la liste des tables à identifiants que tient
        # `generer`.
        tables=(Versement, Ecriture),
    )
