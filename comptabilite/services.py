"""Cas d'usage de la comptabilité : une fonction atomique chacun, sous le verrou du solde du
dossier, avec son événement d'audit dans la même transaction (STYLE.md, « Where code lives »).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from comptabilite import decompte as calcul
from comptabilite import grand_livre, tarif
from comptabilite.imputation import imputer
from comptabilite.models import (
    Cause,
    Debours,
    Ecriture,
    LigneReleve,
    ModeVersement,
    NatureEcriture,
    Poste,
    Sens,
    SoldeDossier,
    StatutDebours,
    StatutLigne,
    SuspensionInterets,
    Versement,
)
from comptabilite.models.grand_livre import Regime
from comptabilite.monnaie import ZERO, date_fr, euros
from dossiers.models import Dossier, Nature
from etude.audit import evenement_enregistrer
from etude.errors import DonneeManquante
from etude.models import Utilisateur

# Natures qu'un clerc ne contre-passe pas à la main : elles sont calculées (la nuit, ou à
# chaque versement) ; on corrige ce qui les cause (le titre, le versement).
NATURES_CALCULEES = {
    NatureEcriture.INTERETS,
    NatureEcriture.CAPITALISATION,
    NatureEcriture.DROIT_PROPORTIONNEL,
}
ARTICLE_DROIT = "A444-31"


def _exiger_ecriture(acteur: Utilisateur) -> None:
    if not acteur.peut_ecrire:
        raise PermissionDenied("Votre rôle ne permet pas de modifier les dossiers.")


def _meme_etude(acteur: Utilisateur, *objets) -> None:
    for objet in objets:
        if objet is not None and objet.etude_id != acteur.etude_id:
            raise PermissionDenied("Cet élément n'appartient pas à votre étude.")


def _controler_montant(montant, champ: str = "montant") -> Decimal:
    if not isinstance(montant, Decimal) or not montant.is_finite():
        raise ValidationError({champ: "Le montant doit être un nombre décimal."})
    if montant <= 0:
        raise ValidationError({champ: "Le montant doit être strictement positif."})
    if montant != montant.quantize(Decimal("0.01")):
        raise ValidationError({champ: "Le montant s'exprime au centime près."})
    return montant


def _controler_date(jour, champ: str = "date_valeur") -> date:
    if not isinstance(jour, date):
        raise ValidationError({champ: "Indiquez une date."})
    if jour > timezone.localdate():
        raise ValidationError({champ: "La date ne peut pas être dans le futur."})
    return jour


# --- Décompte -------------------------------------------------------------------------------


def decompte_dossier(dossier: Dossier, *, le: date) -> calcul.Decompte:
    """Le décompte du dossier au `le` : lit le grand livre et le titre, calcule les intérêts
    (module pur `comptabilite.decompte`). Une donnée de référence manquante ne fait pas
    échouer : le décompte porte le message (`erreurs`) et laisse les intérêts inconnus."""
    solde = SoldeDossier.objects.filter(pk=dossier.pk).first() or grand_livre_ouvrir(
        dossier=dossier
    )
    ecritures = grand_livre.lignes(dossier.pk, jusqu_au=le)
    versements = list(
        Versement.objects.filter(dossier=dossier, date_valeur__lte=le)
        .order_by("date_valeur", "id")
        .values_list("id", "date_valeur", "montant", "mode", "reference")
    )
    erreurs: list[str] = []
    avertissements: list[str] = []
    resultat = None
    try:
        params = grand_livre.parametres(solde)
        arrets = grand_livre.suspensions(dossier.pk)
        taux, avertissements = grand_livre.taux_des_semestres(params, le, arrets)
        principal, payes = grand_livre.mouvements(ecritures)
        resultat = calcul.calculer_interets(
            params,
            au=le,
            mouvements_principal=principal,
            paiements_interets=payes,
            taux_par_semestre=taux,
            suspensions=arrets,
        )
    except DonneeManquante as manque:
        erreurs.append(str(manque))
    d = calcul.etablir_decompte(
        le=le, ecritures=ecritures, versements=versements, calcul=resultat, erreurs=erreurs
    )
    d.a_verifier.extend(avertissements)
    modes = dict(ModeVersement.choices)
    d.versements = [replace(v, origine=modes.get(v.mode, v.mode)) for v in d.versements]
    return d


@transaction.atomic
def grand_livre_ouvrir(*, dossier: Dossier) -> SoldeDossier:
    """Ouvre (une fois) le grand livre du dossier : principal et frais du titre, paramètres
    d'intérêts. Idempotent : sans effet si déjà ouvert. Pas d'acteur : c'est la traduction
    comptable du titre déjà enregistré (et audité) par `titre_enregistrer`."""
    return grand_livre.verrouiller_solde(dossier)


# --- Frais ----------------------------------------------------------------------------------


@transaction.atomic
def frais_enregistrer(
    *,
    acteur: Utilisateur | None,
    dossier: Dossier,
    nature: str,
    montant_ht: Decimal,
    date_valeur: date,
    libelle: str,
    avec_tva: bool = True,
    cause: str = Cause.SAISIE,
    cause_id: str = "",
) -> list[Ecriture]:
    """Passe un coût à la charge du débiteur (CPCE L111-8) : émolument, frais ou débours,
    et sa TVA (CGI art. 278 : 20 %) quand il y est soumis. Les débours remboursés à l'euro
    près n'entrent pas dans la base de la TVA (CGI art. 267 II 2°)."""
    if acteur is not None:
        _exiger_ecriture(acteur)
        _meme_etude(acteur, dossier)
    if nature not in (NatureEcriture.EMOLUMENT, NatureEcriture.FRAIS, NatureEcriture.DEBOURS):
        raise ValidationError({"nature": "Nature de frais inconnue."})
    montant_ht = _controler_montant(montant_ht, "montant_ht")
    solde = grand_livre.verrouiller_solde(dossier)
    passees = [
        grand_livre.passer(
            solde,
            date_valeur=date_valeur,
            nature=nature,
            poste=Poste.FRAIS,
            sens=Sens.DEBIT,
            montant=montant_ht,
            libelle=libelle,
            cause=cause,
            cause_id=cause_id,
            acteur=acteur,
        )
    ]
    montant_tva = tarif.tva(montant_ht)
    # Les frais alloués par le titre (art. 700, dépens) sont au créancier, pas une prestation
    # de l'étude : l'étude ne les facture pas, pas de TVA sur eux.
    if nature == NatureEcriture.FRAIS:
        avec_tva = False
    # Une TVA arrondie à 0,00 (montant HT de 0,01 ou 0,02 €) ne fait pas d'écriture.
    if avec_tva and nature != NatureEcriture.DEBOURS and montant_tva > 0:
        passees.append(
            grand_livre.passer(
                solde,
                date_valeur=date_valeur,
                nature=NatureEcriture.TVA,
                poste=Poste.FRAIS,
                sens=Sens.DEBIT,
                montant=montant_tva,
                libelle=f"TVA 20 % sur {libelle}",
                cause=cause,
                cause_id=cause_id,
                acteur=acteur,
            )
        )
    if acteur is not None:
        evenement_enregistrer(
            etude_id=dossier.etude_id,
            acteur=acteur,
            action="frais_enregistrer",
            libelle=f"Frais passés : {libelle} ({euros(montant_ht)} HT)",
            objet=passees[0],
            dossier=dossier,
            apres={"nature": nature, "montant_ht": str(montant_ht), "date": str(date_valeur)},
        )
    return passees


