"""Reversements au créancier : fonds disponibles d'un dossier, retenues, lots SEPA.

Fonds encaissés pour le créancier : les parts des versements imputées sur le principal et
les intérêts, et celles imputées sur les frais alloués par le titre (art. 700 CPC, dépens :
ils sont au créancier), nettes des contre-passations et des réimputations. Les autres parts
imputées sur les frais reviennent à l'étude (émoluments, débours, TVA, droit A444-31 qu'elle
a avancés ou gagnés) ; l'excédent revient au débiteur. Assiette du droit A444-32 : « sommes
encaissées ou recouvrées au titre du principal ou du montant de la condamnation, à
l'exclusion des dépens » (domaine/argent.md § 6.5) : principal, intérêts et indemnité de
l'article 700, pas les dépens. Ce qui sort de ces fonds (net reversé, droit A444-32 et sa
TVA, facture de l'étude, régularisations) est passé au poste « fonds » du grand livre, hors
de la dette : fonds disponibles = encaissé - sorti.

Retenues d'un reversement :
- droit proportionnel A444-32 (à la charge du créancier), calculé sur le total recouvré et
  non acompte par acompte, moins ce qui a déjà été retenu ; TVA 20 % (CGI art. 278) ; non dû
  dans les cas de R444-55 et R444-53 3° (`exception_droit_129`) ; rendu quand le recouvré
  baisse après coup (`droit_creancier_regulariser`).
  Tarif : celui en vigueur au dernier encaissement reversé ;
- la facture de l'étude, saisie par le comptable (frais de recouvrement sans titre
  exécutoire qui restent à la charge du créancier, CPCE L111-8 al. 2, honoraires convenus).

Concurrence : tout se fait sous le verrou du solde du dossier (`grand_livre.verrouiller_solde`),
comme les versements ; deux reversements simultanés du même dossier s'exécutent l'un après
l'autre, et le second ne trouve plus que ce qui reste.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from comptabilite import grand_livre, tarif
from comptabilite.models import (
    Cause,
    Ecriture,
    LigneLot,
    LotReversements,
    NatureEcriture,
    ParametresComptables,
    Poste,
    Reversement,
    Sens,
    StatutLot,
)
from comptabilite.monnaie import ZERO, date_fr, euros
from dossiers.models import Dossier, Nature, NatureTitre
from etude.audit import evenement_enregistrer
from etude.errors import DonneeManquante
from etude.models import Utilisateur, iban_masque, normaliser_iban

ARTICLE_CREANCIER = "A444-32"


# --- Calcul pur ------------------------------------------------------------------------------

# Régularisations du droit A444-32 retenu (poste « fonds », cause « calcul ») : cause_id.
REGULARISATION_DROIT = "A444-32"
# Remise de frais d'un échéancier : la part des frais du créancier (frais alloués par le
# titre) et celle de l'étude se distinguent par la fin de cause_id.
REMISE_CREANCIER = "-creancier"
REMISE_ETUDE = "-etude"


@dataclass(frozen=True)
class Fonds:
    """Les fonds d'un dossier pour son créancier, tirés des écritures.

    `recouvre` : parts des versements imputées sur principal et intérêts ; `frais_creancier` :
    parts imputées sur les frais alloués par le titre (art. 700, dépens), qui appartiennent au
    créancier ; `assiette` : ce qui porte le droit A444-32 (principal, intérêts et indemnité
    de l'article 700, hors dépens) ; `sorti` : le poste « fonds » (net reversé, retenues,
    régularisations) ; `droit_rendu` : droit A444-32 rendu au créancier par régularisation."""

    recouvre: Decimal
    sorti: Decimal
    droit_retenu: Decimal
    tva_retenue: Decimal
    dernier_encaissement: date | None
    detenus_depuis: date | None
    frais_creancier: Decimal = ZERO
    assiette: Decimal = ZERO
    droit_rendu: Decimal = ZERO
    tva_rendue: Decimal = ZERO
    frais_remis: Decimal = ZERO
    frais_creancier_dus: Decimal = ZERO

    @property
    def encaisse(self) -> Decimal:
        return self.recouvre + self.frais_creancier

    @property
    def disponible(self) -> Decimal:
        return self.encaisse - self.sorti


def part_article_700(frais_creancier: Decimal, *, frais_titre: Decimal, article_700: Decimal):
    """Part de l'indemnité de l'article 700 dans les frais du titre payés : les frais alloués
    par un même titre sont payés proportionnellement (C. civ. 1342-10 al. 2 : « toutes choses
    égales, elle se fait proportionnellement »), arrondi au centime le plus proche."""
    if frais_titre <= 0 or article_700 <= 0 or frais_creancier <= 0:
        return ZERO
    part = (frais_creancier * article_700 / frais_titre).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    return min(part, article_700)


def fonds_calculer(
    ecritures, *, frais_titre: Decimal = ZERO, article_700: Decimal = ZERO
) -> Fonds:
    """Fonds d'un dossier à partir de ses écritures (`decompte.LigneGrandLivre`).

    Frais du créancier : les écritures de nature « frais » (frais alloués par le titre,
    art. 700 et dépens) ; les émoluments, débours, TVA et droit A444-31 sont à l'étude. Une
    part imputée sur le poste des frais paie d'abord ceux du créancier, nés au titre avant
    les frais d'exécution (C. civ. 1342-10 al. 2 : la dette la plus ancienne ; choix du
    projet, les sources ne règlent pas l'ordre à l'intérieur des frais).

    `detenus_depuis` : date du plus ancien encaissement pas encore sorti (premier entré,
    premier sorti), None si rien n'est détenu."""
    recouvre = sorti = droit = tva_retenue = ZERO
    droit_rendu = tva_rendue = frais_remis = ZERO
    frais_dus = frais_payes = frais_creancier = ZERO
    par_jour: dict[date, Decimal] = {}
    for e in ecritures:
        nature = e.nature_effective
        if e.poste == Poste.FONDS:
            sorti -= e.signe
            regularisation = e.cause == Cause.CALCUL and e.cause_id == REGULARISATION_DROIT
            if nature == NatureEcriture.DROIT_PROPORTIONNEL:
                droit -= e.signe
                if regularisation:
                    droit_rendu += e.signe
            elif nature == NatureEcriture.TVA:
                tva_retenue -= e.signe
                if regularisation:
                    tva_rendue += e.signe
            elif e.cause == Cause.ECHEANCIER:
                frais_remis -= e.signe
            continue
        entree = ZERO
        if e.poste in (Poste.PRINCIPAL, Poste.INTERETS) and nature == NatureEcriture.VERSEMENT:
            recouvre -= e.signe
            entree = -e.signe
        elif e.poste == Poste.FRAIS and (
            nature in (NatureEcriture.VERSEMENT, NatureEcriture.FRAIS)
            or (nature == NatureEcriture.REMISE and e.cause_id.endswith(REMISE_CREANCIER))
        ):
            if nature == NatureEcriture.VERSEMENT:
                frais_payes -= e.signe
            else:  # frais alloués par le titre, moins ce que le créancier en a remis
                frais_dus += e.signe
            nouveau = max(ZERO, min(frais_dus, frais_payes))
            entree = nouveau - frais_creancier
            frais_creancier = nouveau
        if entree:
            par_jour[e.date_valeur] = par_jour.get(e.date_valeur, ZERO) + entree
    depuis = None
    dernier = None
    cumul = ZERO
    for jour in sorted(par_jour):
        if par_jour[jour] > 0:
            dernier = jour
        cumul += par_jour[jour]
        if depuis is None and cumul > sorti:
            depuis = jour
    if recouvre + frais_creancier - sorti <= 0:
        depuis = None
    assiette = recouvre + part_article_700(
        frais_creancier, frais_titre=frais_titre, article_700=article_700
    )
    return Fonds(
        recouvre,
        sorti,
        droit,
        tva_retenue,
        dernier,
        depuis,
        frais_creancier=frais_creancier,
        assiette=assiette,
        droit_rendu=droit_rendu,
        tva_rendue=tva_rendue,
        frais_remis=frais_remis,
        frais_creancier_dus=frais_dus,
    )


