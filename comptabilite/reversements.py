"""Reversements au créancier : fonds disponibles d'un dossier, retenues, lots SEPA.

Fonds encaissés pour le créancier : les parts des versements imputées sur le principal et
les intérêts (nettes des contre-passations et des réimputations), soit l'assiette du droit
A444-32 (« sommes encaissées ou recouvrées au titre du principal ou du montant de la
condamnation, à l'exclusion des dépens », domaine/argent.md § 6.5). Les parts imputées sur
les frais reviennent à l'étude (émoluments, débours, TVA, droit A444-31 qu'elle a avancés
ou gagnés) ; l'excédent revient au débiteur. Ce qui sort de ces fonds (net reversé, droit
A444-32 et sa TVA, facture de l'étude) est passé au poste « fonds » du grand livre, hors de
la dette : fonds disponibles = encaissé - sorti.

Retenues d'un reversement :
- droit proportionnel A444-32 (à la charge du créancier), calculé sur le total recouvré et
  non acompte par acompte, moins ce qui a déjà été retenu ; TVA 20 % (CGI art. 278) ; non dû
  sur un titre constatant une créance alimentaire (R444-53 3°, `tarif.droit_proportionnel`).
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
from decimal import Decimal

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
from dossiers.models import Dossier, Nature
from etude.audit import evenement_enregistrer
from etude.errors import DonneeManquante
from etude.models import Utilisateur, iban_masque, normaliser_iban

ARTICLE_CREANCIER = "A444-32"


# --- Calcul pur ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fonds:
    """Les fonds d'un dossier pour son créancier, tirés des écritures."""

    recouvre: Decimal
    sorti: Decimal
    droit_retenu: Decimal
    tva_retenue: Decimal
    dernier_encaissement: date | None
    detenus_depuis: date | None

    @property
    def disponible(self) -> Decimal:
        return self.recouvre - self.sorti


def fonds_calculer(ecritures) -> Fonds:
    """Fonds d'un dossier à partir de ses écritures (`decompte.LigneGrandLivre`).

    `detenus_depuis` : date du plus ancien encaissement pas encore sorti (premier entré,
    premier sorti), None si rien n'est détenu."""
    recouvre = sorti = droit = tva_retenue = ZERO
    par_jour: dict[date, Decimal] = {}
    for e in ecritures:
        if e.poste == Poste.FONDS:
            sorti -= e.signe
            if e.nature_effective == NatureEcriture.DROIT_PROPORTIONNEL:
                droit -= e.signe
            elif e.nature_effective == NatureEcriture.TVA:
                tva_retenue -= e.signe
        elif e.poste in (Poste.PRINCIPAL, Poste.INTERETS) and (
            e.nature_effective == NatureEcriture.VERSEMENT
        ):
            recouvre -= e.signe
            par_jour[e.date_valeur] = par_jour.get(e.date_valeur, ZERO) - e.signe
    depuis = None
    dernier = None
    cumul = ZERO
    for jour in sorted(par_jour):
        if par_jour[jour] > 0:
            dernier = jour
        cumul += par_jour[jour]
        if depuis is None and cumul > sorti:
            depuis = jour
    if recouvre - sorti <= 0:
        depuis = None
    return Fonds(recouvre, sorti, droit, tva_retenue, dernier, depuis)


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


def proposer(
    fonds: Fonds,
    *,
    brut: Decimal | None = None,
    facture: Decimal = ZERO,
    creance_alimentaire: bool = False,
) -> Proposition:
    """Retenues et net d'un reversement de `brut` (tout le disponible par défaut)."""
    brut = fonds.disponible if brut is None else brut
    date_tarif = fonds.dernier_encaissement
    calcul = None
    droit_ht = tva_droit = ZERO
    erreur = ""
    if fonds.recouvre > 0 and date_tarif is not None:
        try:
            calcul = tarif.calculer_droit_proportionnel(
                fonds.recouvre,
                charge="creancier",
                le=date_tarif,
                creance_alimentaire=creance_alimentaire,
            )
        except DonneeManquante as manque:
            erreur = f"Droit A444-32 non calculable : {manque}"
        else:
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


def fonds_dossier(dossier: Dossier) -> Fonds:
    """Fonds du dossier, lus sans verrou (affichage)."""
    return fonds_calculer(grand_livre.lignes(dossier.pk))


# --- Services ----------------------------------------------------------------------------------


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
    fonds = fonds_calculer(grand_livre.lignes(dossier.pk))
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
        creance_alimentaire=dossier.nature == Nature.PENSION_ALIMENTAIRE,
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
        recouvre_cumule=fonds.recouvre,
        date_tarif=proposition.date_tarif,
        droit_ht=proposition.droit_ht,
        tva_droit=proposition.tva_droit,
        facture=facture,
        libelle_facture=(libelle_facture or "").strip()[:300],
        net=proposition.net,
        iban=iban,
        detail={
            "droit_total": str(calcul.montant) if calcul else "0.00",
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
            f"Droit A444-32 retenu sur {euros(fonds.recouvre)} recouvrés",
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
# nets des contre-passations) et sorti (poste « fonds »). L'index partiel ecriture_fonds_idx
# couvre ces lignes ; les intérêts de la nuit n'y sont pas.
SQL_FONDS = """
SELECT e.dossier_id,
       COALESCE(sum(CASE WHEN e.poste IN ('principal', 'interets')
                          AND COALESCE(o.nature, e.nature) = 'versement'
                    THEN CASE WHEN e.sens = 'credit' THEN e.montant ELSE -e.montant END
                    END), 0) AS encaisse,
       COALESCE(sum(CASE WHEN e.poste = 'fonds'
                    THEN CASE WHEN e.sens = 'credit' THEN e.montant ELSE -e.montant END
                    END), 0) AS sorti
FROM comptabilite_ecriture e
LEFT JOIN comptabilite_ecriture o ON o.id = e.contre_passe_id
WHERE e.etude_id = %(etude)s
  AND (e.nature IN ('versement', 'contre_passation') OR e.poste = 'fonds')
GROUP BY e.dossier_id
HAVING COALESCE(sum(CASE WHEN e.poste IN ('principal', 'interets')
                          AND COALESCE(o.nature, e.nature) = 'versement'
                    THEN CASE WHEN e.sens = 'credit' THEN e.montant ELSE -e.montant END
                    END), 0)
     - COALESCE(sum(CASE WHEN e.poste = 'fonds'
                    THEN CASE WHEN e.sens = 'credit' THEN e.montant ELSE -e.montant END
                    END), 0) > 0
ORDER BY e.dossier_id
"""


def dossiers_a_reverser(etude_id: int) -> dict[int, Decimal]:
    """{dossier_id: fonds disponibles} des dossiers de l'étude qui ont des fonds à reverser."""
    with connection.cursor() as curseur:
        curseur.execute(SQL_FONDS, {"etude": etude_id})
        return {dossier_id: encaisse - sorti for dossier_id, encaisse, sorti in curseur.fetchall()}
