"""Ce que la fiche d'appel montre au clerc pendant l'appel (PARCOURS.md, clerc § 6) : ce que
le débiteur doit, ce qu'il peut payer par mois, ce qui s'est passé (envois, appels et
promesses, versements). Lu en quelques requêtes pour toute la liste, jamais une par appel.

Aucun chiffre n'est recalculé ici autrement qu'ailleurs : le dû est le solde du grand livre
(`SoldeDossier`, comme les lettres : `relances.lettres.donnees_lettres`), la capacité est
celle des échéanciers (`services.echeanciers.capacite_des_parties`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.utils import timezone

from comptabilite.models import Ecriture, SoldeDossier, Versement
from dossiers.models import DossierDebiteur
from etude.errors import DonneeManquante

from .models import Appel, Envoi, EtatEnvoi, PolitiqueEcheancier, ResultatAppel
from .services.echeanciers import capacite_des_parties

HISTORIQUE_AFFICHE = 12


@dataclass(frozen=True)
class Du:
    """Ce que le débiteur doit : le solde du grand livre, ou le principal réclamé seul quand
    le grand livre n'est pas encore ouvert (intérêts non arrêtés : aucun chiffre inventé)."""

    total: Decimal
    principal: Decimal
    interets: Decimal | None
    frais: Decimal
    verse: Decimal
    grand_livre: bool


@dataclass(frozen=True)
class Fait:
    """Une ligne de l'historique : le jour, ce qui s'est passé, le montant s'il y en a un."""

    le: date
    quoi: str
    detail: str = ""
    montant: Decimal | None = None


def _du(dossier, solde: SoldeDossier | None) -> Du:
    if solde is None:
        return Du(
            total=dossier.montant_principal,
            principal=dossier.montant_principal,
            interets=None,
            frais=Decimal("0.00"),
            verse=Decimal("0.00"),
            grand_livre=False,
        )
    return Du(
        total=solde.du,
        principal=solde.principal,
        interets=solde.interets,
        frais=solde.frais,
        verse=solde.verse,
        grand_livre=True,
    )


def completer_fiches(appels: list[Appel], *, etude_id: int, le: date) -> None:
    """Ajoute à chaque appel `du` (Du), `capacite` (`Capacite` des échéanciers, ou None),
    `capacite_manque` (la raison en français quand elle ne se calcule pas) et `historique`
    (les faits les plus récents d'abord). Requêtes : soldes, parties, politique, envois,
    appels traités, versements, quel que soit le nombre d'appels."""
    dossiers = sorted({a.dossier_id for a in appels})
    if not dossiers:
        return
    soldes = {s.dossier_id: s for s in SoldeDossier.objects.filter(dossier_id__in=dossiers)}
    parties: dict[int, list[DossierDebiteur]] = {d: [] for d in dossiers}
    for partie in (
        DossierDebiteur.objects.filter(dossier_id__in=dossiers)
        .select_related("debiteur")
        .order_by("dossier_id", "rang", "id")
    ):
        parties[partie.dossier_id].append(partie)
    politique = PolitiqueEcheancier.de(etude_id)

    faits: dict[int, list[tuple[date, int, Fait]]] = {d: [] for d in dossiers}
    for envoi in (
        Envoi.objects.filter(dossier_id__in=dossiers)
        .exclude(etat=EtatEnvoi.A_ENVOYER)
        .only("id", "dossier_id", "le", "canal", "etat", "motif")
    ):
        detail = envoi.get_etat_display() + (f" ({envoi.motif})" if envoi.motif else "")
        faits[envoi.dossier_id].append(
            (envoi.le, envoi.pk, Fait(envoi.le, envoi.get_canal_display(), detail))
        )
    for ancien in Appel.objects.filter(dossier_id__in=dossiers).exclude(resultat=""):
        jour = timezone.localdate(ancien.traite_le) if ancien.traite_le else ancien.prevu_le
        detail = ancien.get_resultat_display()
        montant = None
        if ancien.resultat == ResultatAppel.PROMESSE and ancien.promesse_date:
            detail += f", à payer au plus tard le {ancien.promesse_date:%d/%m/%Y}"
            montant = ancien.promesse_montant
        if ancien.commentaire:
            detail += f" — {ancien.commentaire}"
        faits[ancien.dossier_id].append((jour, ancien.pk, Fait(jour, "Appel", detail, montant)))
    # Un versement annulé par contre-passation n'a pas été payé : pas dans l'historique.
    annule = Ecriture.objects.filter(versement=OuterRef("pk"), contre_passe__isnull=False)
    for versement in (
        Versement.objects.filter(dossier_id__in=dossiers)
        .exclude(Exists(annule))
        .only("id", "dossier_id", "date_valeur", "montant", "mode")
    ):
        faits[versement.dossier_id].append(
            (
                versement.date_valeur,
                versement.pk,
                Fait(
                    versement.date_valeur,
                    "Versement",
                    versement.get_mode_display(),
                    versement.montant,
                ),
            )
        )

    for appel in appels:
        appel.du = _du(appel.dossier, soldes.get(appel.dossier_id))
        appel.capacite, appel.capacite_manque = None, ""
        try:
            appel.capacite = capacite_des_parties(
                parties[appel.dossier_id],
                politique=politique,
                le=le,
                reference=appel.dossier.reference,
            )
        except DonneeManquante as manque:
            appel.capacite_manque = str(manque)
        lignes = sorted(faits[appel.dossier_id], key=lambda f: (f[0], f[1]), reverse=True)
        appel.historique = [f for _, _, f in lignes[:HISTORIQUE_AFFICHE]]