# --- Droit proportionnel --------------------------------------------------------------------


def _droit_proportionnel_regulariser(
    solde: SoldeDossier, dossier: Dossier, *, le: date, acteur
) -> str | None:
    """Porte le droit A444-31 (à la charge du débiteur) au niveau dû sur le total recouvré.

    Assiette : sommes recouvrées au titre du principal ou de la condamnation (intérêts
    compris), hors dépens et frais, cumulées et non acompte par acompte (domaine/argent.md
    § 6.5). Taux doublés pour une créance alimentaire. Seulement sur titre exécutoire (sans
    titre, les frais restent au créancier : CPCE L111-8). Rend un message si le tarif du
    jour manque ; le versement reste enregistré.
    """
    if not dossier.titres.exists():
        return None
    ecritures = grand_livre.lignes(dossier.pk)
    recouvre = ZERO
    droit_passe = ZERO
    tva_passee = ZERO
    for e in ecritures:
        nature = e.nature_effective
        if e.poste == Poste.FONDS:
            continue  # retenues A444-32 d'un reversement : à la charge du créancier
        if nature == NatureEcriture.VERSEMENT and e.poste in (Poste.PRINCIPAL, Poste.INTERETS):
            recouvre -= e.signe
        elif nature == NatureEcriture.DROIT_PROPORTIONNEL:
            droit_passe += e.signe
        elif nature == NatureEcriture.TVA and e.cause_id == ARTICLE_DROIT:
            tva_passee += e.signe
    try:
        droit = tarif.droit_proportionnel(
            max(recouvre, ZERO),
            charge="debiteur",
            le=le,
            creance_alimentaire=dossier.nature == Nature.PENSION_ALIMENTAIRE,
        )
    except DonneeManquante as manque:
        return str(manque)
    for nature, ecart, libelle in (
        (NatureEcriture.DROIT_PROPORTIONNEL, droit - droit_passe, "Droit proportionnel"),
        (NatureEcriture.TVA, tarif.tva(droit) - tva_passee, "TVA 20 % sur droit proportionnel"),
    ):
        if ecart == 0:
            continue
        grand_livre.passer(
            solde,
            date_valeur=le,
            nature=nature,
            poste=Poste.FRAIS,
            sens=Sens.DEBIT if ecart > 0 else Sens.CREDIT,
            montant=abs(ecart),
            libelle=f"{libelle} A444-31 sur {euros(max(recouvre, ZERO))} recouvrés",
            cause=Cause.CALCUL,
            cause_id=ARTICLE_DROIT,
            acteur=acteur,
        )
    return None


def _reimputer_trop_paye(solde: SoldeDossier, *, le: date, acteur) -> None:
    """Un poste payé au-delà de ce qu'il doit (intérêts recalculés à la baisse après un
    versement antidaté, frais contre-passés après avoir été payés) : le trop-payé est
    réimputé sur les postes suivants dans l'ordre légal (C. civ. 1343-1), puis à l'excédent.
    Aucun centime n'est créé ni perdu : ce qui sort d'un poste entre dans un autre."""
    ordre = (Poste.FRAIS, Poste.INTERETS, Poste.PRINCIPAL)
    for rang, poste in enumerate(ordre):
        solde_poste = getattr(solde, poste)
        if solde_poste >= 0:
            continue
        surplus = -solde_poste
        libelle = f"Réimputation du trop-payé sur {Poste(poste).label.lower()}"
        grand_livre.passer(
            solde,
            date_valeur=le,
            nature=NatureEcriture.VERSEMENT,
            poste=poste,
            sens=Sens.DEBIT,
            montant=surplus,
            libelle=libelle,
            cause=Cause.CALCUL,
            acteur=acteur,
        )
        for suivant in (*ordre[rang + 1 :], Poste.EXCEDENT):
            part = surplus if suivant == Poste.EXCEDENT else min(surplus, getattr(solde, suivant))
            if part <= 0:
                continue
            grand_livre.passer(
                solde,
                date_valeur=le,
                nature=NatureEcriture.VERSEMENT,
                poste=suivant,
                sens=Sens.CREDIT,
                montant=part,
                libelle=libelle,
                cause=Cause.CALCUL,
                acteur=acteur,
            )
            surplus -= part
            if surplus == 0:
                break