def exception_droit_129(dossier: Dossier) -> str:
    """Le motif pour lequel le droit n° 129 (A444-32) n'est pas dû par le créancier, ou "".

    C. com. R444-55 et R444-53 3° (domaine/argent.md § 6.5) : pas de droit sur un titre
    exécutoire a) de l'art. L111-3 6° CPCE (personnes morales de droit public), b)
    « constatant une créance née de l'exécution d'un contrat de travail », c) « constatant une
    créance alimentaire ». Le premier titre du dossier fait foi (comme pour le grand livre)."""
    if dossier.nature == Nature.PENSION_ALIMENTAIRE:
        return "créance alimentaire : droit n° 129 non dû (C. com. R444-55, R444-53 3° c)"
    titre = dossier.titres.order_by("date_titre", "id").first()
    if titre is None:
        return ""
    if titre.nature == NatureTitre.PERSONNE_PUBLIQUE:
        return (
            "titre d'une personne morale de droit public (CPCE L111-3 6°) : droit n° 129 non "
            "dû (C. com. R444-55, R444-53 3° a)"
        )
    if titre.creance_contrat_travail:
        return (
            "créance née de l'exécution d'un contrat de travail : droit n° 129 non dû "
            "(C. com. R444-55, R444-53 3° b)"
        )
    return ""


