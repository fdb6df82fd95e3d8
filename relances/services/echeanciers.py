"""Cas d'usage des échéanciers : proposer, accepter, approuver, rapprocher les versements,
mettre en demeure, prononcer la déchéance du terme ; la partie de nuit ; la requête des
échéances manquées que lit le scénario de relance.

Chaque fonction qui écrit est atomique et laisse un `Evenement` par changement d'état.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from comptabilite.monnaie import date_fr, euros
from dossiers.models import Dossier, Phase
from etude.audit import ACTEUR_NUIT, evenement_enregistrer, inserer_evenements, instantane
from etude.errors import DonneeManquante, RegleMetier
from etude.models import Evenement, Utilisateur

from .. import echeancier_calcul as calcul
from ..models import (
    AffectationScenario,
    Echeance,
    Echeancier,
    EtatEcheance,
    EtatEcheancier,
    MotifArret,
    PolitiqueEcheancier,
    SuiteDecheance,
)

ZERO = Decimal("0.00")
CHAMPS_SUIVI = ["etat", "a_decheoir_depuis", "mise_en_demeure_le", "dechu_le", "suite"]


def _exiger_ecriture(acteur: Utilisateur, *objets) -> None:
    if not acteur.peut_ecrire:
        raise PermissionDenied("Votre rôle ne permet pas de modifier ce dossier.")
    for objet in objets:
        if objet.etude_id != acteur.etude_id:
            raise PermissionDenied("Ce dossier appartient à une autre étude.")


# --- Capacité et propositions (lecture) ------------------------------------------------------


@dataclass
class Capacite:
    revenus: Decimal
    personnes_a_charge: int
    quotite_saisissable: Decimal
    reste_a_vivre: Decimal
    mensuelle: Decimal
    designation: str = ""
    # Plusieurs débiteurs : la capacité de chacun de ceux qui sont comptés, et ceux qui ne
    # le sont pas avec la raison (texte français).
    parts: list[Capacite] = field(default_factory=list)
    non_comptes: list[str] = field(default_factory=list)


def _capacite_d_un_debiteur(debiteur, *, politique, le: date) -> Capacite:
    from comptabilite.saisissable import quotite_saisissable

    reste = politique.reste_a_vivre_foyer(debiteur.personnes_a_charge)
    quotite = quotite_saisissable(
        debiteur.revenus_mensuels_nets, personnes_a_charge=debiteur.personnes_a_charge, le=le
    )
    return Capacite(
        revenus=debiteur.revenus_mensuels_nets,
        personnes_a_charge=debiteur.personnes_a_charge,
        quotite_saisissable=quotite,
        reste_a_vivre=reste,
        mensuelle=calcul.capacite_mensuelle(
            debiteur.revenus_mensuels_nets, quotite_saisissable=quotite, reste_a_vivre=reste
        ),
        designation=debiteur.designation,
    )


def capacite_du_debiteur(dossier: Dossier, *, le: date) -> Capacite:
    """Capacité mensuelle des débiteurs du dossier : pour chacun, revenus et foyer saisis sur
    sa fiche, quotité saisissable du barème en vigueur le `le`, reste-à-vivre de l'étude.

    Plusieurs débiteurs : le plan porte sur toute la dette ; seuls ceux qui en sont tenus
    chacun pour le tout la portent ensemble. Tenus solidairement (C. civ. 1313 : la
    solidarité oblige chacun à toute la dette, le paiement de l'un libère les autres), leurs
    capacités s'additionnent. Un débiteur qui n'est pas tenu solidairement ne doit que sa
    part (C. civ. 1309 : l'obligation se divise entre les débiteurs) : il n'est pas compté
    dans un plan de toute la dette (un plan pour sa part, à part). Un débiteur compté dont
    les revenus sont inconnus n'est pas compté non plus (aucun chiffre supposé) : la
    capacité est alors celle des autres, plus prudente. Un seul débiteur : lui."""
    parties = list(dossier.parties.select_related("debiteur").order_by("rang", "id"))
    return capacite_des_parties(
        parties,
        politique=PolitiqueEcheancier.de(dossier.etude_id),
        le=le,
        reference=dossier.reference,
    )


def capacite_des_parties(
    parties: list, *, politique: PolitiqueEcheancier, le: date, reference: str
) -> Capacite:
    """Le calcul de `capacite_du_debiteur` sur des parties déjà lues (`DossierDebiteur` avec
    leur débiteur, dans l'ordre des rangs) : aucune requête, pour qu'une liste (la liste
    d'appels) lise les parties de tous ses dossiers en une fois."""
    if not parties:
        raise DonneeManquante("Le dossier n'a pas de débiteur.")
    if len(parties) > 1:
        tenus = [p for p in parties if p.solidaire]
        non_comptes = [
            f"{p.debiteur.designation} n'est tenu que de sa part (C. civ. 1309) : non compté "
            "dans un plan de toute la dette"
            for p in parties
            if not p.solidaire
        ]
        if not tenus:
            raise DonneeManquante(
                "Aucun débiteur du dossier n'est tenu solidairement : chacun ne doit que sa "
                "part (C. civ. 1309), un plan de toute la dette ne se calcule pas (dossier "
                f"{reference})."
            )
    else:
        tenus, non_comptes = parties, []
    connus = [p.debiteur for p in tenus if p.debiteur.revenus_mensuels_nets is not None]
    inconnus = [p.debiteur for p in tenus if p.debiteur.revenus_mensuels_nets is None]
    if not connus:
        noms = ", ".join(d.designation for d in inconnus)
        raise DonneeManquante(
            f"Revenus de {noms} inconnus : saisir ses revenus mensuels nets "
            f"et ses personnes à charge sur sa fiche (dossier {reference})."
        )
    non_comptes += [
        f"revenus de {d.designation} inconnus : non compté (saisir ses revenus sur sa fiche)"
        for d in inconnus
    ]
    parts = [_capacite_d_un_debiteur(d, politique=politique, le=le) for d in connus]
    if len(parts) == 1 and not non_comptes:
        return parts[0]
    return Capacite(
        revenus=sum((c.revenus for c in parts), ZERO),
        personnes_a_charge=sum(c.personnes_a_charge for c in parts),
        quotite_saisissable=sum((c.quotite_saisissable for c in parts), ZERO),
        reste_a_vivre=sum((c.reste_a_vivre for c in parts), ZERO),
        mensuelle=sum((c.mensuelle for c in parts), ZERO),
        designation=", ".join(c.designation for c in parts),
        parts=parts,
        non_comptes=non_comptes,
    )


@dataclass
class Du:
    frais: Decimal
    interets: Decimal
    principal: Decimal

    def a_echelonner(self, *, remise_interets: bool, remise_frais: bool) -> Decimal:
        return (
            self.principal
            + (ZERO if remise_interets else self.interets)
            + (ZERO if remise_frais else self.frais)
        )


def du_du_dossier(dossier: Dossier) -> Du:
    """Ce que le grand livre dit dû, par poste (intérêts courus jusqu'à la dernière nuit)."""
    from comptabilite.services import grand_livre_ouvrir

    solde = grand_livre_ouvrir(dossier=dossier)
    return Du(frais=solde.frais, interets=solde.interets, principal=solde.principal)


def fin_de_la_duree(politique: PolitiqueEcheancier, *, le: date) -> date:
    """Dernier jour où une échéance tient dans la durée de l'étude : la durée d'un plan se
    mesure de l'accord (`le`) à sa dernière échéance (C. civ. 1343-5 : report ou
    échelonnement « dans la limite de deux années »), pas au nombre d'échéances : un plan
    différé de plusieurs années n'est pas « dans la politique » parce qu'il en compte 24."""
    return calcul.ajouter_mois(le, politique.duree_max_mois)


def mois_entames(debut: date, fin: date) -> int:
    """Nombre de mois de `debut` à `fin`, tout mois entamé compté (0 si `fin` <= `debut`)."""
    mois = 0
    while calcul.ajouter_mois(debut, mois) < fin:
        mois += 1
    return mois


def echeances_dans_la_duree(politique: PolitiqueEcheancier, *, le: date, premiere: date) -> int:
    """Le plus grand nombre d'échéances mensuelles à partir de `premiere` dont la dernière
    tient dans la durée de l'étude comptée depuis l'accord (0 si `premiere` la dépasse)."""
    fin = fin_de_la_duree(politique, le=le)
    nombre = 0
    while nombre < politique.duree_max_mois and calcul.ajouter_mois(premiere, nombre) <= fin:
        nombre += 1
    return nombre


def premiere_echeance_controler(politique: PolitiqueEcheancier, *, le: date, premiere: date):
    """Refuse une première échéance avant l'accord, ou au-delà de la durée de l'étude (un
    report de plus de deux années n'est plus un délai de grâce : C. civ. 1343-5). Lève une
    `ValidationError` en français."""
    if premiere < le:
        raise ValidationError(
            {
                "premiere": f"La première échéance ({date_fr(premiere)}) ne peut pas précéder "
                f"le jour de l'accord ({date_fr(le)})."
            }
        )
    fin = fin_de_la_duree(politique, le=le)
    if premiere > fin:
        raise ValidationError(
            {
                "premiere": f"La première échéance ({date_fr(premiere)}) tombe au-delà de la "
                f"durée de l'étude ({politique.duree_max_mois} mois après l'accord, soit le "
                f"{date_fr(fin)}) : un report aussi long n'est pas un échéancier (C. civ. "
                "1343-5 : deux années au plus). Choisissez une date plus proche."
            }
        )


def motifs_hors_politique(
    politique: PolitiqueEcheancier,
    *,
    nombre: int,
    remise_interets: bool,
    remise_frais: bool,
    le: date,
    premiere: date,
) -> list[str]:
    """Ce qui met le plan hors de la politique de l'étude (le principal clerc l'approuve) :
    plus d'échéances que de mois de la durée, ou une dernière échéance au-delà de la durée
    comptée depuis l'accord (`le`) ; une remise que l'étude n'accorde pas d'elle-même."""
    motifs = []
    derniere = calcul.ajouter_mois(premiere, nombre - 1)
    if nombre > politique.duree_max_mois or derniere > fin_de_la_duree(politique, le=le):
        motifs.append(
            f"{nombre} échéances mensuelles, la dernière le {date_fr(derniere)}, "
            f"{mois_entames(le, derniere)} mois après l'accord : au-delà de la durée de "
            f"l'étude ({politique.duree_max_mois} mois)"
        )
    if remise_interets and not politique.remise_interets_autorisee:
        motifs.append("remise des intérêts")
    if remise_frais and not politique.remise_frais_autorisee:
        motifs.append("remise des frais")
    return motifs


@dataclass(frozen=True)
class CoutDelais:
    """L'émolument A444-44 (délais de paiement, prestation n° 204, à la charge du débiteur)
    qu'un plan coûtera s'il est payé aux dates prévues : HT et TTC, ou pourquoi il n'y en a
    pas, ou pourquoi il ne se calcule pas (tarif absent : `manque`, jamais un chiffre
    supposé)."""

    titre_executoire: bool
    ht: Decimal | None = None
    ttc: Decimal | None = None
    explication: str = ""
    manque: str = ""
    a_verifier: tuple[str, ...] = ()


def cout_a444_44(echeances, *, titre_executoire: bool) -> CoutDelais:
    """L'émolument A444-44 d'un plan dont les `echeances` (objets à `date`) sont payées à
    leur date : `comptabilite.tarif.calculer_emoluments_delais_paiement`, au jour de la
    dernière, qui est le versement du solde (il ne compte pas). La TVA est celle du tarif
    (`tarif.ttc`, 20 %). Seul un débiteur poursuivi en vertu d'un titre exécutoire le doit
    (A444-44) ; la nuit le passe au grand livre au fil des versements (`_emolument_a444_44`)."""
    from comptabilite import tarif

    if not titre_executoire:
        return CoutDelais(
            titre_executoire=False,
            explication="aucun : dossier sans titre exécutoire (A444-44 ne vise que le "
            "débiteur poursuivi en vertu d'un titre exécutoire)",
        )
    dates = sorted(e.date for e in echeances)
    if not dates:
        raise ValueError("Un plan compte au moins une échéance.")
    try:
        detail = tarif.calculer_emoluments_delais_paiement(
            dates, le=dates[-1], dernier_est_solde=True
        )
    except DonneeManquante as manque:
        return CoutDelais(
            titre_executoire=True, manque=f"Émolument A444-44 non calculé : {manque}"
        )
    if detail.montant == 0:
        explication = (
            "rien : le plan est soldé avant la fin des six mois qui suivent le premier "
            "versement (A444-44)"
        )
    else:
        explication = (
            f"{detail.explication} Dû à partir du {date_fr(detail.exigible_le)}, six mois "
            "après le premier versement ; le versement du solde ne compte pas."
        )
    return CoutDelais(
        titre_executoire=True,
        ht=detail.montant,
        ttc=tarif.ttc(detail.montant),
        explication=explication,
        a_verifier=detail.a_verifier,
    )


@dataclass
class Propositions:
    du: Du
    montant: Decimal
    capacite: Capacite | None
    propositions: list[calcul.Proposition] = field(default_factory=list)
    erreurs: list[str] = field(default_factory=list)
    politique: PolitiqueEcheancier | None = None
    titre_executoire: bool = False
    # Le plan de l'offre du débiteur (mensualité ou nombre d'échéances), s'il en a fait une.
    offre: calcul.Proposition | None = None


def propositions_calculer(
    dossier: Dossier,
    *,
    le: date,
    premiere: date,
    remise_interets: bool = False,
    remise_frais: bool = False,
    mensualite: Decimal | None = None,
    nombre: int | None = None,
) -> Propositions:
    """Les plans à proposer au débiteur et, s'il propose une `mensualite` ou un `nombre`
    d'échéances, le plan de son offre (rien n'est enregistré)."""
    politique = PolitiqueEcheancier.de(dossier.etude_id)
    du = du_du_dossier(dossier)
    montant = du.a_echelonner(remise_interets=remise_interets, remise_frais=remise_frais)
    resultat = Propositions(
        du=du,
        montant=montant,
        capacite=None,
        politique=politique,
        titre_executoire=_titre_delivre(dossier) is not None,
    )
    try:
        premiere_echeance_controler(politique, le=le, premiere=premiere)
    except ValidationError as erreur:
        resultat.erreurs.extend(erreur.messages)
        return resultat
    if montant <= 0:
        resultat.erreurs.append("Rien n'est dû : il n'y a rien à échelonner.")
        return resultat
    try:
        resultat.capacite = capacite_du_debiteur(dossier, le=le)
    except DonneeManquante as manque:
        resultat.erreurs.append(str(manque))
        capacite = ZERO
    else:
        capacite = resultat.capacite.mensuelle
    # Une première échéance différée laisse moins de mois dans la durée de l'étude.
    resultat.propositions = calcul.proposer(
        montant,
        capacite=capacite,
        duree_max_mois=echeances_dans_la_duree(politique, le=le, premiere=premiere),
        premiere=premiere,
    )
    if mensualite is not None and mensualite > 0:
        trop = calcul.nombre_pour_mensualite(montant, mensualite)
        if trop > NOMBRE_MAX_ECHEANCES:
            resultat.erreurs.append(_trop_d_echeances(trop, mensualite))
            return resultat
    if mensualite is not None or nombre is not None:
        try:
            offre = calcul.proposition_de_l_offre(
                montant,
                mensualite=mensualite,
                nombre=nombre,
                capacite=capacite,
                duree_max_mois=echeances_dans_la_duree(politique, le=le, premiere=premiere),
                premiere=premiere,
            )
        except ValueError as erreur:
            resultat.erreurs.append(f"Offre du débiteur : {erreur}")
        else:
            if offre.nombre > NOMBRE_MAX_ECHEANCES:
                resultat.erreurs.append(_trop_d_echeances(offre.nombre, mensualite))
            else:
                resultat.offre = offre
    return resultat


# Au-delà, même le principal clerc ne peut approuver le plan (dix ans).
NOMBRE_MAX_ECHEANCES = 120


def _trop_d_echeances(nombre: int, mensualite: Decimal | None) -> str:
    debut = f"Une mensualité de {euros(mensualite)}" if mensualite else "Ce plan"
    return (
        f"{debut} donnerait {nombre} échéances : un plan en compte au plus "
        f"{NOMBRE_MAX_ECHEANCES} ; proposez une mensualité plus forte."
    )


# --- Accepter, approuver ----------------------------------------------------------------------


def _cause(echeancier: Echeancier) -> str:
    return f"echeancier-{echeancier.pk}"


def _interets_reprendre(echeancier: Echeancier, *, acteur, au: date, raison: str) -> None:
    """Plan qui remettait les intérêts, déchu ou terminé : leur cours reprend pour les jours
    après `au` sur le restant dû (comptabilite.services.interets_reprendre), sans rattrapage
    des jours du plan. Rien pour un plan qui ne les remettait pas."""
    if not echeancier.remise_interets:
        return
    from comptabilite.services import interets_reprendre

    interets_reprendre(
        acteur=acteur,
        dossier=echeancier.dossier,
        au=au,
        cause_id=_cause(echeancier),
        raison=raison,
    )


def interets_arreter_plans_en_cours() -> dict:
    """Rattrapage des plans en cours qui remettent les intérêts et n'ont pas d'arrêt de leur
    cours (acceptés avant qu'il existe) : arrêt du jour de l'accord, intérêts passés depuis
    repris au crédit (`comptabilite.services.interets_suspendre`), un plan par transaction,
    événement d'audit signé « nuit ». Rend le nombre de plans arrêtés et les erreurs (texte
    français). Idempotent : un plan qui a son arrêt n'est plus relu."""
    from comptabilite.models import SuspensionInterets
    from comptabilite.services import interets_suspendre

    deja = set(
        SuspensionInterets.objects.filter(cause_id__startswith="echeancier-").values_list(
            "cause_id", flat=True
        )
    )
    resume = {"arretes": 0, "erreurs": []}
    plans = Echeancier.objects.filter(etat=EtatEcheancier.EN_COURS, remise_interets=True)
    for pk in plans.order_by("pk").values_list("pk", flat=True):
        if f"echeancier-{pk}" in deja:
            continue
        try:
            with transaction.atomic():
                plan = (
                    Echeancier.objects.select_for_update(of=("self",))
                    .select_related("dossier")
                    .get(pk=pk)
                )
                if plan.etat != EtatEcheancier.EN_COURS:
                    continue
                arret = interets_suspendre(
                    acteur=None,
                    dossier=plan.dossier,
                    depuis=plan.accepte_le,
                    cause_id=_cause(plan),
                    motif=f"échéancier n° {plan.pk} (remise des intérêts, rattrapage)",
                )
        except (ValidationError, DonneeManquante) as erreur:
            message = " ".join(getattr(erreur, "messages", [str(erreur)]))
            resume["erreurs"].append(f"Échéancier n° {pk} : {message}")
            continue
        resume["arretes"] += arret is not None
    return resume


def _remises_passer(echeancier: Echeancier, *, acteur: Utilisateur, le: date) -> dict:
    """Le plan court : la remise d'intérêts ou de frais qu'il décide passe au grand livre,
    dans la transaction de la décision (comptabilite.services.remise_enregistrer). Rend les
    montants remis, pour l'événement d'audit de la décision."""
    if not (echeancier.remise_interets or echeancier.remise_frais):
        return {}
    from comptabilite.models import SoldeDossier
    from comptabilite.services import interets_suspendre, remise_enregistrer

    interets = ZERO
    if echeancier.remise_interets:
        # Le plan remet les intérêts : leur cours s'arrête du jour de l'accord tant qu'il
        # court (repris à la déchéance du terme ou à sa fin : `_interets_reprendre`), et
        # tous les intérêts dus ce jour-là sont remis (le montant du plan n'en compte pas).
        interets_suspendre(
            acteur=acteur,
            dossier=echeancier.dossier,
            depuis=echeancier.accepte_le,
            cause_id=_cause(echeancier),
            motif=f"échéancier n° {echeancier.pk} (remise des intérêts)",
        )
        solde = SoldeDossier.objects.filter(pk=echeancier.dossier_id).first()
        interets = max(solde.interets, ZERO) if solde is not None else ZERO
    ecritures = remise_enregistrer(
        acteur=acteur,
        dossier=echeancier.dossier,
        interets=interets,
        frais=echeancier.du_frais if echeancier.remise_frais else ZERO,
        le=le,
        cause_id=_cause(echeancier),
        motif=f"échéancier n° {echeancier.pk}",
    )
    remis = {"interets": ZERO, "frais": ZERO}
    for e in ecritures:
        if e.poste in remis:
            remis[e.poste] += e.montant
    return {"remise_" + poste: str(montant) for poste, montant in remis.items()}


@transaction.atomic
def echeancier_accepter(
    *,
    acteur: Utilisateur,
    dossier: Dossier,
    nombre: int | None = None,
    mensualite: Decimal | None = None,
    premiere: date,
    le: date,
    remise_interets: bool = False,
    remise_frais: bool = False,
) -> Echeancier:
    """Enregistre le plan que le débiteur accepte : `nombre` échéances mensuelles égales à
    partir de `premiere`, ou des échéances de `mensualite` (son offre, la dernière ajustée
    au centime), sur le dû du grand livre (moins ce qui est remis). Dans la politique de
    l'étude, le plan court aussitôt ; hors politique, il attend le principal clerc."""
    _exiger_ecriture(acteur, dossier)
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if (nombre is None) == (mensualite is None):
        raise ValidationError(
            {"nombre": "Indiquez le nombre d'échéances ou la mensualité, l'un des deux."}
        )
    if mensualite is not None and (
        not isinstance(mensualite, Decimal)
        or mensualite <= 0
        or mensualite != mensualite.quantize(Decimal("0.01"))
    ):
        raise ValidationError(
            {"mensualite": "La mensualité est un montant positif en euros, au centime."}
        )
    if nombre is not None and (
        not isinstance(nombre, int) or not 1 <= nombre <= NOMBRE_MAX_ECHEANCES
    ):
        raise ValidationError(
            {"nombre": f"Le nombre d'échéances va de 1 à {NOMBRE_MAX_ECHEANCES}."}
        )
    politique = PolitiqueEcheancier.de(dossier.etude_id)
    premiere_echeance_controler(politique, le=le, premiere=premiere)
    if dossier.statut not in ("ouvert", "suspendu"):
        raise RegleMetier(f"Le dossier {dossier.reference} est {dossier.get_statut_display()}.")
    if Echeancier.objects.filter(dossier=dossier).actifs().exists():
        raise RegleMetier("Ce dossier a déjà un échéancier en cours ou à approuver.")
    du = du_du_dossier(dossier)
    montant = du.a_echelonner(remise_interets=remise_interets, remise_frais=remise_frais)
    if montant <= 0:
        raise RegleMetier("Rien n'est dû : il n'y a rien à échelonner.")
    try:
        capacite = capacite_du_debiteur(dossier, le=le).mensuelle
    except DonneeManquante:
        capacite = None  # un plan peut être accepté sans revenus connus ; la page le dit
    if mensualite is not None:
        trop = calcul.nombre_pour_mensualite(montant, mensualite)
        if trop > NOMBRE_MAX_ECHEANCES:
            raise ValidationError({"mensualite": _trop_d_echeances(trop, mensualite)})
    try:
        if mensualite is not None:
            prevues = calcul.echelonner_par_mensualite(
                montant, mensualite=mensualite, premiere=premiere
            )
        else:
            prevues = calcul.echelonner(montant, nombre=nombre, premiere=premiere)
    except ValueError as erreur:
        raise ValidationError({"nombre": str(erreur)}) from None
    nombre = len(prevues)
    if nombre > NOMBRE_MAX_ECHEANCES:
        raise ValidationError({"mensualite": _trop_d_echeances(nombre, mensualite)})
    motifs = motifs_hors_politique(
        politique,
        nombre=nombre,
        remise_interets=remise_interets,
        remise_frais=remise_frais,
        le=le,
        premiere=premiere,
    )
    echeancier = Echeancier(
        etude_id=dossier.etude_id,
        dossier=dossier,
        montant=montant,
        du_frais=du.frais,
        du_interets=du.interets,
        du_principal=du.principal,
        remise_interets=remise_interets,
        remise_frais=remise_frais,
        nombre=nombre,
        capacite=capacite,
        motifs_hors_politique=motifs,
        accepte_le=le,
        accepte_par=acteur,
    )
    if motifs:
        echeancier.soumettre()
    else:
        echeancier.ouvrir()
    echeancier.save()
    Echeance.objects.bulk_create(
        Echeance(echeancier=echeancier, rang=p.rang, date=p.date, montant=p.montant)
        for p in prevues
    )
    remises = {} if motifs else _remises_passer(echeancier, acteur=acteur, le=le)
    libelle = (
        f"Échéancier accepté : {nombre} échéances de {euros(prevues[0].montant)} "
        f"(dernière {euros(prevues[-1].montant)}), total {euros(montant)}, à partir du "
        f"{date_fr(premiere)}"
    )
    if mensualite is not None:
        libelle += f" (offre du débiteur : {euros(mensualite)} par mois)"
    if motifs:
        libelle += " ; hors politique (" + ", ".join(motifs) + ") : à approuver"
    evenement_enregistrer(
        etude_id=dossier.etude_id,
        acteur=acteur,
        action="echeancier_accepter",
        libelle=libelle,
        objet=echeancier,
        dossier=dossier,
        apres=instantane(
            echeancier,
            ["etat", "montant", "nombre", "remise_interets", "remise_frais", "accepte_le"],
        )
        | {"motifs_hors_politique": motifs}
        | ({"mensualite_proposee": str(mensualite)} if mensualite is not None else {})
        | remises,
    )
    return echeancier


@transaction.atomic
def echeancier_decider(
    *, acteur: Utilisateur, echeancier: Echeancier, approuve: bool, commentaire: str = ""
) -> Echeancier:
    """Le principal clerc (ou le commissaire) approuve ou refuse un plan hors politique."""
    _exiger_ecriture(acteur, echeancier)
    if not acteur.est_principal:
        raise PermissionDenied(
            "Seuls le principal clerc et le commissaire de justice approuvent un échéancier "
            "hors politique."
        )
    echeancier = Echeancier.objects.select_for_update().get(pk=echeancier.pk)
    if echeancier.etat != EtatEcheancier.A_APPROUVER:
        raise RegleMetier("Cet échéancier n'attend pas d'approbation.")
    if not approuve and not commentaire.strip():
        raise ValidationError({"commentaire": "Indiquez pourquoi le plan est refusé."})
    avant = instantane(echeancier, ["etat"])
    if approuve:
        echeancier.approuver()
    else:
        echeancier.refuser()
    echeancier.decide_par = acteur
    echeancier.decide_le = timezone.now()
    echeancier.commentaire_decision = commentaire.strip()
    echeancier.save(update_fields=["etat", "decide_par", "decide_le", "commentaire_decision"])
    remises = (
        _remises_passer(echeancier, acteur=acteur, le=timezone.localdate()) if approuve else {}
    )
    evenement_enregistrer(
        etude_id=echeancier.etude_id,
        acteur=acteur,
        action="echeancier_approuver" if approuve else "echeancier_refuser",
        libelle=(
            "Échéancier hors politique approuvé"
            if approuve
            else f"Échéancier hors politique refusé : {commentaire.strip()}"
        ),
        objet=echeancier,
        dossier=echeancier.dossier,
        avant=avant,
        apres=instantane(echeancier, ["etat", "commentaire_decision"]) | remises,
    )
    return echeancier


# --- Rapprochement des versements --------------------------------------------------------------


def versements_du_plan(echeancier: Echeancier, *, le: date) -> list[tuple[date, Decimal]]:
    """Les versements du dossier depuis l'accord du plan jusqu'au `le`, hors versements
    annulés par contre-passation (date de valeur, montant)."""
    from comptabilite.models import Ecriture, Versement

    annule = Ecriture.objects.filter(versement=OuterRef("pk"), contre_passe__isnull=False)
    return list(
        Versement.objects.filter(
            dossier_id=echeancier.dossier_id,
            date_valeur__gte=echeancier.accepte_le,
            date_valeur__lte=le,
        )
        .exclude(Exists(annule))
        .order_by("date_valeur", "id")
        .values_list("date_valeur", "montant")
    )


def _evenement_nuit(echeancier: Echeancier, acteur, action: str, libelle: str, **valeurs):
    evenement_enregistrer(
        etude_id=echeancier.etude_id,
        acteur=acteur,
        action=action,
        libelle=libelle,
        objet=echeancier,
        dossier=echeancier.dossier,
        **valeurs,
    )


def _evenement_plan(
    echeancier: Echeancier, acteur, action: str, libelle: str, *, avant=None, apres=None
) -> Evenement:
    """L'événement d'un changement d'état d'un plan, pas encore écrit : mêmes colonnes
    qu'`evenement_enregistrer` ; la passe de nuit les écrit en masse à la fin de son lot."""
    return Evenement(
        etude_id=echeancier.etude_id,
        acteur=acteur,
        acteur_libelle=ACTEUR_NUIT
        if acteur is None
        else (acteur.get_full_name() or acteur.username)[:150],
        action=action,
        libelle=libelle[:300],
        objet_type=Echeancier._meta.label,
        objet_id=str(echeancier.pk),
        dossier_id=echeancier.dossier_id,
        avant=avant or {},
        apres=apres or {},
    )


@dataclass
class ResultatRapprochement:
    echeances_changees: int = 0
    nouvelles_manquees: int = 0
    solde: bool = False
    a_decheoir: bool = False
    emolument_passe: Decimal = ZERO
    avertissements: list[str] = field(default_factory=list)


def _titre_delivre(dossier: Dossier) -> date | None:
    """Date de délivrance du titre exécutoire (A444-44 : délais accordés au débiteur
    « poursuivi en vertu d'une décision de justice ou d'un acte ou d'un titre en forme
    exécutoire »), ou None sans titre."""
    titre = dossier.titres.order_by("date_titre", "id").first()
    return titre.date_titre if titre else None


CHAMPS_ECHEANCE = ["paye", "etat", "payee_le", "manquee_le"]


@dataclass
class _Rapproche:
    """Ce que le rapprochement d'un plan change, en mémoire : échéances et champs du plan
    à écrire, événements à écrire."""

    resultat: ResultatRapprochement
    echeances: list[Echeance] = field(default_factory=list)
    champs: set[str] = field(default_factory=set)
    evenements: list[Evenement] = field(default_factory=list)


def _rapprocher_en_memoire(
    echeancier: Echeancier,
    echeances: list[Echeance],
    versements: list[tuple[date, Decimal]],
    *,
    politique: PolitiqueEcheancier,
    titre: bool,
    le: date,
    acteur: Utilisateur | None,
) -> _Rapproche:
    """Le rapprochement d'un plan en cours au `le` (`echeancier_rapprocher` et la passe de
    nuit, par lots) : états des échéances, manquements constatés une fois, déchéance
    possible, émolument A444-44 (seule écriture faite ici : au grand livre, par
    `frais_enregistrer`), plan soldé. Met à jour `echeancier` et `echeances` en mémoire ;
    rend ce qu'il faut écrire. Un plan que rien ne change rend des listes vides et, si
    `rapproche_le` vaut déjà `le`, aucun champ."""
    fait = _Rapproche(ResultatRapprochement())
    resultat = fait.resultat
    echeances = sorted(echeances, key=lambda e: e.rang)
    prevues = [calcul.EcheancePrevue(e.rang, e.date, e.montant) for e in echeances]
    rapprochement = calcul.rapprocher(prevues, versements, le=le)
    for echeance, etat in zip(echeances, rapprochement.echeances, strict=True):
        nouvelle_manquee = etat.manquee and echeance.manquee_le is None
        if (echeance.paye, echeance.etat, echeance.payee_le) == (
            etat.paye,
            etat.etat,
            etat.payee_le,
        ) and not nouvelle_manquee:
            continue
        avant = instantane(echeance, CHAMPS_ECHEANCE)
        echeance.paye, echeance.etat, echeance.payee_le = etat.paye, etat.etat, etat.payee_le
        if nouvelle_manquee:
            echeance.manquee_le = le
            resultat.nouvelles_manquees += 1
        fait.echeances.append(echeance)
        if avant["etat"] != echeance.etat or nouvelle_manquee:
            fait.evenements.append(
                _evenement_plan(
                    echeancier,
                    acteur,
                    "echeance_etat",
                    f"Échéance {echeance.rang} du {date_fr(echeance.date)} "
                    f"({euros(echeance.montant)}) : "
                    f"{EtatEcheance(echeance.etat).label.lower()}, payé {euros(echeance.paye)}",
                    avant=avant,
                    apres=instantane(echeance, CHAMPS_ECHEANCE),
                )
            )
    resultat.echeances_changees = len(fait.echeances)
    if echeancier.verse != rapprochement.verse:
        echeancier.verse = rapprochement.verse
        fait.champs.add("verse")
    # Déchéance possible : la grâce de l'étude est passée depuis la plus ancienne échéance
    # manquée ; le débiteur qui se remet à jour sort de cette liste.
    manquees = rapprochement.manquees
    possible = (
        calcul.decheance_possible_le(manquees[0].date, grace_jours=politique.grace_jours)
        if manquees
        else None
    )
    a_decheoir = possible if possible is not None and possible <= le else None
    if a_decheoir != echeancier.a_decheoir_depuis:
        avant = instantane(echeancier, ["a_decheoir_depuis"])
        echeancier.a_decheoir_depuis = a_decheoir
        fait.champs.add("a_decheoir_depuis")
        fait.evenements.append(
            _evenement_plan(
                echeancier,
                acteur,
                "echeancier_a_decheoir" if a_decheoir else "echeancier_a_jour",
                (
                    f"Échéance du {date_fr(manquees[0].date)} impayée après la grâce de "
                    f"{politique.grace_jours} jours : déchéance du terme à prononcer (après "
                    f"mise en demeure)"
                    if a_decheoir
                    else "Le débiteur s'est remis à jour : plus de déchéance à prononcer"
                ),
                avant=avant,
                apres=instantane(echeancier, ["a_decheoir_depuis"]),
            )
        )
    resultat.a_decheoir = a_decheoir is not None
    if titre and _emolument_a444_44(echeancier, rapprochement, le, acteur, fait) is not None:
        fait.champs.add("emolument_percu")
    if rapprochement.solde_le is not None:
        avant = instantane(echeancier, ["etat", "solde_le"])
        echeancier.solder()
        echeancier.solde_le = rapprochement.solde_le
        _interets_reprendre(
            echeancier,
            acteur=acteur,
            au=rapprochement.solde_le,
            raison=f"échéancier soldé le {date_fr(rapprochement.solde_le)}",
        )
        fait.champs |= {"etat", "solde_le"}
        resultat.solde = True
        fait.evenements.append(
            _evenement_plan(
                echeancier,
                acteur,
                "echeancier_solder",
                f"Échéancier soldé le {date_fr(rapprochement.solde_le)} "
                f"({euros(rapprochement.verse)} versés)",
                avant=avant,
                apres=instantane(echeancier, ["etat", "solde_le"]),
            )
        )
    if fait.champs or echeancier.rapproche_le != le:
        echeancier.rapproche_le = le
        fait.champs.add("rapproche_le")
    return fait


@transaction.atomic
def echeancier_rapprocher(
    *, echeancier: Echeancier, le: date, acteur: Utilisateur | None = None
) -> ResultatRapprochement:
    """Rapproche les versements du dossier des échéances au `le` : état de chaque échéance
    (payée, partielle, en retard), manquement constaté une fois (`manquee_le`, que lit le
    scénario de relance), plan soldé, déchéance possible après la grâce de l'étude,
    émolument A444-44 passé au grand livre. Idempotent pour un même `le` : une seconde
    exécution n'écrit rien. Un plan à la fois (écrans, déchéance) ; la nuit passe par
    `passe_echeances`, par lots, avec le même calcul."""
    if acteur is not None:
        _exiger_ecriture(acteur, echeancier)
    echeancier = (
        Echeancier.objects.select_for_update().select_related("dossier").get(pk=echeancier.pk)
    )
    if echeancier.etat != EtatEcheancier.EN_COURS:
        return ResultatRapprochement()
    fait = _rapprocher_en_memoire(
        echeancier,
        list(echeancier.echeances.all()),
        versements_du_plan(echeancier, le=le),
        politique=PolitiqueEcheancier.de(echeancier.etude_id),
        titre=_titre_delivre(echeancier.dossier) is not None,
        le=le,
        acteur=acteur,
    )
    if fait.echeances:
        Echeance.objects.bulk_update(fait.echeances, CHAMPS_ECHEANCE)
    inserer_evenements(fait.evenements)
    if fait.champs:
        echeancier.save(update_fields=sorted(fait.champs))
    return fait.resultat


def _emolument_a444_44(echeancier, rapprochement, le, acteur, fait: _Rapproche) -> Decimal | None:
    """Passe au grand livre ce qui reste dû de l'émolument A444-44 (dossier à titre
    exécutoire) ; rend le nouveau total passé, ou None si rien n'a changé. Tarif manquant :
    avertissement, rien n'est passé."""
    from comptabilite import tarif
    from comptabilite.models import NatureEcriture
    from comptabilite.services import frais_enregistrer

    resultat = fait.resultat
    if not rapprochement.acomptes:
        return None
    try:
        du = tarif.calculer_emoluments_delais_paiement(
            rapprochement.acomptes, le=le, dernier_est_solde=rapprochement.solde_le is not None
        ).montant
    except DonneeManquante as manque:
        resultat.avertissements.append(f"Émolument A444-44 non calculé : {manque}")
        return None
    difference = du - echeancier.emolument_percu
    if difference <= 0:
        return None
    frais_enregistrer(
        acteur=acteur,
        dossier=echeancier.dossier,  # lu ici seulement (lot de nuit : rare)
        nature=NatureEcriture.EMOLUMENT,
        montant_ht=difference,
        date_valeur=le,
        libelle="Émolument des délais de paiement (C. com. A444-44, n° 204)",
        cause_id=f"echeancier-{echeancier.pk}",
    )
    echeancier.emolument_percu = du
    resultat.emolument_passe = difference
    if acteur is None:
        fait.evenements.append(
            _evenement_plan(
                echeancier,
                None,
                "echeancier_emolument",
                f"Émolument A444-44 passé : {euros(difference)} HT (total {euros(du)})",
                apres={"emolument_percu": str(du)},
            )
        )
    return du


# --- Mise en demeure et déchéance du terme ---------------------------------------------------


@transaction.atomic
def echeancier_mettre_en_demeure(
    *, acteur: Utilisateur, echeancier: Echeancier, le: date
) -> Echeancier:
    """Constate l'envoi de la mise en demeure préalable à la déchéance du terme : elle n'est
    possible qu'une fois la grâce de l'étude passée après une échéance manquée. Une par
    défaut : si le débiteur a régularisé après une mise en demeure puis manqué une nouvelle
    échéance, le nouveau défaut demande une nouvelle mise en demeure ; la date de
    l'ancienne est gardée (`mises_en_demeure_anterieures`, événement d'audit)."""
    _exiger_ecriture(acteur, echeancier)
    echeancier = Echeancier.objects.select_for_update().get(pk=echeancier.pk)
    if echeancier.etat != EtatEcheancier.EN_COURS:
        raise RegleMetier("Seul un échéancier en cours peut faire l'objet d'une mise en demeure.")
    if echeancier.a_decheoir_depuis is None or le < echeancier.a_decheoir_depuis:
        raise RegleMetier(
            "Aucune échéance n'est impayée au-delà de la grâce de l'étude : pas de mise en "
            "demeure."
        )
    if echeancier.mise_en_demeure_en_vigueur:
        raise RegleMetier(
            f"La mise en demeure a déjà été faite le {date_fr(echeancier.mise_en_demeure_le)} "
            f"pour ce défaut (déchéance possible depuis le "
            f"{date_fr(echeancier.a_decheoir_depuis)})."
        )
    avant = instantane(echeancier, ["mise_en_demeure_le", "mises_en_demeure_anterieures"])
    if echeancier.mise_en_demeure_le is not None:
        echeancier.mises_en_demeure_anterieures = [
            *echeancier.mises_en_demeure_anterieures,
            echeancier.mise_en_demeure_le.isoformat(),
        ]
    echeancier.mise_en_demeure_le = le
    echeancier.save(update_fields=["mise_en_demeure_le", "mises_en_demeure_anterieures"])
    politique = PolitiqueEcheancier.de(echeancier.etude_id)
    libelle = (
        f"Mise en demeure du {date_fr(le)} : payer l'arriéré sous "
        f"{politique.delai_mise_en_demeure_jours} jours, faute de quoi la déchéance du terme "
        f"sera prononcée"
    )
    if avant["mise_en_demeure_le"]:
        libelle += (
            f" (nouveau défaut depuis le {date_fr(echeancier.a_decheoir_depuis)} ; la mise en "
            f"demeure du {date_fr(date.fromisoformat(avant['mise_en_demeure_le']))} visait un "
            "défaut régularisé)"
        )
    _evenement_nuit(
        echeancier,
        acteur,
        "echeancier_mettre_en_demeure",
        libelle,
        avant=avant,
        apres=instantane(echeancier, ["mise_en_demeure_le", "mises_en_demeure_anterieures"]),
    )
    return echeancier


def scenario_non_repris(dossier_id: int) -> str:
    """Pourquoi la suite « reprise du scénario » ne ferait rien repartir (texte français),
    ou "" si elle le peut : le dossier suit un scénario, qui court ou qu'un plan arrête (la
    campagne suivante le reprend). Sans scénario, ou arrêté pour une autre raison
    (contestation, retrait, étapes épuisées…), le dossier resterait sans suite."""
    affectation = AffectationScenario.objects.filter(dossier_id=dossier_id).first()
    if affectation is None:
        return (
            "Le dossier ne suit aucun scénario de relance : la reprise du scénario ne ferait "
            "rien repartir. Choisissez la voie judiciaire, ou affectez d'abord un scénario "
            "depuis la fiche du dossier."
        )
    if affectation.arret not in ("", MotifArret.PLAN):
        return (
            f"Le scénario du dossier est arrêté ({affectation.get_arret_display().lower()}) "
            "et un plan déchu ne le fait pas reprendre : choisissez la voie judiciaire, ou "
            "réaffectez d'abord un scénario depuis la fiche du dossier."
        )
    return ""


def decheance_possible_a_partir_du(echeancier: Echeancier) -> date | None:
    """Premier jour où la déchéance peut être prononcée : le lendemain du délai laissé par
    la mise en demeure du défaut en cours ; None sans mise en demeure pour ce défaut."""
    if not echeancier.mise_en_demeure_en_vigueur:
        return None
    politique = PolitiqueEcheancier.de(echeancier.etude_id)
    return echeancier.mise_en_demeure_le + timedelta(
        days=politique.delai_mise_en_demeure_jours + 1
    )


@transaction.atomic
def echeancier_prononcer_decheance(
    *, acteur: Utilisateur, echeancier: Echeancier, le: date, suite: str
) -> Echeancier:
    """Prononce la déchéance du terme : tout le solde redevient exigible. Il faut une
    mise en demeure faite pour le défaut en cours (le jour où la déchéance est devenue
    possible, ou après) et restée sans effet pendant le délai de l'étude, et une échéance
    toujours impayée au `le`. Le dossier retourne à son scénario de relance (s'il en suit
    un), ou passe en phase judiciaire."""
    _exiger_ecriture(acteur, echeancier)
    if suite not in SuiteDecheance.values:
        raise ValidationError({"suite": "Choisissez la suite : scénario ou voie judiciaire."})
    if suite == SuiteDecheance.SCENARIO:
        empechement = scenario_non_repris(echeancier.dossier_id)
        if empechement:
            raise ValidationError({"suite": empechement})
    echeancier_rapprocher(echeancier=echeancier, le=le, acteur=acteur)
    echeancier = (
        Echeancier.objects.select_for_update().select_related("dossier").get(pk=echeancier.pk)
    )
    if echeancier.etat != EtatEcheancier.EN_COURS:
        raise RegleMetier(
            f"L'échéancier est {echeancier.get_etat_display().lower()} : pas de déchéance."
        )
    if echeancier.a_decheoir_depuis is None:
        raise RegleMetier("Le débiteur est à jour de ses échéances : pas de déchéance.")
    possible = decheance_possible_a_partir_du(echeancier)
    if possible is None and echeancier.mise_en_demeure_le is not None:
        raise RegleMetier(
            f"La mise en demeure du {date_fr(echeancier.mise_en_demeure_le)} visait un défaut "
            f"que le débiteur a régularisé ; le défaut en cours (déchéance possible depuis le "
            f"{date_fr(echeancier.a_decheoir_depuis)}) demande une nouvelle mise en demeure, "
            "restée sans effet pendant son délai."
        )
    if possible is None:
        raise RegleMetier("La déchéance du terme suppose une mise en demeure préalable.")
    if le < possible:
        raise RegleMetier(
            f"La mise en demeure du {date_fr(echeancier.mise_en_demeure_le)} laisse au "
            f"débiteur jusqu'au {date_fr(possible - timedelta(days=1))} : déchéance possible "
            f"à partir du {date_fr(possible)}."
        )
    avant = instantane(echeancier, CHAMPS_SUIVI)
    echeancier.prononcer_decheance()
    echeancier.dechu_le = le
    echeancier.suite = suite
    echeancier.save(update_fields=["etat", "dechu_le", "suite"])
    _interets_reprendre(
        echeancier, acteur=acteur, au=le, raison=f"déchéance du terme du {date_fr(le)}"
    )
    _evenement_nuit(
        echeancier,
        acteur,
        "echeancier_prononcer_decheance",
        f"Déchéance du terme prononcée le {date_fr(le)} ; suite : "
        f"{SuiteDecheance(suite).label.lower()}",
        avant=avant,
        apres=instantane(echeancier, CHAMPS_SUIVI),
    )
    dossier = echeancier.dossier
    if suite == SuiteDecheance.JUDICIAIRE and dossier.phase != Phase.JUDICIAIRE:
        avant_dossier = instantane(dossier, ["phase"])
        dossier.phase = Phase.JUDICIAIRE
        dossier.save(update_fields=["phase", "modifie_le"])
        evenement_enregistrer(
            etude_id=dossier.etude_id,
            acteur=acteur,
            action="dossier_phase",
            libelle="Dossier passé en phase judiciaire après la déchéance du terme",
            objet=dossier,
            dossier=dossier,
            avant=avant_dossier,
            apres=instantane(dossier, ["phase"]),
        )
    return echeancier


# --- Lectures pour le scénario de relance et les files ---------------------------------------


def echeances_manquees(le: date, *, etude_id: int | None = None):
    """Les échéances dont la nuit du `le` a constaté le manquement (une fois chacune), des
    plans toujours en cours : c'est l'étape de relance « échéance manquée » que le scénario
    de relance déclenche. `Echeance` a `echeancier.dossier_id`, `rang`, `date`, `montant`,
    `paye` ; une seule ligne par échéance et par manquement."""
    requete = Echeance.objects.filter(
        manquee_le=le, echeancier__etat=EtatEcheancier.EN_COURS
    ).select_related("echeancier")
    if etude_id is not None:
        requete = requete.filter(echeancier__etude_id=etude_id)
    return requete


def dossiers_sous_echeancier(etude_id: int | None = None):
    """Ids des dossiers dont un plan est en cours ou à approuver : le scénario de relance
    s'arrête pour eux (« un plan accepté arrête le scénario »)."""
    requete = Echeancier.objects.actifs()
    if etude_id is not None:
        requete = requete.filter(etude_id=etude_id)
    return requete.values_list("dossier_id", flat=True)


# --- Nuit ------------------------------------------------------------------------------------


def plans_a_rapprocher(le: date):
    """Les plans en cours que la nuit du `le` peut changer, choisis en une requête pour ne
    pas relire chaque plan chaque nuit :
    - une échéance échue au `le` dont l'état ou le manquement n'est pas encore constaté ;
    - des versements (non contre-passés) dont la somme depuis l'accord diffère du versé
      enregistré (nouveau versement, versement annulé) ;
    - une échéance en retard sur un plan pas encore à déchoir (la grâce court) ;
    - un émolument A444-44 encore à zéro sur un dossier à titre exécutoire qui a reçu des
      versements (le délai de six mois peut s'achever sans nouveau versement).
    Un plan qui n'est dans aucun de ces cas donnerait un rapprochement sans écriture."""
    from comptabilite.models import Ecriture, Versement
    from dossiers.models import TitreExecutoire

    echeances = Echeance.objects.filter(echeancier=OuterRef("pk"))
    a_constater = (
        echeances.filter(date__lt=le)
        .exclude(etat=EtatEcheance.PAYEE)
        .filter(Q(manquee_le__isnull=True) | ~Q(etat=EtatEcheance.EN_RETARD))
    )
    annule = Ecriture.objects.filter(versement=OuterRef("pk"), contre_passe__isnull=False)
    verses = (
        Versement.objects.filter(
            dossier_id=OuterRef("dossier_id"),
            date_valeur__gte=OuterRef("accepte_le"),
            date_valeur__lte=le,
        )
        .exclude(Exists(annule))
        .order_by()
        .values("dossier_id")
        .annotate(total=Sum("montant"))
        .values("total")
    )
    titre = TitreExecutoire.objects.filter(dossier_id=OuterRef("dossier_id"))
    return (
        Echeancier.objects.filter(etat=EtatEcheancier.EN_COURS, accepte_le__lte=le)
        .annotate(verse_au=Coalesce(Subquery(verses), Value(ZERO)))
        .filter(
            Exists(a_constater)
            | ~Q(verse_au=F("verse"))
            | Q(a_decheoir_depuis__isnull=True, etat=EtatEcheancier.EN_COURS)
            & Exists(echeances.filter(etat=EtatEcheance.EN_RETARD))
            | Q(verse__gt=0, emolument_percu=0) & Exists(titre)
        )
    )


# Plans par lot de la nuit : une transaction, une poignée de requêtes par lot.
LOT_NUIT = 1000


def _compte_vide() -> dict:
    return {
        "plans": 0,
        "echeances_changees": 0,
        "nouvelles_manquees": 0,
        "soldes": 0,
        "a_decheoir": 0,
        "emoluments": "0.00",
        "avertissements": 0,
    }


def _compter(compte: dict, resultat: ResultatRapprochement, exemples: list[str]) -> None:
    compte["plans"] += 1
    compte["echeances_changees"] += resultat.echeances_changees
    compte["nouvelles_manquees"] += resultat.nouvelles_manquees
    compte["soldes"] += int(resultat.solde)
    compte["a_decheoir"] += int(resultat.a_decheoir)
    compte["emoluments"] = str(Decimal(compte["emoluments"]) + resultat.emolument_passe)
    if resultat.avertissements:
        compte["avertissements"] += 1
        if len(exemples) < 3:
            exemples.extend(resultat.avertissements)


def passe_echeances(le: date, *, lot: int = LOT_NUIT) -> dict:
    """Partie « echeances » de la nuit : rapproche au `le` chaque plan en cours que la nuit
    peut changer (`plans_a_rapprocher`), par lots de `lot` plans : une transaction et une
    poignée de requêtes par lot (plans verrouillés, leurs échéances, les versements et les
    titres de leurs dossiers ; échéances et plans mis à jour chacun par une requête,
    événements écrits en masse). Même calcul que `echeancier_rapprocher`. Idempotente :
    relancée pour la même date, elle n'écrit rien."""
    compte = _compte_vide()
    exemples: list[str] = []
    ids = _ids_a_rapprocher(le)
    politiques: dict[int, PolitiqueEcheancier] = {}
    for debut in range(0, len(ids), lot):
        for resultat in _rapprocher_lot(ids[debut : debut + lot], le, politiques):
            _compter(compte, resultat, exemples)
    if exemples:
        compte["exemples_avertissements"] = exemples
    return compte


def _ids_a_rapprocher(le: date) -> list[int]:
    """Les plans à rapprocher, en une requête, sans la compilation JIT de PostgreSQL : son
    estimation de coût la déclenche (≈ 0,6 s mesurées à 200 000 dossiers) pour une requête
    qui lit peu de lignes grâce aux index partiels des échéances."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as curseur:
                curseur.execute("SET LOCAL jit = off")
        return list(plans_a_rapprocher(le).order_by("pk").values_list("pk", flat=True))


def passe_echeances_plan_par_plan(le: date) -> dict:
    """L'ancien chemin de la partie « echeances » : un plan par transaction
    (`echeancier_rapprocher`, ≈ 7 requêtes par plan). Gardé comme référence des tests
    (mêmes résultats que `passe_echeances`) et du banc (`bench/echeances_nuit.py`)."""
    compte = _compte_vide()
    exemples: list[str] = []
    ids = plans_a_rapprocher(le)
    for pk in ids.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=2000):
        _compter(compte, echeancier_rapprocher(echeancier=Echeancier(pk=pk), le=le), exemples)
    if exemples:
        compte["exemples_avertissements"] = exemples
    return compte


@transaction.atomic
def _rapprocher_lot(
    ids: list[int], le: date, politiques: dict[int, PolitiqueEcheancier]
) -> list[ResultatRapprochement]:
    from comptabilite.models import Ecriture, Versement
    from dossiers.models import TitreExecutoire

    plans = list(
        Echeancier.objects.select_for_update(of=("self",))
        .filter(pk__in=ids, etat=EtatEcheancier.EN_COURS)
        .order_by("pk")
    )
    if not plans:
        return []
    dossiers = [p.dossier_id for p in plans]
    echeances: dict[int, list[Echeance]] = {p.pk: [] for p in plans}
    for echeance in Echeance.objects.filter(echeancier_id__in=echeances).order_by(
        "echeancier_id", "rang"
    ):
        echeances[echeance.echeancier_id].append(echeance)
    annule = Ecriture.objects.filter(versement=OuterRef("pk"), contre_passe__isnull=False)
    versements: dict[int, list[tuple[date, Decimal]]] = {d: [] for d in dossiers}
    for dossier_id, jour, montant in (
        Versement.objects.filter(dossier_id__in=dossiers, date_valeur__lte=le)
        .exclude(Exists(annule))
        .order_by("dossier_id", "date_valeur", "id")
        .values_list("dossier_id", "date_valeur", "montant")
    ):
        versements[dossier_id].append((jour, montant))
    titres = set(
        TitreExecutoire.objects.filter(dossier_id__in=dossiers).values_list(
            "dossier_id", flat=True
        )
    )
    resultats, echeances_changees, plans_changes, evenements = [], [], [], []
    for plan in plans:
        if plan.etude_id not in politiques:
            politiques[plan.etude_id] = PolitiqueEcheancier.de(plan.etude_id)
        fait = _rapprocher_en_memoire(
            plan,
            echeances[plan.pk],
            [v for v in versements[plan.dossier_id] if v[0] >= plan.accepte_le],
            politique=politiques[plan.etude_id],
            titre=plan.dossier_id in titres,
            le=le,
            acteur=None,
        )
        resultats.append(fait.resultat)
        echeances_changees += fait.echeances
        evenements += fait.evenements
        if fait.champs:
            plans_changes.append(plan)
    _ecrire_echeances(echeances_changees)
    _ecrire_plans(plans_changes)
    inserer_evenements(evenements)
    return resultats


# Colonnes du suivi de nuit d'un plan (les seules que le rapprochement change).
CHAMPS_PLAN_NUIT = ["verse", "a_decheoir_depuis", "emolument_percu", "etat", "solde_le"]


def _ecrire_echeances(echeances: list[Echeance]) -> None:
    """Une requête pour toutes les échéances changées du lot (UPDATE … FROM unnest)."""
    if not echeances:
        return
    if connection.vendor != "postgresql":
        Echeance.objects.bulk_update(echeances, CHAMPS_ECHEANCE, batch_size=500)
        return
    with connection.cursor() as curseur:
        curseur.execute(
            """
            UPDATE relances_echeance e
            SET paye = v.paye, etat = v.etat, payee_le = v.payee_le, manquee_le = v.manquee_le
            FROM unnest(%s::bigint[], %s::numeric[], %s::varchar[], %s::date[], %s::date[])
                AS v(id, paye, etat, payee_le, manquee_le)
            WHERE e.id = v.id
            """,
            [
                [e.pk for e in echeances],
                [e.paye for e in echeances],
                [e.etat for e in echeances],
                [e.payee_le for e in echeances],
                [e.manquee_le for e in echeances],
            ],
        )


def _ecrire_plans(plans: list[Echeancier]) -> None:
    """Une requête pour tous les plans changés du lot : leur suivi de nuit et la date du
    rapprochement (lignes verrouillées par le lot : rien d'autre ne les a changées)."""
    if not plans:
        return
    if connection.vendor != "postgresql":
        Echeancier.objects.bulk_update(plans, CHAMPS_PLAN_NUIT + ["rapproche_le"], batch_size=500)
        return
    with connection.cursor() as curseur:
        curseur.execute(
            """
            UPDATE relances_echeancier p
            SET verse = v.verse, a_decheoir_depuis = v.a_decheoir_depuis,
                emolument_percu = v.emolument_percu, etat = v.etat, solde_le = v.solde_le,
                rapproche_le = v.rapproche_le
            FROM unnest(%s::bigint[], %s::numeric[], %s::date[], %s::numeric[], %s::varchar[],
                        %s::date[], %s::date[])
                AS v(id, verse, a_decheoir_depuis, emolument_percu, etat, solde_le,
                     rapproche_le)
            WHERE p.id = v.id
            """,
            [
                [p.pk for p in plans],
                [p.verse for p in plans],
                [p.a_decheoir_depuis for p in plans],
                [p.emolument_percu for p in plans],
                [p.etat for p in plans],
                [p.solde_le for p in plans],
                [p.rapproche_le for p in plans],
            ],
        )