# --- Versements -----------------------------------------------------------------------------


@dataclass
class ResultatVersement:
    versement: Versement
    imputation: object
    avertissements: list[str] = field(default_factory=list)


def _imputation_due(solde: SoldeDossier, ecritures, le: date) -> dict[str, Decimal]:
    """Ce qui est dû par poste au `le`, jamais plus que ce qui l'est aujourd'hui (un
    versement antidaté ne réimpute pas ce qu'un versement postérieur a déjà payé)."""
    au_jour = grand_livre.soldes_par_poste(ecritures, jusqu_au=le)
    return {
        poste: max(ZERO, min(au_jour[poste], getattr(solde, poste)))
        for poste in (Poste.FRAIS, Poste.INTERETS, Poste.PRINCIPAL)
    }


@transaction.atomic
def versement_enregistrer(
    *,
    acteur: Utilisateur,
    dossier: Dossier,
    montant: Decimal,
    date_valeur: date,
    mode: str,
    reference: str = "",
    ligne_releve: LigneReleve | None = None,
) -> Versement:
    """Enregistre un versement du débiteur et l'impute : les frais, puis les intérêts, puis
    le principal (C. civ. 1343-1 ; Cass. 1re civ. 7 févr. 1995), ou le principal d'abord si
    le titre l'ordonne (C. civ. 1343-5). Les intérêts sont d'abord portés à jour au jour du
    versement ; l'intérêt suit ensuite le principal réduit. Ce qui dépasse la dette va au
    poste « excédent », à restituer.

    Sous verrou du solde du dossier : deux versements simultanés s'imputent l'un après
    l'autre, comme en série.
    """
    return versement_enregistrer_detail(
        acteur=acteur,
        dossier=dossier,
        montant=montant,
        date_valeur=date_valeur,
        mode=mode,
        reference=reference,
        ligne_releve=ligne_releve,
    ).versement


@transaction.atomic
def versement_enregistrer_detail(
    *,
    acteur: Utilisateur,
    dossier: Dossier,
    montant: Decimal,
    date_valeur: date,
    mode: str,
    reference: str = "",
    ligne_releve: LigneReleve | None = None,
    depuis_repartition: bool = False,
) -> ResultatVersement:
    """`versement_enregistrer`, avec l'imputation et les avertissements (tarif manquant).

    `depuis_repartition` : seul le service de la répartition entre créanciers
    (`procedures.services.interventions`) passe un versement de mode « répartition »."""
    _exiger_ecriture(acteur)
    _meme_etude(acteur, dossier)
    montant = _controler_montant(montant)
    date_valeur = _controler_date(date_valeur)
    if mode not in ModeVersement.values:
        raise ValidationError({"mode": "Mode de paiement inconnu."})
    if (mode == ModeVersement.REPARTITION) != depuis_repartition:
        raise ValidationError(
            {
                "mode": "La part d'une répartition entre créanciers est passée au grand livre "
                "par la répartition elle-même (page de la procédure), pas saisie à la main."
            }
        )
    solde = grand_livre.verrouiller_solde(dossier)
    # Intérêts portés à jour au jour du versement (l'imputation les paie avant le principal).
    # Sans le taux de la période, on ne sait pas ce qui est dû en intérêts : le versement ne
    # peut être imputé (DOMAINE.md, décision 15) et rien n'est enregistré.
    try:
        grand_livre.interets_regulariser(solde, au=date_valeur, acteur=acteur)
    except DonneeManquante as manque:
        raise ValidationError(
            {"date_valeur": f"Versement non imputable à cette date : {manque}"}
        ) from None
    ecritures = grand_livre.lignes(dossier.pk, jusqu_au=date_valeur)
    dus = _imputation_due(solde, ecritures, date_valeur)
    titre = dossier.titres.order_by("date_titre", "id").first()
    repartition = imputer(
        montant,
        frais=dus[Poste.FRAIS],
        interets=dus[Poste.INTERETS],
        principal=dus[Poste.PRINCIPAL],
        principal_dabord=bool(titre and titre.imputation_principal_dabord),
    )
    versement = Versement(
        etude_id=dossier.etude_id,
        dossier=dossier,
        date_valeur=date_valeur,
        montant=montant,
        mode=mode,
        reference=reference[:140],
        ligne_releve=ligne_releve,
        cree_par=acteur,
    )
    versement.full_clean(exclude=["ligne_releve"])
    versement.save()
    libelle = f"Versement du {date_fr(date_valeur)} ({ModeVersement(mode).label.lower()})"
    for poste, part in (
        (Poste.FRAIS, repartition.frais),
        (Poste.INTERETS, repartition.interets),
        (Poste.PRINCIPAL, repartition.principal),
        (Poste.EXCEDENT, repartition.excedent),
    ):
        if part > 0:
            grand_livre.passer(
                solde,
                date_valeur=date_valeur,
                nature=NatureEcriture.VERSEMENT,
                poste=poste,
                sens=Sens.CREDIT,
                montant=part,
                libelle=f"{libelle} imputé sur {Poste(poste).label.lower()}",
                cause=Cause.VERSEMENT,
                cause_id=str(versement.pk),
                versement=versement,
                acteur=acteur,
            )
    # Le principal a baissé au jour du versement : l'intérêt déjà passé après cette date
    # (versement antidaté) est recalculé.
    grand_livre.interets_regulariser(
        solde, au=max(date_valeur, solde.interets_arretes_au or date_valeur), acteur=acteur
    )
    _reimputer_trop_paye(solde, le=date_valeur, acteur=acteur)
    avertissements = []
    manque = _droit_proportionnel_regulariser(solde, dossier, le=date_valeur, acteur=acteur)
    if manque:
        avertissements.append(f"Droit proportionnel non calculé : {manque}")
    evenement_enregistrer(
        etude_id=dossier.etude_id,
        acteur=acteur,
        action="versement_enregistrer",
        libelle=(
            f"Versement de {euros(montant)} du {date_fr(date_valeur)}"
            + (f" ({reference[:140]})" if depuis_repartition else "")
            + " : frais "
            f"{euros(repartition.frais)}, intérêts {euros(repartition.interets)}, principal "
            f"{euros(repartition.principal)}, excédent {euros(repartition.excedent)}"
        ),
        objet=versement,
        dossier=dossier,
        apres={
            "montant": str(montant),
            "date_valeur": date_valeur.isoformat(),
            "mode": mode,
            "reference": reference[:140],
            "frais": str(repartition.frais),
            "interets": str(repartition.interets),
            "principal": str(repartition.principal),
            "excedent": str(repartition.excedent),
        },
    )
    return ResultatVersement(versement, repartition, avertissements)


