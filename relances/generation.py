"""Génération en masse du recouvrement amiable (extension de `dossiers.generation.generer`).

Échéanciers : environ un dossier sur douze a un plan (6 à 24 échéances mensuelles, montant
du principal) : trois sur quatre en cours, les autres soldés ou déchus. Les échéances passées
d'un plan en cours sont dans l'état qu'aurait laissé la nuit de la veille (sans versement
généré, elles sont manquées : constatées le lendemain de leur date, et le plan est à déchoir
quand la grâce de 15 jours est passée), pour que la partie « echeances » de la nuit lise des
tables de la taille réelle. Lignes écrites par COPY comme le reste de la génération, un
événement « echeancier_accepter » par plan (acteur « generer »).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

from dossiers.generation import ACTEUR_GENERATION, COLONNES_EVENEMENT, Contexte, Extension, Lot

from .echeancier_calcul import ajouter_mois, decheance_possible_le
from .models import Echeance, Echeancier

PART_AVEC_PLAN = 1 / 12
GRACE_JOURS = 15  # défaut de PolitiqueEcheancier.grace_jours
CENT = Decimal("0.01")

COLONNES_ECHEANCIER = [
    "id", "etude_id", "dossier_id", "etat", "montant", "du_frais", "du_interets",
    "du_principal", "remise_interets", "remise_frais", "nombre", "capacite",
    "motifs_hors_politique", "accepte_le", "accepte_par_id", "decide_par_id", "decide_le",
    "commentaire_decision", "a_decheoir_depuis", "mise_en_demeure_le",
    "mises_en_demeure_anterieures", "dechu_le", "suite",
    "solde_le", "verse", "emolument_percu", "rapproche_le", "cree_le",
]  # fmt: skip
COLONNES_ECHEANCE = [
    "id", "echeancier_id", "rang", "date", "montant", "paye", "etat", "payee_le", "manquee_le",
]  # fmt: skip


def _montants(total: Decimal, nombre: int) -> list[Decimal]:
    base = (total / nombre).quantize(CENT, rounding=ROUND_DOWN)
    return [base] * (nombre - 1) + [total - base * (nombre - 1)]


def etape_echeanciers(ctx: Contexte, lot: Lot) -> None:
    """Plans et échéances d'une partie des dossiers du lot (voir le module)."""
    from etude.models import Evenement

    rng = ctx.rng
    hier = ctx.maintenant.date() - timedelta(days=1)
    avec_plan = [d for d in lot.dossiers if rng.random() < PART_AVEC_PLAN]
    if not avec_plan:
        return
    t_plans = lot.table(Echeancier, COLONNES_ECHEANCIER)
    t_echeances = lot.table(Echeance, COLONNES_ECHEANCE)
    t_evenements = lot.table(Evenement, COLONNES_EVENEMENT)
    ids_plans = iter(ctx.ids(Echeancier, len(avec_plan)))
    ids_evenements = iter(ctx.ids(Evenement, len(avec_plan)))
    nombres = [rng.randint(6, 24) for _ in avec_plan]
    ids_echeances = iter(ctx.ids(Echeance, sum(nombres)))
    etude_id = ctx.etude.pk
    for dossier, nombre in zip(avec_plan, nombres, strict=True):
        plan_id = next(ids_plans)
        montant = Decimal(dossier["montant"])
        if montant < CENT * nombre:
            nombre = 1
        accepte_le = max(dossier["ouvert_le"], hier - timedelta(days=rng.randint(0, 400)))
        premiere = accepte_le + timedelta(days=rng.randint(5, 30))
        tirage = rng.random()
        etat = "en_cours" if tirage < 0.75 else ("solde" if tirage < 0.9 else "dechu")
        echeances = []
        verse = Decimal("0.00")
        premiere_manquee = None
        for rang, part in enumerate(_montants(montant, nombre), start=1):
            jour = ajouter_mois(premiere, rang - 1)
            if etat == "solde":
                ligne = (part, "payee", jour, None)
                verse += part
            elif jour < hier:
                premiere_manquee = premiere_manquee or jour
                ligne = (Decimal("0.00"), "en_retard", None, jour + timedelta(days=1))
            else:
                ligne = (Decimal("0.00"), "a_venir", None, None)
            echeances.append((next(ids_echeances), plan_id, rang, jour, part, *ligne))
        a_decheoir = dechu_le = mise_en_demeure = solde_le = None
        suite = ""
        if etat == "solde":
            solde_le = echeances[-1][3]
        if premiere_manquee is not None:
            possible = decheance_possible_le(premiere_manquee, grace_jours=GRACE_JOURS)
            a_decheoir = possible if possible <= hier else None
        if etat == "dechu":
            if a_decheoir is None:
                etat = "en_cours"
            else:
                mise_en_demeure = a_decheoir
                dechu_le = min(hier, a_decheoir + timedelta(days=9))
                suite = rng.choice(["scenario", "judiciaire"])
        t_plans.lignes.append((
            plan_id, etude_id, dossier["id"], etat, montant, Decimal("0.00"), Decimal("0.00"),
            montant, False, False, nombre, None, [], accepte_le, dossier["clerc_id"], None,
            None, "", a_decheoir, mise_en_demeure, [], dechu_le, suite, solde_le, verse,
            Decimal("0.00"), hier, ctx.maintenant,
        ))  # fmt: skip
        t_echeances.lignes.extend(echeances)
        t_evenements.lignes.append((
            next(ids_evenements), etude_id, ctx.maintenant, None, ACTEUR_GENERATION,
            "echeancier_accepter", f"Échéancier accepté : {nombre} échéances, {montant} €",
            "relances.Echeancier", str(plan_id), dossier["id"], {},
            {"etat": etat, "nombre": nombre, "montant": str(montant)},
        ))  # fmt: skip


def generation_extension() -> Extension:
    return Extension(par_lot=(etape_echeanciers,), tables=(Echeancier, Echeance))