@dataclass(frozen=True)
class Proposition:
    """Ce qu'un reversement ferait, avant d'être passé (page de préparation, service)."""

    fonds: Fonds
    brut: Decimal
    date_tarif: date | None
    droit: tarif.CalculDroit | None
    droit_ht: Decimal
    tva_droit: Decimal
    facture: Decimal
    net: Decimal
    erreur: str = ""


def droit_du(fonds: Fonds, *, exception: str = "") -> tarif.CalculDroit | None:
    """Droit A444-32 dû sur l'assiette cumulée des fonds (None : rien recouvré). Tarif : celui
    du dernier encaissement. Lève DonneeManquante si le tarif manque."""
    if fonds.assiette <= 0 or fonds.dernier_encaissement is None:
        return None
    if exception:
        return tarif.CalculDroit(
            article=ARTICLE_CREANCIER,
            assiette=fonds.assiette,
            montant=ZERO,
            explication=exception[:1].upper() + exception[1:] + ".",
        )
    return tarif.calculer_droit_proportionnel(
        fonds.assiette, charge="creancier", le=fonds.dernier_encaissement
    )


def proposer(
    fonds: Fonds,
    *,
    brut: Decimal | None = None,
    facture: Decimal = ZERO,
    creance_alimentaire: bool = False,
    exception: str = "",
) -> Proposition:
    """Retenues et net d'un reversement de `brut` (tout le disponible par défaut)."""
    brut = fonds.disponible if brut is None else brut
    date_tarif = fonds.dernier_encaissement
    if creance_alimentaire and not exception:
        exception = "créance alimentaire : droit n° 129 non dû (C. com. R444-53 3° c)"
    calcul = None
    droit_ht = tva_droit = ZERO
    erreur = ""
    try:
        calcul = droit_du(fonds, exception=exception)
    except DonneeManquante as manque:
        erreur = f"Droit A444-32 non calculable : {manque}"
    else:
        if calcul is not None:
            droit_ht = max(calcul.montant - fonds.droit_retenu, ZERO)
            tva_droit = max(tarif.tva(calcul.montant) - fonds.tva_retenue, ZERO)
    net = brut - droit_ht - tva_droit - facture
    return Proposition(
        fonds, brut, date_tarif, calcul, droit_ht, tva_droit, facture, net, erreur=erreur
    )


# --- Contrôles --------------------------------------------------------------------------------


def _exiger_comptable(acteur: Utilisateur) -> None:
    if not acteur.peut_ecrire:
        raise PermissionDenied("Votre rôle ne permet pas de reverser des fonds.")


def _meme_etude(acteur: Utilisateur, *objets) -> None:
    for objet in objets:
        if objet is not None and objet.etude_id != acteur.etude_id:
            raise PermissionDenied("Cet élément n'appartient pas à votre étude.")