# --- Contre-passation -----------------------------------------------------------------------


def _refuser_si_remis(solde: SoldeDossier, dossier: Dossier, ecriture: Ecriture) -> None:
    """Des frais remis dans un échéancier ne se contre-passent pas au-delà de ce qui reste dû :
    le poste passerait sous zéro et la remise deviendrait un trop-payé réimputé, comme un
    paiement que le débiteur n'a pas fait."""
    if ecriture.versement_id is not None or ecriture.poste != Poste.FRAIS:
        return
    if not Ecriture.objects.filter(
        dossier=dossier, poste=Poste.FRAIS, nature=NatureEcriture.REMISE
    ).exists():
        return
    from comptabilite.reversements import fonds_lire

    reste = solde.frais
    if ecriture.nature == NatureEcriture.FRAIS:
        fonds = fonds_lire(dossier)
        reste = min(reste, fonds.frais_creancier_dus - fonds.frais_creancier)
    if ecriture.montant > reste:
        raise ValidationError(
            "Ces frais ont été remis au débiteur dans un échéancier : il en reste "
            f"{euros(max(reste, ZERO))} à devoir, la contre-passation de "
            f"{euros(ecriture.montant)} ferait d'une remise un paiement que le débiteur n'a "
            "pas fait : rien n'est passé."
        )


@transaction.atomic
def ecriture_contre_passer(
    *, acteur: Utilisateur, ecriture: Ecriture, motif: str
) -> list[Ecriture]:
    """Annule une écriture erronée par une écriture de sens contraire qui la désigne ; la
    ligne d'origine reste telle quelle. Un versement s'annule en entier (toutes ses
    imputations). Une écriture ne se contre-passe qu'une fois (contrainte unique)."""
    _exiger_ecriture(acteur)
    _meme_etude(acteur, ecriture)
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({"motif": "Indiquez le motif de la contre-passation."})
    dossier = ecriture.dossier
    solde = grand_livre.verrouiller_solde(dossier)
    if ecriture.nature == NatureEcriture.CONTRE_PASSATION:
        raise ValidationError(
            "Une contre-passation ne se contre-passe pas : passez une nouvelle écriture."
        )
    if ecriture.poste == Poste.FONDS:
        raise ValidationError(
            "Cette écriture appartient à un reversement au créancier : un reversement ne se "
            "contre-passe pas depuis le grand livre."
        )
    if ecriture.nature == NatureEcriture.REMISE:
        raise ValidationError(
            "Cette écriture est une remise décidée dans un échéancier : elle ne se "
            "contre-passe pas depuis le grand livre."
        )
    if ecriture.nature in NATURES_CALCULEES:
        raise ValidationError(
            "Cette écriture est calculée (intérêts, capitalisation, droit proportionnel) : "
            "corrigez le versement ou le titre qui la cause, le calcul suit."
        )
    _refuser_si_remis(solde, dossier, ecriture)
    if ecriture.versement_id is not None:
        cibles = list(
            Ecriture.objects.filter(versement_id=ecriture.versement_id)
            .exclude(nature=NatureEcriture.CONTRE_PASSATION)
            .order_by("id")
        )
    else:
        cibles = [ecriture]
    deja = set(
        Ecriture.objects.filter(contre_passe__in=cibles).values_list("contre_passe_id", flat=True)
    )
    if ecriture.pk in deja or all(c.pk in deja for c in cibles):
        raise ValidationError("Cette écriture est déjà contre-passée.")
    passees = []
    for cible in cibles:
        if cible.pk in deja:
            continue
        passees.append(
            grand_livre.passer(
                solde,
                date_valeur=cible.date_valeur,
                nature=NatureEcriture.CONTRE_PASSATION,
                poste=cible.poste,
                sens=Sens.CREDIT if cible.sens == Sens.DEBIT else Sens.DEBIT,
                montant=cible.montant,
                libelle=f"Contre-passation : {cible.libelle}"[:300],
                cause=Cause.CONTRE_PASSATION,
                cause_id=str(cible.pk),
                versement=cible.versement,
                contre_passe=cible,
                motif=motif[:300],
                acteur=acteur,
            )
        )
    if solde.interets_arretes_au is not None:
        grand_livre.interets_regulariser(solde, au=solde.interets_arretes_au, acteur=acteur)
    _reimputer_trop_paye(solde, le=ecriture.date_valeur, acteur=acteur)
    if ecriture.versement_id is not None:
        _droit_proportionnel_regulariser(solde, dossier, le=ecriture.date_valeur, acteur=acteur)
    # Le recouvré a pu baisser après un reversement : le droit A444-32 retenu en trop est rendu
    # au créancier (écriture au poste « fonds »), dans cette transaction.
    from comptabilite.reversements import droit_creancier_regulariser

    manque = droit_creancier_regulariser(
        solde, dossier, le=max(ecriture.date_valeur, timezone.localdate()), acteur=acteur
    )
    evenement_enregistrer(
        etude_id=dossier.etude_id,
        acteur=acteur,
        action="ecriture_contre_passer",
        libelle=f"Contre-passation de « {ecriture.libelle} » : {motif}",
        objet=ecriture,
        dossier=dossier,
        apres={"contre_passations": [e.pk for e in passees], "motif": motif}
        | ({"avertissement": manque} if manque else {}),
    )
    return passees


