"""Démonstration des échéanciers : un plan dans chaque état, sur des dossiers amiables de la
démo (sans titre : pas d'intérêts au taux légal, dont le taux du 2e semestre 2026 manque).

- BH-2026-0031 (Benoît) : deux échéances payées, puis manquées : déchéance à prononcer ;
- HM-LOY-02 (Petitjean) : plan accepté, première échéance à venir ;
- TG-FA-2025-077 (Rousseau) : 30 échéances, hors politique : dans la file d'approbation ;
- OM-55131450 (Da Silva) : trois échéances payées, plan soldé ;
- BH-2026-0102 (Rousseau) : échéance manquée, mise en demeure, déchéance prononcée, retour
  au scénario de relance.

Dates relatives au jour de la démo ; tout passe par les services (événements d'audit).
Idempotent : un dossier qui a déjà un échéancier est laissé tel quel.

Branché par `relances/demo.py: demo_etapes()`, après le scénario de relance.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from etude.demo import ContexteDemo, Etape

from .echeancier_calcul import ajouter_mois
from .models import Echeancier
from .services import echeanciers as services


def _verser(dossier, jour, montant) -> None:
    from comptabilite.services import versement_enregistrer

    versement_enregistrer(
        acteur=dossier.clerc,
        dossier=dossier,
        montant=Decimal(montant),
        date_valeur=jour,
        mode="virement",
        reference="Échéance (démo)",
    )


def _plan(contexte: ContexteDemo, reference: str, *, accepte_il_y_a: int, premiere_dans: int,
          nombre: int):  # fmt: skip
    dossier = contexte.dossiers.get(reference)
    if dossier is None or Echeancier.objects.filter(dossier=dossier).exists():
        return None, None
    le = contexte.il_y_a(accepte_il_y_a)
    plan = services.echeancier_accepter(
        acteur=dossier.clerc,
        dossier=dossier,
        nombre=nombre,
        premiere=le + timedelta(days=premiere_dans),
        le=le,
    )
    return dossier, plan


def etape_echeanciers(contexte: ContexteDemo) -> None:
    hier = contexte.il_y_a(1)

    # Deux échéances payées, puis plus rien : à déchoir.
    dossier, plan = _plan(contexte, "BH-2026-0031", accepte_il_y_a=105, premiere_dans=5, nombre=6)
    if plan is not None:
        for echeance in list(plan.echeances.order_by("rang"))[:2]:
            _verser(dossier, echeance.date, echeance.montant)
        services.echeancier_rapprocher(echeancier=plan, le=hier)

    # En cours, rien d'échu.
    _plan(contexte, "HM-LOY-02", accepte_il_y_a=3, premiere_dans=12, nombre=10)

    # Hors politique (30 mois > 24) : attend le principal clerc.
    _plan(contexte, "TG-FA-2025-077", accepte_il_y_a=2, premiere_dans=10, nombre=30)

    # Soldé.
    dossier, plan = _plan(contexte, "OM-55131450", accepte_il_y_a=100, premiere_dans=5, nombre=3)
    if plan is not None:
        for echeance in plan.echeances.order_by("rang"):
            _verser(dossier, echeance.date, echeance.montant)
        services.echeancier_rapprocher(echeancier=plan, le=hier)

    # Déchu après mise en demeure, retour au scénario.
    dossier, plan = _plan(contexte, "BH-2026-0102", accepte_il_y_a=160, premiere_dans=5, nombre=8)
    if plan is not None:
        premiere = plan.echeances.get(rang=1)
        _verser(dossier, premiere.date, premiere.montant)
        manquee = ajouter_mois(premiere.date, 1)
        mise_en_demeure = manquee + timedelta(days=20)
        services.echeancier_rapprocher(echeancier=plan, le=mise_en_demeure, acteur=dossier.clerc)
        services.echeancier_mettre_en_demeure(
            acteur=dossier.clerc, echeancier=plan, le=mise_en_demeure
        )
        if services.scenario_non_repris(dossier.pk):
            # La reprise du scénario suppose un scénario : celui de la démo, affecté avant
            # le plan.
            from .demo import NOM
            from .models import Scenario
            from .services.campagnes import scenario_affecter

            scenario = Scenario.objects.filter(etude_id=dossier.etude_id, nom=NOM).first()
            if scenario is not None:
                scenario_affecter(
                    acteur=dossier.clerc,
                    dossier=dossier,
                    scenario=scenario,
                    le=contexte.il_y_a(161),
                )
        services.echeancier_prononcer_decheance(
            acteur=dossier.clerc,
            echeancier=plan,
            le=mise_en_demeure + timedelta(days=10),
            suite="judiciaire" if services.scenario_non_repris(dossier.pk) else "scenario",
        )


def demo_etapes() -> list[Etape]:
    return [Etape("échéanciers", etape_echeanciers)]