def _montant(valeur, champ: str, *, nul_permis: bool) -> Decimal:
    if not isinstance(valeur, Decimal) or not valeur.is_finite():
        raise ValidationError({champ: "Le montant doit être un nombre décimal."})
    if valeur < 0 or (valeur == 0 and not nul_permis):
        raise ValidationError({champ: "Le montant doit être positif."})
    if valeur != valeur.quantize(Decimal("0.01")):
        raise ValidationError({champ: "Le montant s'exprime au centime près."})
    return valeur


def _parametres_titre(dossier: Dossier) -> dict:
    titre = dossier.titres.order_by("date_titre", "id").first()
    if titre is None:
        return {}
    return {"frais_titre": titre.montant_frais, "article_700": titre.dont_article_700}


def fonds_lire(dossier: Dossier, ecritures=None) -> Fonds:
    """Fonds du dossier (sous le verrou de l'appelant, ou pour l'affichage)."""
    if ecritures is None:
        ecritures = grand_livre.lignes(dossier.pk)
    return fonds_calculer(ecritures, **_parametres_titre(dossier))


def fonds_dossier(dossier: Dossier) -> Fonds:
    """Fonds du dossier, lus sans verrou (affichage)."""
    return fonds_lire(dossier)


# --- Services ----------------------------------------------------------------------------------


def droit_creancier_regulariser(solde, dossier: Dossier, *, le: date, acteur) -> str:
    """Rend au créancier le droit A444-32 (et sa TVA) retenu au-delà de ce qui est dû.

    Le droit n° 129 se calcule sur les sommes recouvrées (domaine/argent.md § 6.5) : quand un
    versement est contre-passé après un reversement (chèque impayé, erreur), ce qui a été
    retenu sur lui n'est plus dû. Choix : une écriture de régularisation au poste « fonds »
    dans la transaction même qui réduit le recouvré (débit : le droit rendu redevient des
    fonds du créancier), plutôt qu'une restitution au prochain reversement — la source dit
    seulement que le droit porte sur le recouvré ; l'écriture immédiate garde à tout moment
    « droit net retenu = min(droit retenu par les reversements, droit dû sur le recouvré) »,
    le disponible juste (il compense ce que le créancier doit quand le net viré dépasse le
    recouvré) et la régularisation visible, datée, au relevé. Si le recouvré remonte, ou si
    un reversement est annulé, la régularisation se reprend (crédit) dans la même limite.

    Sous le verrou du solde (appelant). Rend un message si le tarif manque (rien n'est
    passé), "" sinon."""
    fonds = fonds_lire(dossier)
    try:
        calcul = droit_du(fonds, exception=exception_droit_129(dossier))
    except DonneeManquante as manque:
        return f"Droit A444-32 non régularisé : {manque}"
    du = calcul.montant if calcul is not None else ZERO
    for nature, retenu_net, rendu, montant_du, libelle in (
        (NatureEcriture.DROIT_PROPORTIONNEL, fonds.droit_retenu, fonds.droit_rendu, du, "Droit"),
        (NatureEcriture.TVA, fonds.tva_retenue, fonds.tva_rendue, tarif.tva(du), "TVA sur droit"),
    ):
        retenu_par_reversements = retenu_net + rendu
        ecart = max(ZERO, retenu_par_reversements - montant_du) - rendu
        if ecart == 0:
            continue
        grand_livre.passer(
            solde,
            date_valeur=le,
            nature=nature,
            poste=Poste.FONDS,
            sens=Sens.DEBIT if ecart > 0 else Sens.CREDIT,
            montant=abs(ecart),
            libelle=(
                f"{libelle} A444-32 {'rendu au' if ecart > 0 else 'repris sur le'} créancier "
                f"(dû sur {euros(max(fonds.assiette, ZERO))} recouvrés : {euros(montant_du)})"
            ),
            cause=Cause.CALCUL,
            cause_id=REGULARISATION_DROIT,
            acteur=acteur,
        )
    return ""