# --- Remises (échéanciers) ------------------------------------------------------------------


def remise_enregistrer(
    *,
    acteur: Utilisateur | None,
    dossier: Dossier,
    interets: Decimal,
    frais: Decimal,
    le: date,
    cause_id: str,
    motif: str,
) -> list[Ecriture]:
    """Passe au grand livre la remise d'intérêts et de frais consentie au débiteur dans un
    échéancier (le créancier renonce à ces sommes : remise de dette) : une écriture de remise
    au crédit de chaque poste remis, à la charge du créancier, jamais au-delà de ce que le
    poste doit encore. À appeler dans la transaction de la décision (l'appelant l'audite).

    Frais remis : d'abord les frais alloués par le titre encore dus (art. 700, dépens : ils
    sont au créancier, il y renonce), puis ceux de l'étude (émoluments, débours, TVA, droit
    A444-31) ; cette part-là, que le débiteur ne paiera plus, reste due à l'étude par son
    mandant (C. civ. 1999 : le mandant rembourse au mandataire ses avances et frais et lui
    paie sa rémunération) : elle est portée au poste « fonds » et se retient sur les fonds
    du créancier.

    Refusé (ValidationError) : montant négatif ou non au centime ; rien à remettre."""
    from comptabilite.reversements import REMISE_CREANCIER, REMISE_ETUDE, fonds_lire

    for valeur, champ in ((interets, "interets"), (frais, "frais")):
        if not isinstance(valeur, Decimal) or not valeur.is_finite() or valeur < 0:
            raise ValidationError({champ: "Le montant remis doit être un nombre positif."})
        if valeur != valeur.quantize(Decimal("0.01")):
            raise ValidationError({champ: "Le montant remis s'exprime au centime près."})
    solde = grand_livre.verrouiller_solde(dossier)
    interets = min(interets, max(solde.interets, ZERO))
    frais = min(frais, max(solde.frais, ZERO))
    if interets == 0 and frais == 0:
        return []
    fonds = fonds_lire(dossier)
    part_creancier = min(frais, max(ZERO, fonds.frais_creancier_dus - fonds.frais_creancier))
    part_etude = frais - part_creancier
    passees = []
    for poste, montant, suffixe, libelle in (
        (Poste.INTERETS, interets, "", "Remise des intérêts (échéancier)"),
        (
            Poste.FRAIS,
            part_creancier,
            REMISE_CREANCIER,
            "Remise des frais alloués par le titre (échéancier)",
        ),
        (Poste.FRAIS, part_etude, REMISE_ETUDE, "Remise des frais de l'étude (échéancier)"),
    ):
        if montant > 0:
            passees.append(
                grand_livre.passer(
                    solde,
                    date_valeur=le,
                    nature=NatureEcriture.REMISE,
                    poste=poste,
                    sens=Sens.CREDIT,
                    montant=montant,
                    libelle=f"{libelle}, à la charge du créancier : {motif}"[:300],
                    cause=Cause.ECHEANCIER,
                    cause_id=f"{cause_id}{suffixe}",
                    acteur=acteur,
                )
            )
    if part_etude > 0:
        passees.append(
            grand_livre.passer(
                solde,
                date_valeur=le,
                nature=NatureEcriture.FRAIS,
                poste=Poste.FONDS,
                sens=Sens.CREDIT,
                montant=part_etude,
                libelle=(
                    "Frais de l'étude remis au débiteur, à la charge du créancier "
                    f"(C. civ. 1999) : {motif}"
                )[:300],
                cause=Cause.ECHEANCIER,
                cause_id=f"{cause_id}{REMISE_ETUDE}",
                acteur=acteur,
            )
        )
    return passees


# --- Cours des intérêts arrêté (échéanciers) -------------------------------------------------


def interets_suspendre(
    *, acteur: Utilisateur | None, dossier: Dossier, depuis: date, cause_id: str, motif: str
) -> SuspensionInterets | None:
    """Arrête le cours des intérêts du dossier pour les jours d > `depuis` (un échéancier qui
    remet les intérêts, du jour de l'accord). À appeler dans la transaction de la décision :
    l'arrêt est enregistré, recopié sur le solde pour la nuit, et le grand livre recalculé
    au plus tard jour passé (les intérêts déjà portés après `depuis` sont repris au crédit,
    ceux du jour de l'accord portés s'ils manquaient) ; un événement d'audit le dit.

    Si le taux manque pour porter les intérêts jusqu'au `depuis` (DOMAINE.md décision 15),
    l'arrêt part du dernier jour passé : les jours qu'on ne sait pas chiffrer sont compris
    dans ce que le plan remet. Rien si le dossier ne porte pas d'intérêts ; refusé si le
    cours est déjà arrêté."""
    solde = grand_livre.verrouiller_solde(dossier)
    if solde.regime == Regime.AUCUN or solde.interets_depuis is None:
        return None
    if solde.interets_suspendus_depuis is not None:
        raise ValidationError(
            "Le cours des intérêts de ce dossier est déjà arrêté depuis le "
            f"{date_fr(solde.interets_suspendus_depuis)}."
        )
    depuis = max(depuis, solde.interets_depuis)
    arretes_au = solde.interets_arretes_au or depuis
    if arretes_au < depuis:
        try:
            grand_livre.interets_regulariser(solde, au=depuis, acteur=acteur)
        except DonneeManquante:
            depuis = arretes_au
    suspension = SuspensionInterets.objects.create(
        etude_id=dossier.etude_id, dossier=dossier, du=depuis, cause_id=cause_id, motif=motif
    )
    solde.interets_suspendus_depuis = depuis
    solde.save(update_fields=["interets_suspendus_depuis"])
    # Intérêts déjà passés pour des jours d > depuis (accord antidaté, plan approuvé après
    # des nuits) : repris au crédit ; état du morceau recalé pour la nuit.
    grand_livre.interets_regulariser(
        solde, au=max(depuis, solde.interets_arretes_au or depuis), acteur=acteur
    )
    _reimputer_trop_paye(solde, le=max(depuis, solde.interets_arretes_au), acteur=acteur)
    evenement_enregistrer(
        etude_id=dossier.etude_id,
        acteur=acteur,
        action="interets_suspendre",
        libelle=f"Cours des intérêts arrêté après le {date_fr(depuis)} : {motif}",
        objet=suspension,
        dossier=dossier,
        apres={"du": depuis.isoformat(), "cause_id": cause_id},
    )
    return suspension


