"""Interventions d'autres créanciers et répartitions (voir models/interventions.py)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from dossiers.models import Creancier
from etude.audit import evenement_enregistrer
from etude.errors import RegleMetier
from etude.models import Utilisateur

from .. import gardes
from ..gardes import jour_de
from ..models import Delai, Intervention, PartRepartition, Repartition, StatutDelai
from ..repartition import repartir
from .coeur import (
    Ouverture,
    exiger_ecriture,
    fermer_delais,
    meme_etude,
    ouvrir_delais,
    verifier_poursuites,
)

ZERO = Decimal("0.00")

# Saisie-vente : états où une saisie existe et où la vérification des biens (au moment de
# la vente) n'a pas eu lieu (R221-41).
SV_OPPOSITION = {"pv_saisie", "vente_amiable", "vente_forcee_publicite"}
# Saisie des rémunérations : la saisie est pratiquée (PV à l'employeur) et court encore.
SR_INTERVENTION = {"pv_signifie", "denoncee", "declaration_recue", "versements"}
# États d'où les sommes se répartissent.
SV_REPARTITION = {"vente_amiable_realisee", "vente_forcee"}
SR_REPARTITION = {"declaration_recue", "versements", "fin_emploi", "terminee"}


def _verifier_montant(montant: Decimal, nom: str) -> None:
    if montant is None or montant <= 0:
        raise RegleMetier(f"{nom} doit être positif.")


@transaction.atomic
def intervention_former(
    *,
    acteur: Utilisateur,
    procedure,
    creancier: Creancier,
    titre: str,
    montant: Decimal,
    acte_le: datetime,
    commandement_le: date | None = None,
    dossier=None,
) -> Intervention:
    """Un autre créancier se joint à la saisie : opposition (saisie-vente, L221-1 al. 2,
    R221-41, R221-42) ou intervention (saisie des rémunérations, L212-2 al. 3, R212-1-17).

    `dossier` : le dossier de l'étude de ce créancier contre ce débiteur, si l'étude le
    poursuit aussi ; ses parts des répartitions vont alors à son grand livre. Vide pour un
    créancier tiers (ses parts ne touchent aucun grand livre de l'étude)."""
    exiger_ecriture(acteur)
    meme_etude(acteur, procedure, creancier, dossier)
    if dossier is not None:
        if dossier.pk == procedure.dossier_id:
            raise RegleMetier(
                "Ce dossier est celui du premier saisissant : il ne peut intervenir dans sa "
                "propre saisie."
            )
        if dossier.creancier_id != creancier.pk:
            raise RegleMetier(
                f"Le dossier {dossier.reference} n'est pas celui de {creancier.designation}."
            )
        if not dossier.debiteurs.filter(pk=procedure.debiteur_id).exists():
            raise RegleMetier(f"Le dossier {dossier.reference} ne poursuit pas le débiteur saisi.")
    _verifier_montant(montant, "La créance déclarée")
    if not titre.strip():
        raise RegleMetier("CPCE R221-42 : l'acte indique le titre exécutoire invoqué.")
    verifier_poursuites(procedure)
    calendrier = procedure.etude.calendrier
    gardes.verifier_horaire(acte_le, calendrier=calendrier, article="CPC 664")
    jour = jour_de(acte_le)
    if procedure.type == "saisie_vente":
        if procedure.etat not in SV_OPPOSITION:
            if procedure.pv_le is None:
                raise RegleMetier(
                    "CPCE L221-1 al. 2 : l'opposition se joint à des opérations de saisie ; "
                    "aucun procès-verbal de saisie n'a encore été dressé."
                )
            raise RegleMetier(
                "CPCE R221-41 : l'opposition n'est recevable qu'avant la vérification des biens "
                f"saisis ; la procédure est « {procedure.libelle_etat} »."
            )
        if jour < jour_de(procedure.pv_le):
            raise RegleMetier("L'opposition ne peut précéder la saisie.")
    elif procedure.type == "saisie_remunerations":
        if procedure.etat not in SR_INTERVENTION:
            raise RegleMetier(
                "CPCE R212-1-16 et s. : l'intervention se joint à une saisie pratiquée (procès-"
                f"verbal signifié à l'employeur) ; la procédure est « {procedure.libelle_etat} »."
            )
        if commandement_le is None:
            raise RegleMetier(
                "CPCE L212-2 al. 3 : indiquez la date du commandement de payer du créancier "
                "intervenant ; l'intervention n'est possible qu'un mois après lui."
            )
        gardes.apres_attente(
            "sr_attente_commandement",
            commandement_le,
            jour,
            calendrier=calendrier,
            message="l'intervention n'est possible qu'un mois après la signification du "
            "commandement du créancier intervenant.",
        )
    else:
        raise RegleMetier(
            "Les interventions d'autres créanciers se font dans une saisie-vente (opposition, "
            "CPCE L221-1 al. 2) ou une saisie des rémunérations (CPCE R212-1-16 et s.)."
        )
    intervention = Intervention(
        etude_id=procedure.etude_id,
        procedure_id=procedure.pk,
        creancier=creancier,
        dossier=dossier,
        titre=titre.strip(),
        montant=montant,
        commandement_le=commandement_le,
        acte_le=acte_le,
        cree_par=acteur,
    )
    intervention.save()
    if procedure.type == "saisie_remunerations":
        # R212-1-17 : chaque intervention a son délai de dénonciation, même si une autre a
        # été signifiée le même jour.
        ouvrir_delais(
            procedure,
            [Ouverture("sr_intervention_denonciation", jour, intervention=intervention)],
        )
    quoi = "Opposition" if procedure.type == "saisie_vente" else "Intervention"
    evenement_enregistrer(
        etude_id=procedure.etude_id,
        acteur=acteur,
        action="intervention_former",
        libelle=f"{quoi} de {creancier.designation} ({montant} €) à la "
        f"{procedure.get_type_display().lower()}",
        objet=intervention,
        dossier=procedure.dossier,
        apres={
            "procedure": procedure.pk,
            "creancier": creancier.pk,
            "dossier": dossier.pk if dossier is not None else None,
            "montant": str(montant),
            "acte_le": acte_le.isoformat(),
        },
    )
    return intervention


def _procedure_de(intervention):
    from ..models import MODELES

    procedure = intervention.procedure
    return MODELES[procedure.type]._default_manager.get(pk=procedure.pk)


@transaction.atomic
def intervention_denoncer(
    *, acteur: Utilisateur, intervention: Intervention, le: datetime
) -> Intervention:
    """Saisie des rémunérations : dénonciation au débiteur dans les huit jours, à peine de
    caducité (R212-1-17) ; saisie-vente : signification au débiteur (R221-42)."""
    exiger_ecriture(acteur)
    meme_etude(acteur, intervention)
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if intervention.denoncee_le is not None:
        raise RegleMetier("L'acte a déjà été dénoncé au débiteur.")
    procedure = _procedure_de(intervention)
    calendrier = procedure.etude.calendrier
    gardes.verifier_horaire(le, calendrier=calendrier, article="CPC 664")
    if procedure.type == "saisie_remunerations":
        gardes.avant_echeance(
            "sr_intervention_denonciation",
            jour_de(intervention.acte_le),
            jour_de(le),
            calendrier=calendrier,
            message="l'acte d'intervention est dénoncé au débiteur dans un délai de huit jours.",
        )
        Delai.objects.filter(
            procedure_id=procedure.pk,
            code="sr_intervention_denonciation",
            intervention=intervention,
            statut=StatutDelai.OUVERT,
        ).update(statut=StatutDelai.RESPECTE, clos_le=le)
    elif jour_de(le) < jour_de(intervention.acte_le):
        raise RegleMetier("La signification au débiteur ne peut précéder l'acte.")
    intervention.denoncee_le = le
    intervention.save(update_fields=["denoncee_le"])
    evenement_enregistrer(
        etude_id=intervention.etude_id,
        acteur=acteur,
        action="intervention_denoncer",
        libelle=f"Acte de {intervention.creancier.designation} dénoncé au débiteur",
        objet=intervention,
        dossier=procedure.dossier,
        avant={"denoncee_le": None},
        apres={"denoncee_le": le.isoformat()},
    )
    return intervention


@transaction.atomic
def intervention_inscrire(
    *, acteur: Utilisateur, intervention: Intervention, le: date
) -> Intervention:
    """R212-1-17 : l'intervention est inscrite au registre numérique des saisies."""
    exiger_ecriture(acteur)
    meme_etude(acteur, intervention)
    procedure = _procedure_de(intervention)
    if procedure.type != "saisie_remunerations":
        raise RegleMetier("Seule la saisie des rémunérations a un registre (CPCE L212-2 al. 2).")
    if le < jour_de(intervention.acte_le):
        raise RegleMetier("L'inscription ne peut précéder l'acte d'intervention.")
    intervention.inscrite_le = le
    intervention.save(update_fields=["inscrite_le"])
    evenement_enregistrer(
        etude_id=intervention.etude_id,
        acteur=acteur,
        action="intervention_inscrire",
        libelle=f"Intervention de {intervention.creancier.designation} inscrite au registre",
        objet=intervention,
        dossier=procedure.dossier,
        avant={"inscrite_le": None},
        apres={"inscrite_le": le.isoformat()},
    )
    return intervention


def intervention_caduque(intervention: Intervention, *, le: date, calendrier: str) -> bool:
    """R212-1-17 : non dénoncée dans les huit jours, l'intervention est caduque."""
    if intervention.procedure.type != "saisie_remunerations" or intervention.denoncee_le:
        return False
    from .. import catalogue

    fin = catalogue.echeance(
        "sr_intervention_denonciation", jour_de(intervention.acte_le), calendrier=calendrier
    ).date_sure
    return le > fin


def participants(procedure, *, le: date) -> list[tuple[object, Intervention | None]]:
    """Les créanciers qui prennent part à la répartition, dans l'ordre : le premier
    saisissant, puis les intervenants (par date d'acte). Saisie des rémunérations : les
    seuls inscrits au registre, interventions caduques exclues (R212-1-17, R212-1-23)."""
    resultat = [(procedure.dossier.creancier, None)]
    for intervention in procedure.interventions.select_related("creancier", "procedure"):
        if procedure.type == "saisie_remunerations" and (
            intervention.inscrite_le is None
            or intervention_caduque(intervention, le=le, calendrier=procedure.etude.calendrier)
        ):
            continue
        resultat.append((intervention.creancier, intervention))
    return resultat


def deja_reparti(procedure) -> Decimal:
    return Repartition.objects.filter(
        procedure_id=procedure.pk, contre_passee_le__isnull=True
    ).aggregate(s=Sum("montant"))["s"] or Decimal("0.00")


def _deja_recu(procedure, intervention, *, hors_grand_livre: bool = False) -> Decimal:
    parts = PartRepartition.objects.filter(
        repartition__procedure_id=procedure.pk, repartition__contre_passee_le__isnull=True
    )
    parts = (
        parts.filter(intervention=intervention)
        if intervention
        else parts.filter(intervention__isnull=True)
    )
    if hors_grand_livre:
        parts = parts.filter(versement__isnull=True)
    return parts.aggregate(s=Sum("part"))["s"] or ZERO


def creance_du_saisissant(procedure, *, le: date) -> Decimal:
    """Créance restante du premier saisissant au `le` : le reste dû du décompte du dossier
    (principal, intérêts, frais, moins les versements du grand livre, dont ses parts des
    répartitions passées au grand livre), moins ses parts qui n'y sont pas (répartitions
    arrêtées avant la session 4 : elles se déduisent comme les parts des intervenants de
    leur créance déclarée)."""
    from comptabilite.services import decompte_dossier

    decompte = decompte_dossier(procedure.dossier, le=le)
    if decompte.total_du is None:
        raise RegleMetier(
            "La créance restante du premier saisissant se lit au décompte du dossier, "
            f"incomplet au {le:%d/%m/%Y} : " + " ; ".join(decompte.erreurs)
        )
    return max(ZERO, decompte.total_du - _deja_recu(procedure, None, hors_grand_livre=True))


def _reference(repartition: Repartition, procedure) -> str:
    return (
        f"Répartition n° {repartition.pk} du {repartition.le:%d/%m/%Y} "
        f"({procedure.get_type_display().lower()})"
    )


@transaction.atomic
def repartition_passer_au_grand_livre(*, acteur: Utilisateur, repartition: Repartition) -> list:
    """Passe la part de chaque dossier de l'étude (le premier saisissant ; un intervenant
    dont l'intervention désigne un dossier de l'étude) comme versement de mode
    « répartition » au grand livre de ce dossier, imputé par le service des versements
    (frais, intérêts, principal ; C. civ. 1343-1). Les parts des créanciers tiers ne
    touchent aucun grand livre de l'étude. Idempotent : une part ne fait qu'un versement
    (clé `PartRepartition.versement`, unique) ; rejouer ne crée rien. Appelé par
    `repartition_effectuer` dans sa transaction."""
    from comptabilite.models import ModeVersement
    from comptabilite.services import versement_enregistrer_detail

    exiger_ecriture(acteur)
    meme_etude(acteur, repartition)
    repartition = Repartition.objects.select_for_update().get(pk=repartition.pk)
    if repartition.contre_passee_le is not None:
        raise RegleMetier("Cette répartition est contre-passée : rien n'est passé.")
    procedure = repartition.procedure
    parts = (
        PartRepartition.objects.select_for_update(of=("self",))
        .filter(repartition=repartition, versement__isnull=True, part__gt=0)
        .select_related("intervention__dossier", "creancier")
        .order_by("id")
    )
    versements = []
    for p in parts:
        dossier = procedure.dossier if p.intervention_id is None else p.intervention.dossier
        if dossier is None:
            continue  # créancier tiers : hors de nos grands livres
        try:
            versement = versement_enregistrer_detail(
                acteur=acteur,
                dossier=dossier,
                montant=p.part,
                date_valeur=repartition.le,
                mode=ModeVersement.REPARTITION,
                reference=_reference(repartition, procedure),
                depuis_repartition=True,
            ).versement
        except ValidationError as refus:
            raise RegleMetier(
                f"La part de {p.creancier.designation} ({p.part} €) ne peut être passée au "
                f"grand livre du dossier {dossier.reference} : " + " ".join(refus.messages)
            ) from None
        p.versement = versement
        p.save(update_fields=["versement"])
        versements.append(versement)
    return versements


@transaction.atomic
def repartition_contre_passer(
    *, acteur: Utilisateur, repartition: Repartition, motif: str
) -> Repartition:
    """Une répartition erronée ne se modifie pas : ses versements aux grands livres de
    l'étude sont contre-passés (`ecriture_contre_passer`, toutes leurs imputations), elle
    est marquée contre-passée (ni ses sommes ni ses parts ne comptent plus) ; la
    répartition juste s'arrête ensuite à nouveau."""
    from comptabilite.services import ecriture_contre_passer

    exiger_ecriture(acteur)
    meme_etude(acteur, repartition)
    motif = (motif or "").strip()
    if not motif:
        raise RegleMetier("Indiquez le motif de la contre-passation de la répartition.")
    repartition = Repartition.objects.select_for_update().get(pk=repartition.pk)
    if repartition.contre_passee_le is not None:
        raise RegleMetier("Cette répartition est déjà contre-passée.")
    contre_passes = []
    for p in repartition.parts.filter(versement__isnull=False).order_by("id"):
        ecriture = p.versement.ecritures.exclude(nature="contre_passation").order_by("id").first()
        if ecriture is not None and not ecriture.contre_passations.exists():
            ecriture_contre_passer(
                acteur=acteur,
                ecriture=ecriture,
                motif=f"{_reference(repartition, repartition.procedure)} contre-passée : {motif}",
            )
            contre_passes.append(p.versement_id)
    repartition.contre_passee_le = timezone.now()
    repartition.contre_passee_par = acteur
    repartition.motif_contre_passation = motif[:300]
    repartition.save(
        update_fields=["contre_passee_le", "contre_passee_par", "motif_contre_passation"]
    )
    procedure = repartition.procedure
    evenement_enregistrer(
        etude_id=repartition.etude_id,
        acteur=acteur,
        action="repartition_contre_passer",
        libelle=f"Contre-passation de la répartition du {repartition.le:%d/%m/%Y} "
        f"({repartition.montant} €) : {motif}"[:300],
        objet=repartition,
        dossier=procedure.dossier,
        apres={"versements_contre_passes": contre_passes, "motif": motif},
    )
    return repartition


@transaction.atomic
def repartition_effectuer(
    *,
    acteur: Utilisateur,
    procedure,
    le: date,
    montant: Decimal,
) -> Repartition:
    """Répartit `montant` entre le premier saisissant (sa créance restante, lue au décompte
    par `creance_du_saisissant`) et les intervenants (leur créance déclarée moins ce qu'ils
    ont déjà reçu), par contribution (C. civ. 2285). Saisie des rémunérations : sur les
    sommes versées au répartiteur et pas encore réparties (R212-1-23) ; saisie-vente :
    projet de répartition amiable du prix (L221-6)."""
    exiger_ecriture(acteur)
    meme_etude(acteur, procedure)
    _verifier_montant(montant, "La somme à répartir")
    if procedure.type == "saisie_remunerations":
        if procedure.etat not in SR_REPARTITION:
            raise RegleMetier(
                "CPCE R212-1-23 : le répartiteur distribue les sommes versées par l'employeur ; "
                f"la procédure est « {procedure.libelle_etat} »."
            )
        disponible = (procedure.total_verse or ZERO) - deja_reparti(procedure)
        if montant > disponible:
            raise RegleMetier(
                f"CPCE R212-1-23 : {disponible} € versés au répartiteur restent à répartir ; "
                f"{montant} € ne peuvent l'être."
            )
    elif procedure.type == "saisie_vente":
        if procedure.etat not in SV_REPARTITION:
            raise RegleMetier(
                "CPCE L221-6 : la répartition porte sur le prix de la vente ; la procédure est "
                f"« {procedure.libelle_etat} »."
            )
    else:
        raise RegleMetier(
            "La répartition entre créanciers concerne la saisie-vente (L221-6) et la saisie "
            "des rémunérations (R212-1-23)."
        )
    creanciers = participants(procedure, le=le)
    creance_saisissant = creance_du_saisissant(procedure, le=le)
    creances = []
    for creancier, intervention in creanciers:
        if intervention is None:
            restant = creance_saisissant
        else:
            restant = max(ZERO, intervention.montant - _deja_recu(procedure, intervention))
        creances.append(((creancier, intervention), restant))
    parts, reliquat = repartir(montant, creances)
    repartition = Repartition(
        etude_id=procedure.etude_id,
        procedure_id=procedure.pk,
        le=le,
        montant=montant,
        reliquat=reliquat,
        cree_par=acteur,
    )
    repartition.save()
    PartRepartition.objects.bulk_create(
        [
            PartRepartition(
                repartition=repartition,
                creancier=p.cle[0],
                intervention=p.cle[1],
                creance=p.creance,
                part=p.part,
            )
            for p in parts
        ]
    )
    # La part de chaque dossier de l'étude devient un versement à son grand livre, dans
    # cette transaction (rien de passé à moitié si un grand livre refuse).
    versements = repartition_passer_au_grand_livre(acteur=acteur, repartition=repartition)
    if procedure.type == "saisie_remunerations":
        # R212-1-23 : chaque mois s'il n'y a qu'un créancier, au moins toutes les six
        # semaines s'il y en a plusieurs.
        fermer_delais(procedure, ["sr_repartition"])
        if not Delai.objects.filter(
            procedure_id=procedure.pk, code="sr_repartition", depart=le
        ).exists():
            duree = {"mois": 1} if len(creanciers) == 1 else {"jours": 42}
            ouvrir_delais(procedure, [Ouverture("sr_repartition", le, {"duree": duree})])
    detail = " ; ".join(f"{p.cle[0].designation} {p.part} €" for p in parts)
    evenement_enregistrer(
        etude_id=procedure.etude_id,
        acteur=acteur,
        action="repartition_effectuer",
        libelle=(
            f"Répartition de {montant} € (C. civ. 2285) : {detail}"
            + (f" ; reliquat au débiteur {reliquat} €" if reliquat else "")
        )[:300],
        objet=repartition,
        dossier=procedure.dossier,
        apres={
            "montant": str(montant),
            "parts": [[p.cle[0].pk, str(p.creance), str(p.part)] for p in parts],
            "reliquat": str(reliquat),
            "versements": [v.pk for v in versements],
        },
    )
    return repartition