@transaction.atomic
def reversement_preparer(
    *,
    acteur: Utilisateur,
    dossier: Dossier,
    montant: Decimal | None = None,
    facture: Decimal = ZERO,
    libelle_facture: str = "",
    date_reversement: date | None = None,
) -> Reversement:
    """Prépare le reversement au créancier des fonds du dossier (tout le disponible, ou
    `montant`), retenues déduites ; passe ses écritures au poste « fonds » (immuables).

    Refusé, sans rien écrire : rien à reverser, montant au-delà des fonds disponibles,
    retenues qui absorbent tout, créancier sans IBAN, tarif manquant."""
    _exiger_comptable(acteur)
    _meme_etude(acteur, dossier)
    facture = _montant(facture, "facture", nul_permis=True)
    if montant is not None:
        montant = _montant(montant, "montant", nul_permis=False)
    aujourd_hui = timezone.localdate()
    date_reversement = date_reversement or aujourd_hui
    if date_reversement > aujourd_hui:
        raise ValidationError({"date_reversement": "La date ne peut pas être dans le futur."})
    if facture > 0 and not (libelle_facture or "").strip():
        raise ValidationError({"libelle_facture": "Indiquez l'objet de la facture retenue."})
    solde = grand_livre.verrouiller_solde(dossier)
    creancier = dossier.creancier
    iban = normaliser_iban(creancier.iban)
    if not iban:
        raise ValidationError(
            f"Le créancier {creancier} n'a pas d'IBAN de reversement : saisissez-le sur sa "
            f"fiche avant de reverser."
        )
    fonds = fonds_lire(dossier)
    if fonds.disponible <= 0:
        raise ValidationError("Aucun fonds à reverser sur ce dossier.")
    if montant is not None and montant > fonds.disponible:
        raise ValidationError(
            {
                "montant": f"Le reversement ({euros(montant)}) dépasse les fonds disponibles "
                f"({euros(fonds.disponible)})."
            }
        )
    proposition = proposer(
        fonds,
        brut=montant,
        facture=facture,
        exception=exception_droit_129(dossier),
    )
    if proposition.erreur:
        raise ValidationError(proposition.erreur)
    if proposition.net <= 0:
        raise ValidationError(
            f"Les retenues ({euros(proposition.brut - proposition.net)}) absorbent les fonds "
            f"reversés ({euros(proposition.brut)}) : attendez d'autres encaissements ou "
            f"réduisez la facture."
        )
    calcul = proposition.droit
    reversement = Reversement(
        etude_id=dossier.etude_id,
        dossier=dossier,
        creancier=creancier,
        date_reversement=date_reversement,
        brut=proposition.brut,
        recouvre_cumule=fonds.assiette,
        date_tarif=proposition.date_tarif,
        droit_ht=proposition.droit_ht,
        tva_droit=proposition.tva_droit,
        facture=facture,
        libelle_facture=(libelle_facture or "").strip()[:300],
        net=proposition.net,
        iban=iban,
        detail={
            "droit_total": str(calcul.montant) if calcul else "0.00",
            "principal_interets": str(fonds.recouvre),
            "frais_creancier": str(fonds.frais_creancier),
            "droit_rendu": str(fonds.droit_rendu),
            "tva_rendue": str(fonds.tva_rendue),
            "droit_deja_retenu": str(fonds.droit_retenu),
            "tva_deja_retenue": str(fonds.tva_retenue),
            "explication": calcul.explication if calcul else "",
            "forfait": bool(calcul and calcul.forfait_applique),
            "plafond": bool(calcul and calcul.plafond_applique),
            "tranches": [
                {
                    "de": str(t.de),
                    "a": str(t.a) if t.a is not None else None,
                    "base": str(t.base),
                    "taux": str(t.taux),
                    "montant": str(t.montant),
                }
                for t in (calcul.tranches if calcul else ())
            ],
            "a_verifier": list(calcul.a_verifier) if calcul else [],
        },
        cree_par=acteur,
    )
    reversement.full_clean()
    reversement.save()
    for nature, montant_ecriture, libelle in (
        (
            NatureEcriture.REVERSEMENT,
            reversement.net,
            f"Reversement au créancier du {date_fr(date_reversement)}",
        ),
        (
            NatureEcriture.DROIT_PROPORTIONNEL,
            reversement.droit_ht,
            f"Droit A444-32 retenu sur {euros(fonds.assiette)} recouvrés",
        ),
        (NatureEcriture.TVA, reversement.tva_droit, "TVA 20 % sur droit A444-32 retenue"),
        (NatureEcriture.FRAIS, facture, f"Facture de l'étude retenue : {libelle_facture}"),
    ):
        if montant_ecriture > 0:
            grand_livre.passer(
                solde,
                date_valeur=date_reversement,
                nature=nature,
                poste=Poste.FONDS,
                sens=Sens.CREDIT,
                montant=montant_ecriture,
                libelle=libelle,
                cause=Cause.REVERSEMENT,
                cause_id=str(reversement.pk),
                acteur=acteur,
            )
    evenement_enregistrer(
        etude_id=dossier.etude_id,
        acteur=acteur,
        action="reversement_preparer",
        libelle=(
            f"Reversement préparé : {euros(reversement.brut)} de fonds, retenues "
            f"{euros(reversement.retenues)}, net {euros(reversement.net)} à {creancier}"
        ),
        objet=reversement,
        dossier=dossier,
        apres={
            "brut": str(reversement.brut),
            "droit_ht": str(reversement.droit_ht),
            "tva_droit": str(reversement.tva_droit),
            "facture": str(facture),
            "net": str(reversement.net),
            "iban": iban_masque(iban),
        },
    )
    return reversement