def interets_reprendre(
    *, acteur: Utilisateur | None, dossier: Dossier, au: date, cause_id: str, raison: str
) -> SuspensionInterets | None:
    """Le cours des intérêts arrêté par `cause_id` reprend pour les jours d > `au` (déchéance
    du terme, plan terminé) sur le principal restant dû, sans rattrapage des jours arrêtés.
    Dans la transaction de l'appelant : l'arrêt est clos, le solde le dit à la nuit, le grand
    livre est recalculé au plus tard jour passé (les jours après `au` déjà passés par la nuit
    portent leurs intérêts), un événement d'audit le dit. Rien si aucun arrêt de cette cause
    n'est ouvert. Si le taux manque, le recalcul attend la nuit qui suit sa saisie."""
    solde = grand_livre.verrouiller_solde(dossier)
    suspension = (
        SuspensionInterets.objects.select_for_update()
        .filter(dossier=dossier, cause_id=cause_id, au__isnull=True)
        .first()
    )
    if suspension is None:
        return None
    suspension.au = max(au, suspension.du)
    suspension.save(update_fields=["au"])
    solde.interets_suspendus_depuis = None
    solde.save(update_fields=["interets_suspendus_depuis"])
    arretes_au = solde.interets_arretes_au or suspension.au
    try:
        grand_livre.interets_regulariser(solde, au=max(suspension.au, arretes_au), acteur=acteur)
    except DonneeManquante:
        # Taux manquant après la reprise : rien n'est passé. L'état du morceau repart de la
        # fin de l'arrêt (les jours jusque-là sont arrêtés : sans intérêts) ; la nuit porte
        # les intérêts depuis ce jour quand le taux sera saisi.
        solde.interets_arretes_au = suspension.au
        solde.morceau_debut = suspension.au
        solde.morceau_principal = solde.principal
        solde.morceau_poste = ZERO
        solde.save(
            update_fields=[
                "interets_arretes_au",
                "morceau_debut",
                "morceau_principal",
                "morceau_poste",
            ]
        )
    evenement_enregistrer(
        etude_id=dossier.etude_id,
        acteur=acteur,
        action="interets_reprendre",
        libelle=(
            f"Cours des intérêts repris après le {date_fr(suspension.au)} ({raison}), sur le "
            "principal restant dû, sans rattrapage de la période arrêtée"
        ),
        objet=suspension,
        dossier=dossier,
        avant={"au": None},
        apres={"au": suspension.au.isoformat(), "raison": raison},
    )
    return suspension


# --- Relevés bancaires ----------------------------------------------------------------------


@transaction.atomic
def ligne_releve_confirmer(
    *, acteur: Utilisateur, ligne: LigneReleve, dossier: Dossier | None = None
) -> Versement:
    """Confirme une ligne de relevé (rapprochée, ou rattachée à la main à `dossier`) : elle
    devient un versement par virement, imputé comme tout versement. Une ligne ne fait qu'un
    versement (contrainte unique)."""
    _exiger_ecriture(acteur)
    _meme_etude(acteur, ligne, dossier)
    ligne = LigneReleve.objects.select_for_update().get(pk=ligne.pk)
    if ligne.statut == StatutLigne.CONFIRMEE:
        raise ValidationError("Cette ligne a déjà donné un versement.")
    dossier = dossier or ligne.dossier
    if dossier is None:
        raise ValidationError({"dossier": "Indiquez le dossier auquel rattacher ce crédit."})
    if ligne.devise != "EUR":
        raise ValidationError(f"Crédit en {ligne.devise} : seuls les euros sont imputés.")
    versement = versement_enregistrer(
        acteur=acteur,
        dossier=dossier,
        montant=ligne.montant,
        date_valeur=min(ligne.date_valeur, timezone.localdate()),
        mode=ModeVersement.VIREMENT,
        reference=(ligne.reference_banque or ligne.libelle)[:140],
        ligne_releve=ligne,
    )
    ligne.statut = StatutLigne.CONFIRMEE
    ligne.dossier = dossier
    ligne.save(update_fields=["statut", "dossier"])
    return versement


@transaction.atomic
def ligne_releve_ignorer(*, acteur: Utilisateur, ligne: LigneReleve) -> LigneReleve:
    """Écarte une ligne qui n'est pas un paiement de débiteur (elle reste visible)."""
    _exiger_ecriture(acteur)
    _meme_etude(acteur, ligne)
    ligne = LigneReleve.objects.select_for_update().get(pk=ligne.pk)
    if ligne.statut == StatutLigne.CONFIRMEE:
        raise ValidationError("Cette ligne a déjà donné un versement.")
    ligne.statut = StatutLigne.IGNOREE
    ligne.save(update_fields=["statut"])
    evenement_enregistrer(
        etude_id=ligne.etude_id,
        acteur=acteur,
        action="ligne_releve_ignorer",
        libelle=f"Ligne de relevé écartée : {ligne}",
        objet=ligne,
        dossier=ligne.dossier,
    )
    return ligne


# --- Débours --------------------------------------------------------------------------------


def _passer_debours(debours: Debours, acteur) -> None:
    frais_enregistrer(
        acteur=None,
        dossier=debours.dossier,
        nature=NatureEcriture.DEBOURS,
        montant_ht=debours.montant,
        date_valeur=debours.date_depense,
        libelle=f"Débours : {debours.libelle}",
        avec_tva=False,
        cause=Cause.DEBOURS,
        cause_id=str(debours.pk),
    )


@transaction.atomic
def debours_enregistrer(
    *,
    acteur: Utilisateur,
    dossier: Dossier,
    libelle: str,
    montant: Decimal,
    date_depense: date,
    justificatif,
) -> Debours:
    """Enregistre un débours avec son justificatif (type réel vérifié dans les octets). Au-delà
    du seuil de l'étude (`Etude.seuil_validation_debours`), il attend la validation du
    principal clerc avant d'être passé au grand livre."""
    from dossiers.pieces import verifier_piece

    _exiger_ecriture(acteur)
    _meme_etude(acteur, dossier)
    montant = _controler_montant(montant)
    date_depense = _controler_date(date_depense, "date_depense")
    if not (libelle or "").strip():
        raise ValidationError({"libelle": "Indiquez l'objet du débours."})
    try:
        type_mime = verifier_piece(justificatif)
    except ValidationError as erreur:
        raise ValidationError({"justificatif": erreur.message_dict["fichier"]}) from None
    empreinte = hashlib.sha256()
    for morceau in justificatif.chunks():
        empreinte.update(morceau)
    justificatif.seek(0)
    a_valider = montant > dossier.etude.seuil_validation_debours
    debours = Debours(
        etude_id=dossier.etude_id,
        dossier=dossier,
        date_depense=date_depense,
        libelle=libelle.strip()[:200],
        montant=montant,
        type_mime=type_mime,
        sha256=empreinte.hexdigest(),
        statut=StatutDebours.A_VALIDER if a_valider else StatutDebours.VALIDE,
        saisi_par=acteur,
    )
    debours.justificatif.save(
        f"{debours.sha256[:16]}.{type_mime.split('/')[-1]}", justificatif, save=False
    )
    debours.save()
    if not a_valider:
        _passer_debours(debours, acteur)
    evenement_enregistrer(
        etude_id=dossier.etude_id,
        acteur=acteur,
        action="debours_enregistrer",
        libelle=f"Débours saisi : {debours.libelle} ({euros(montant)})"
        + (" — à valider par le principal clerc" if a_valider else ""),
        objet=debours,
        dossier=dossier,
        apres={"montant": str(montant), "statut": debours.statut},
    )
    return debours


@transaction.atomic
def debours_valider(*, acteur: Utilisateur, debours: Debours, accepte: bool, motif: str = ""):
    """Le principal clerc valide (le débours passe au grand livre) ou refuse un débours."""
    _meme_etude(acteur, debours)
    if not acteur.est_principal:
        raise PermissionDenied("Seul le principal clerc valide un débours au-delà du seuil.")
    debours = Debours.objects.select_for_update().get(pk=debours.pk)
    if debours.statut != StatutDebours.A_VALIDER:
        raise ValidationError("Ce débours n'attend pas de validation.")
    if not accepte and not motif.strip():
        raise ValidationError({"motif": "Indiquez le motif du refus."})
    debours.statut = StatutDebours.VALIDE if accepte else StatutDebours.REFUSE
    debours.valide_par = acteur
    debours.valide_le = timezone.now()
    debours.motif_refus = motif.strip()[:300]
    debours.save(update_fields=["statut", "valide_par", "valide_le", "motif_refus"])
    if accepte:
        _passer_debours(debours, acteur)
    evenement_enregistrer(
        etude_id=debours.etude_id,
        acteur=acteur,
        action="debours_valider" if accepte else "debours_refuser",
        libelle=f"Débours {'validé' if accepte else 'refusé'} : {debours.libelle}",
        objet=debours,
        dossier=debours.dossier,
        apres={"statut": debours.statut, "motif": debours.motif_refus},
    )
    return debours


# --- Import camt.053 ------------------------------------------------------------------------


@dataclass
class ResultatImport:
    releve: object
    nouvelles: int
    deja_importees: int
    rapprochees: int
    a_examiner: int
    ignorees: int


TAILLE_LOT_RELEVE = 5000


COLONNES_LIGNE = (
    "etude_id, releve_id, cle, reference_banque, montant, devise, date_valeur, "
    "date_comptable, libelle, emetteur, reference_trouvee, dossier_id, statut"
)


def _lignes_inserer(rangs: list[tuple]) -> None:
    """Insère les lignes d'un relevé en masse, sans instancier de modèles (à 100 000 lignes,
    l'ORM coûte plus que la base). Les clés déjà en base ont été écartées sous le verrou des
    imports de l'étude (`releve_importer`) : aucun autre import ne peut écrire les mêmes
    clés entre-temps, la contrainte unique (etude, cle) reste la garde.

    PostgreSQL : COPY directement dans la table (la table temporaire et l'INSERT … SELECT
    … ON CONFLICT qui la vidait coûtaient 1,9 s à 100 000 lignes) ; SQLite : executemany.
    Noms de table et de colonnes fixes, toutes les valeurs en paramètres.
    """
    with connection.cursor() as curseur:
        if connection.vendor != "postgresql":
            sql = (
                f"INSERT INTO comptabilite_lignereleve ({COLONNES_LIGNE}) VALUES "  # noqa: S608
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
            )
            for debut in range(0, len(rangs), TAILLE_LOT_RELEVE):
                curseur.executemany(sql, rangs[debut : debut + TAILLE_LOT_RELEVE])
            return
        with curseur.cursor.copy(
            f"COPY comptabilite_lignereleve ({COLONNES_LIGNE}) FROM STDIN"  # noqa: S608
        ) as copie:
            for rang in rangs:
                copie.write_row(rang)