def reversement_annule(reversement: Reversement) -> bool:
    """Vrai si les écritures du reversement ont été contre-passées."""
    return Ecriture.objects.filter(
        nature=NatureEcriture.CONTRE_PASSATION,
        contre_passe__cause=Cause.REVERSEMENT,
        contre_passe__cause_id=str(reversement.pk),
        contre_passe__dossier_id=reversement.dossier_id,
    ).exists()


@transaction.atomic
def reversement_annuler(*, acteur: Utilisateur, reversement: Reversement, motif: str) -> list:
    """Annule un reversement qui n'est dans aucun lot émis : contre-passe ses écritures du
    poste « fonds » (les fonds redeviennent disponibles, droit et facture compris) et le
    retire de son lot en préparation. Le reversement lui-même reste, immuable."""
    _exiger_comptable(acteur)
    _meme_etude(acteur, reversement)
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({"motif": "Indiquez le motif de l'annulation."})
    solde = grand_livre.verrouiller_solde(reversement.dossier)
    ligne = LigneLot.objects.select_related("lot").filter(reversement=reversement).first()
    if ligne is not None:
        lot = _lot_verrouille(acteur, ligne.lot)  # refuse un lot émis
        lot_retirer(acteur=acteur, lot=lot, reversement=reversement)
    if reversement_annule(reversement):
        raise ValidationError("Ce reversement est déjà annulé.")
    originales = Ecriture.objects.filter(
        dossier_id=reversement.dossier_id,
        poste=Poste.FONDS,
        cause=Cause.REVERSEMENT,
        cause_id=str(reversement.pk),
    ).order_by("id")
    passees = [
        grand_livre.passer(
            solde,
            date_valeur=timezone.localdate(),
            nature=NatureEcriture.CONTRE_PASSATION,
            poste=Poste.FONDS,
            sens=Sens.DEBIT,
            montant=e.montant,
            libelle=f"Annulation : {e.libelle}"[:300],
            cause=Cause.CONTRE_PASSATION,
            cause_id=str(e.pk),
            contre_passe=e,
            motif=motif[:300],
            acteur=acteur,
        )
        for e in originales
    ]
    # Le droit que ce reversement avait retenu ne l'est plus : une régularisation antérieure
    # (droit rendu) se reprend dans la même limite.
    droit_creancier_regulariser(solde, reversement.dossier, le=timezone.localdate(), acteur=acteur)
    evenement_enregistrer(
        etude_id=reversement.etude_id,
        acteur=acteur,
        action="reversement_annuler",
        libelle=f"{reversement} annulé : {motif}",
        objet=reversement,
        dossier=reversement.dossier,
        apres={"motif": motif, "contre_passations": [e.pk for e in passees]},
    )
    return passees