# Verrou consultatif (transaction) des imports de relevés d'une étude : 'CAMT' en entier.
VERROU_RELEVES = 0x43414D54


@transaction.atomic
def releve_importer(*, acteur: Utilisateur, nom_fichier: str, donnees: bytes) -> ResultatImport:
    """Importe un relevé camt.053 de l'étude : chaque crédit devient une ligne, rapprochée
    du dossier de l'étude dont la référence AAAA-NNNNNN figure dans l'information de remise,
    ou laissée à examiner. Idempotent : une écriture bancaire déjà importée (même
    AcctSvcrRef, NtryRef ou même empreinte) ne crée rien (contrainte unique) ; le même
    fichier importé deux fois ne crée rien. Un fichier mal formé est refusé en entier
    (`camt053.ReleveInvalide`, message en français), dans une seule transaction."""
    from comptabilite import camt053
    from comptabilite.models import ReleveBancaire

    _exiger_ecriture(acteur)
    releve = camt053.lire(donnees)
    etude_id = acteur.etude_id
    if connection.vendor == "postgresql":
        # Deux imports d'une même étude l'un après l'autre : le second voit les clés du
        # premier (même relevé, ou écritures communes à deux relevés) et n'écrit qu'elles.
        with connection.cursor() as curseur:
            curseur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [VERROU_RELEVES, etude_id])
    existant = ReleveBancaire.objects.filter(etude_id=etude_id, sha256=releve.sha256).first()
    if existant is not None:
        return ResultatImport(existant, 0, len(releve.credits), 0, 0, releve.ignorees)
    cles = [c.cle for c in releve.credits]
    deja: set[str] = set()
    if connection.vendor == "postgresql":
        # Une requête, les 100 000 clés d'un coup, passées en un seul texte découpé par
        # PostgreSQL (string_to_array) : adapter une liste Python de 100 000 chaînes en
        # tableau coûtait à lui seul 0,4 s au client. Clés hexadécimales : sans virgule.
        with connection.cursor() as curseur:
            curseur.execute(
                "SELECT cle FROM comptabilite_lignereleve WHERE etude_id = %s "
                "AND cle = ANY(string_to_array(%s, ','))",
                [etude_id, ",".join(cles)],
            )
            deja.update(ligne[0] for ligne in curseur.fetchall())
    else:
        for debut in range(0, len(cles), TAILLE_LOT_RELEVE):
            deja.update(
                LigneReleve.objects.filter(
                    etude_id=etude_id, cle__in=cles[debut : debut + TAILLE_LOT_RELEVE]
                ).values_list("cle", flat=True)
            )
    nouveaux = [c for c in releve.credits if c.cle not in deja]
    if not nouveaux:
        return ResultatImport(None, 0, len(deja), 0, 0, releve.ignorees)
    references = {r for c in nouveaux for r in c.references}
    dossiers: dict[str, int] = {}
    liste = sorted(references)
    if connection.vendor == "postgresql":
        with connection.cursor() as curseur:
            # Références AAAA-NNNNNN (expression régulière de camt053) : sans virgule.
            curseur.execute(
                "SELECT reference, id FROM dossiers_dossier "
                "WHERE etude_id = %s AND reference = ANY(string_to_array(%s, ','))",
                [etude_id, ",".join(liste)],
            )
            dossiers.update(curseur.fetchall())
    else:
        for debut in range(0, len(liste), TAILLE_LOT_RELEVE):
            dossiers.update(
                Dossier.objects.filter(
                    etude_id=etude_id, reference__in=liste[debut : debut + TAILLE_LOT_RELEVE]
                ).values_list("reference", "pk")
            )
    objet = ReleveBancaire.objects.create(
        etude_id=etude_id,
        nom_fichier=(nom_fichier or "releve.xml")[-200:],
        sha256=releve.sha256,
        version=releve.version,
        identifiant=releve.identifiant[:140],
        iban=releve.iban[:34],
        nb_lignes=len(nouveaux),
        importe_par=acteur,
    )
    rangs = []
    rapprochees = 0
    for credit in nouveaux:
        trouves = [r for r in credit.references if r in dossiers]
        unique = trouves[0] if len(set(trouves)) == 1 and credit.devise == "EUR" else ""
        rapprochees += bool(unique)
        rangs.append(
            (
                etude_id,
                objet.pk,
                credit.cle,
                credit.reference_banque,
                credit.montant,
                credit.devise,
                credit.date_valeur,
                credit.date_comptable,
                credit.libelle,
                credit.emetteur,
                unique or (credit.references[0] if credit.references else ""),
                dossiers.get(unique) if unique else None,
                StatutLigne.RAPPROCHEE if unique else StatutLigne.NON_RAPPROCHEE,
            )
        )
    _lignes_inserer(rangs)
    evenement_enregistrer(
        etude_id=etude_id,
        acteur=acteur,
        action="releve_importer",
        libelle=(
            f"Relevé camt.{releve.version} importé ({objet.nom_fichier}) : {len(nouveaux)} "
            f"crédits, {rapprochees} rapprochés"
        ),
        objet=objet,
        apres={"sha256": releve.sha256, "nouvelles": len(nouveaux), "deja": len(deja)},
    )
    return ResultatImport(
        objet, len(nouveaux), len(deja), rapprochees, len(nouveaux) - rapprochees, releve.ignorees
    )