@transaction.atomic
def lot_creer(
    *, acteur: Utilisateur, reversements: list[Reversement], date_execution: date
) -> LotReversements:
    """Regroupe des reversements (pas encore dans un lot) pour un virement SEPA groupé."""
    _exiger_comptable(acteur)
    if not reversements:
        raise ValidationError("Choisissez au moins un reversement.")
    if date_execution < timezone.localdate():
        raise ValidationError({"date_execution": "La date d'exécution est passée."})
    ids = sorted({r.pk for r in reversements})
    verrouilles = list(Reversement.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    _meme_etude(acteur, *verrouilles)
    if any(reversement_annule(r) for r in verrouilles):
        raise ValidationError("Un reversement annulé ne se met pas dans un lot.")
    deja = LigneLot.objects.filter(reversement_id__in=ids).values_list("reversement_id", flat=True)
    if deja:
        raise ValidationError(
            f"{len(deja)} reversement(s) appartiennent déjà à un lot : rechargez la page."
        )
    lot = LotReversements.objects.create(
        etude_id=acteur.etude_id,
        statut=StatutLot.BROUILLON,
        date_execution=date_execution,
        cree_par=acteur,
        total=sum((r.net for r in verrouilles), ZERO),
        nombre=len(verrouilles),
    )
    LigneLot.objects.bulk_create([LigneLot(lot=lot, reversement=r) for r in verrouilles])
    evenement_enregistrer(
        etude_id=acteur.etude_id,
        acteur=acteur,
        action="lot_creer",
        libelle=f"Lot de reversements créé : {lot.nombre} virement(s), {euros(lot.total)}",
        objet=lot,
        apres={"reversements": ids},
    )
    return lot


def _lot_verrouille(acteur: Utilisateur, lot: LotReversements) -> LotReversements:
    _exiger_comptable(acteur)
    _meme_etude(acteur, lot)
    lot = LotReversements.objects.select_for_update().get(pk=lot.pk)
    if lot.emis:
        raise ValidationError("Ce lot est émis : il ne se modifie plus.")
    return lot


@transaction.atomic
def lot_retirer(
    *, acteur: Utilisateur, lot: LotReversements, reversement: Reversement
) -> LotReversements:
    """Retire un reversement d'un lot en préparation (il redevient disponible)."""
    lot = _lot_verrouille(acteur, lot)
    supprimees, _ = LigneLot.objects.filter(lot=lot, reversement=reversement).delete()
    if not supprimees:
        raise ValidationError("Ce reversement n'est pas dans ce lot.")
    lot.nombre -= 1
    lot.total -= reversement.net
    lot.save(update_fields=["nombre", "total"])
    evenement_enregistrer(
        etude_id=lot.etude_id,
        acteur=acteur,
        action="lot_retirer",
        libelle=f"Reversement retiré du lot n° {lot.pk} : {reversement}",
        objet=lot,
        dossier=reversement.dossier,
    )
    return lot


@transaction.atomic
def lot_emettre(*, acteur: Utilisateur, lot: LotReversements) -> LotReversements:
    """Produit le fichier pain.001 du lot (validé contre le schéma XSD) et fige le lot."""
    from comptabilite import sepa

    lot = _lot_verrouille(acteur, lot)
    lignes = list(
        lot.lignes.select_related("reversement__creancier", "reversement__dossier").order_by("id")
    )
    if not lignes:
        raise ValidationError("Le lot est vide.")
    etude = lot.etude
    parametres = ParametresComptables.objects.filter(etude=etude).first()
    paiements = [
        sepa.Paiement(
            nom=str(ligne.reversement.creancier),
            iban=ligne.reversement.iban,
            montant=ligne.reversement.net,
            libelle=(
                f"Reversement dossier {ligne.reversement.dossier.reference} du "
                f"{ligne.reversement.date_reversement:%d/%m/%Y}"
            ),
            reference=f"REV-{ligne.reversement.pk}",
        )
        for ligne in lignes
    ]
    identifiant = f"ETUDE{etude.pk}-LOT{lot.pk}-{timezone.now():%Y%m%d%H%M%S}"[:35]
    fichier = sepa.pain001(
        nom=etude.nom,
        iban=etude.iban_compte_affecte,
        bic=parametres.bic_compte_affecte if parametres else "",
        date_execution=lot.date_execution,
        paiements=paiements,
        identifiant=identifiant,
    )
    lot.statut = StatutLot.EMIS
    lot.emis_par = acteur
    lot.emis_le = timezone.now()
    lot.identifiant_message = identifiant
    lot.schema = sepa.SCHEMA
    lot.fichier = fichier
    lot.sha256 = hashlib.sha256(fichier).hexdigest()
    lot.save(
        update_fields=[
            "statut",
            "emis_par",
            "emis_le",
            "identifiant_message",
            "schema",
            "fichier",
            "sha256",
        ]
    )
    evenement_enregistrer(
        etude_id=lot.etude_id,
        acteur=acteur,
        action="lot_emettre",
        libelle=(
            f"Lot n° {lot.pk} émis : fichier SEPA {sepa.SCHEMA} de {lot.nombre} virement(s), "
            f"{euros(lot.total)}"
        ),
        objet=lot,
        apres={"sha256": lot.sha256, "msg_id": identifiant},
    )
    return lot


# --- Tableau des fonds de l'étude --------------------------------------------------------------

# Par dossier : encaissé pour le créancier (versements imputés sur principal et intérêts,
# et sur les frais alloués par le titre dans la limite de ceux-ci, nets des
# contre-passations) et sorti (poste « fonds »). L'index partiel ecriture_fonds_idx couvre ces
# lignes ; les intérêts de la nuit n'y sont pas.
SQL_FONDS = """
WITH par_dossier AS (
    SELECT e.dossier_id,
           COALESCE(sum(CASE WHEN e.poste IN ('principal', 'interets')
                              AND COALESCE(o.nature, e.nature) = 'versement'
                        THEN CASE WHEN e.sens = 'credit' THEN e.montant ELSE -e.montant END
                        END), 0) AS recouvre,
           COALESCE(sum(CASE WHEN e.poste = 'frais'
                              AND (COALESCE(o.nature, e.nature) = 'frais'
                                   OR (e.nature = 'remise' AND e.cause_id LIKE '%%-creancier'))
                        THEN CASE WHEN e.sens = 'debit' THEN e.montant ELSE -e.montant END
                        END), 0) AS frais_dus,
           COALESCE(sum(CASE WHEN e.poste = 'frais'
                              AND COALESCE(o.nature, e.nature) = 'versement'
                        THEN CASE WHEN e.sens = 'credit' THEN e.montant ELSE -e.montant END
                        END), 0) AS frais_payes,
           COALESCE(sum(CASE WHEN e.poste = 'fonds'
                        THEN CASE WHEN e.sens = 'credit' THEN e.montant ELSE -e.montant END
                        END), 0) AS sorti
    FROM comptabilite_ecriture e
    LEFT JOIN comptabilite_ecriture o ON o.id = e.contre_passe_id
    WHERE e.etude_id = %(etude)s
      AND (e.nature IN ('versement', 'contre_passation', 'frais', 'remise')
           OR e.poste = 'fonds')
    GROUP BY e.dossier_id
)
SELECT dossier_id, recouvre + GREATEST(0, LEAST(frais_dus, frais_payes)) AS encaisse, sorti
FROM par_dossier
WHERE recouvre + GREATEST(0, LEAST(frais_dus, frais_payes)) - sorti > 0
ORDER BY dossier_id
"""


def dossiers_a_reverser(etude_id: int) -> dict[int, Decimal]:
    """{dossier_id: fonds disponibles} des dossiers de l'étude qui ont des fonds à reverser."""
    with connection.cursor() as curseur:
        curseur.execute(SQL_FONDS, {"etude": etude_id})
        return {dossier_id: encaisse - sorti for dossier_id, encaisse, sorti in curseur.fetchall()}
