"""Décompte d'un dossier à une date : module pur (ni ORM ni Django).

Il reçoit des valeurs simples lues par le service (`comptabilite.grand_livre`) : les écritures
du grand livre jusqu'à la date, les paramètres d'intérêts du titre et les taux des semestres
couverts. Il rend le principal, les intérêts morceau par morceau, les frais, les versements et
leur imputation, et ce qui reste dû.

Intérêts (DOMAINE.md, décisions 1, 3 et 4) :
- l'intérêt court chaque jour d avec `du < d <= au` ; un morceau est coupé à chaque
  changement de semestre, au premier jour de la majoration (CMF L313-3), à chaque mouvement
  du principal (l'intérêt suit le principal que les versements réduisent : un mouvement
  daté m porte sur les jours d > m) et à chaque anniversaire de capitalisation ;
- chaque morceau vaut `principal × jours × taux / 36 500`, arrondi au centime (demi
  supérieur) ; le total est la somme des morceaux (`comptabilite.interets.interet_morceau`) ;
- capitalisation (C. civ. 1343-2) seulement si le titre la prévoit, et à chaque anniversaire
  du point de départ des intérêts : les intérêts échus et impayés, dus pour une année
  entière, deviennent du principal (Cass. 2e civ. 8 janv. 2015, n° 13-26657 : « un nouveau
  capital ») ; jamais au 31 décembre (l'exemple F783 qui le fait n'est pas suivi).

Le décompte égale la somme des écritures : les intérêts et capitalisations que le calcul
trouve mais que le grand livre n'a pas encore passés (la nuit n'est pas encore passée, ou la
date demandée est dans le futur) sont montrés à part, « à comptabiliser ».
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from comptabilite.interets import POINTS_MAJORATION, debut_semestre, fin_semestre, interet_morceau
from comptabilite.monnaie import ZERO, date_fr, euros

# Régimes d'intérêts (miroir de grand_livre.Regime, sans importer l'ORM).
AUCUN = "aucun"
LEGAL_PARTICULIER = "particulier"
LEGAL_AUTRE = "autre"
CONTRACTUEL = "contractuel"
COMMERCIAL = "commercial"
REGIMES_LEGAUX = (LEGAL_PARTICULIER, LEGAL_AUTRE)


@dataclass(frozen=True)
class ParametresInterets:
    """Ce que le titre dit des intérêts."""

    regime: str = AUCUN
    depuis: date | None = None
    taux_fixe: Decimal | None = None
    # Premier jour du taux majoré (CMF L313-3), None si sans objet ou écartée par le juge.
    majoration_depuis: date | None = None
    capitalisation: bool = False


@dataclass(frozen=True)
class Morceau:
    """Jours d avec `debut < d <= fin`, sur `principal`, au `taux` annuel en %."""

    debut: date
    fin: date
    jours: int
    principal: Decimal
    taux: Decimal
    montant: Decimal
    majore: bool = False
    # Jours où le cours des intérêts est arrêté (échéancier qui les remet) : taux et
    # montant nuls.
    suspendu: bool = False


@dataclass(frozen=True)
class Capitalisation:
    date: date
    montant: Decimal


@dataclass(frozen=True)
class CalculInterets:
    morceaux: tuple[Morceau, ...]
    capitalisations: tuple[Capitalisation, ...]
    # Principal après tous les mouvements et capitalisations jusqu'à `au` inclus.
    principal_final: Decimal
    au: date

    @property
    def total(self) -> Decimal:
        return sum((m.montant for m in self.morceaux), ZERO)

    @property
    def morceaux_visibles(self) -> tuple[Morceau, ...]:
        return tuple(m for m in self.morceaux if m.principal > 0 and m.jours > 0)

    def etat_nuit(self) -> tuple[date, Decimal, Decimal]:
        """(début, principal, intérêt déjà arrondi) du morceau qui continue après `au`, pour
        que la nuit ajoute l'intérêt du jour suivant sans relire l'historique."""
        if self.morceaux:
            dernier = self.morceaux[-1]
            if (
                dernier.fin == self.au
                and dernier.principal == self.principal_final
                and not dernier.suspendu
            ):
                return dernier.debut, dernier.principal, dernier.montant
        # Après un morceau arrêté (ou à la reprise), le morceau suivant part de `au`.
        return self.au, self.principal_final, ZERO


def anniversaire(depart: date, ans: int) -> date:
    """Même quantième `ans` années plus tard ; le 29 février devient le 28 (C. civ. 2229)."""
    annee = depart.year + ans
    return date(annee, depart.month, min(depart.day, calendar.monthrange(annee, depart.month)[1]))


Suspension = tuple[date, date | None]


def fusionner_suspensions(suspensions: Sequence[Suspension]) -> list[Suspension]:
    """Périodes d'arrêt du cours (jours d avec `du < d <= au`, `au` None : sans fin), triées
    et fusionnées quand elles se touchent ou se chevauchent."""
    fusion: list[list] = []
    for du, au in sorted(suspensions, key=lambda s: s[0]):
        if fusion and (fusion[-1][1] is None or du <= fusion[-1][1]):
            if fusion[-1][1] is not None and (au is None or au > fusion[-1][1]):
                fusion[-1][1] = au
            continue
        fusion.append([du, au])
    return [(du, au) for du, au in fusion]


def _suspendu(jour: date, suspensions: Sequence[Suspension]) -> Suspension | None:
    """La période d'arrêt qui contient le jour `jour` (du < jour <= au), ou None."""
    for du, au in suspensions:
        if du < jour and (au is None or jour <= au):
            return du, au
    return None


def semestres_necessaires(
    du: date, au: date, suspensions: Sequence[Suspension] = ()
) -> list[date]:
    """Débuts des semestres dont un jour d avec `du < d <= au` porte intérêt (un semestre
    entièrement compris dans un arrêt du cours n'a pas besoin de son taux)."""
    suspensions = fusionner_suspensions(suspensions)
    semestres: list[date] = []
    curseur = du
    while curseur < au:
        premier = curseur + timedelta(days=1)
        fin = min(au, fin_semestre(premier))
        arret = _suspendu(premier, suspensions)
        if arret is None or (arret[1] is not None and arret[1] < fin):
            semestres.append(debut_semestre(premier))
        curseur = fin_semestre(premier)
    return semestres


def calculer_interets(
    parametres: ParametresInterets,
    *,
    au: date,
    mouvements_principal: Sequence[tuple[date, Decimal]],
    paiements_interets: Sequence[tuple[date, Decimal]] = (),
    taux_par_semestre: Mapping[date, Decimal] | None = None,
    suspensions: Sequence[Suspension] = (),
) -> CalculInterets:
    """Intérêts de `parametres.depuis` à `au`, sur un principal qui change.

    `mouvements_principal` : (date, variation signée) hors capitalisations, que ce calcul
    trouve lui-même ; un mouvement daté m vaut pour les jours d > m. `paiements_interets` :
    (date, montant) imputés sur les intérêts, pour savoir ce qui reste à capitaliser.
    `taux_par_semestre` : taux annuel en % par début de semestre (taux légal de la
    catégorie, ou taux BCE + 10 points pour L441-10), inutile au taux contractuel.
    `suspensions` : périodes (du, au) où le cours est arrêté (jours d avec du < d <= au ; au
    None : sans fin), p. ex. un échéancier qui remet les intérêts : chacune est un morceau
    à taux et montant nuls (`suspendu`), coupé à ses bornes ; le cours reprend le lendemain
    de sa fin sur le principal restant dû, sans rattrapage.
    """
    depuis = parametres.depuis
    mouvements = sorted(mouvements_principal)
    if parametres.regime == AUCUN or depuis is None or au <= depuis:
        principal = sum((d for m, d in mouvements if m <= au), ZERO)
        return CalculInterets((), (), principal, au)
    taux_par_semestre = taux_par_semestre or {}
    paiements = sorted(paiements_interets)
    principal = sum((d for m, d in mouvements if m <= depuis), ZERO)
    a_venir = [(m, d) for m, d in mouvements if m > depuis]
    coupures = {m for m, _ in a_venir}
    majoration = parametres.majoration_depuis if parametres.regime in REGIMES_LEGAUX else None
    if majoration is not None and depuis < majoration - timedelta(days=1) < au:
        coupures.add(majoration - timedelta(days=1))
    suspensions = fusionner_suspensions(suspensions)
    for debut_arret, fin_arret in suspensions:
        for borne in (debut_arret, fin_arret):
            if borne is not None and depuis < borne < au:
                coupures.add(borne)
    anniversaires: list[date] = []
    if parametres.capitalisation:
        rang = 1
        while (a := anniversaire(depuis, rang)) <= au:
            anniversaires.append(a)
            coupures.add(a)
            rang += 1
    morceaux: list[Morceau] = []
    capitalisations: list[Capitalisation] = []
    cumul = ZERO
    capitalise = ZERO
    curseur = depuis
    while curseur < au:
        premier = curseur + timedelta(days=1)
        majore = majoration is not None and premier >= majoration
        suspendu = _suspendu(premier, suspensions) is not None
        if suspendu:
            # Cours arrêté : un seul morceau nul jusqu'à la fin de l'arrêt (ou un mouvement
            # du principal, un anniversaire), sans coupure de semestre ni taux à lire.
            fin = min([au, *(c for c in coupures if c > curseur)])
            taux = montant = ZERO
        else:
            fin = min([au, fin_semestre(premier), *(c for c in coupures if c > curseur)])
            if parametres.regime == CONTRACTUEL:
                taux = parametres.taux_fixe or ZERO
            else:
                taux = taux_par_semestre[debut_semestre(premier)]
                if majore:
                    taux += POINTS_MAJORATION
        jours = (fin - curseur).days
        if not suspendu:
            montant = interet_morceau(principal, jours, taux) if principal > 0 else ZERO
        morceaux.append(Morceau(curseur, fin, jours, principal, taux, montant, majore, suspendu))
        cumul += montant
        for m, d in a_venir:
            if m == fin:
                principal += d
        if fin in anniversaires:
            # C. civ. 1343-2 : intérêts échus, dus pour une année entière, impayés à la date.
            payes = sum((p for j, p in paiements if j <= fin), ZERO)
            reste = cumul - payes - capitalise
            if reste > 0:
                capitalisations.append(Capitalisation(fin, reste))
                capitalise += reste
                principal += reste
        curseur = fin
    return CalculInterets(tuple(morceaux), tuple(capitalisations), principal, au)


# --- Le décompte ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LigneGrandLivre:
    """Une écriture, en valeurs simples."""

    id: int
    date_valeur: date
    nature: str
    poste: str
    sens: str
    montant: Decimal
    libelle: str
    versement_id: int | None = None
    cause: str = ""
    cause_id: str = ""
    # Nature de l'écriture d'origine, pour une contre-passation.
    nature_origine: str = ""
    contre_passee: bool = False

    @property
    def signe(self) -> Decimal:
        return self.montant if self.sens == "debit" else -self.montant

    @property
    def nature_effective(self) -> str:
        return self.nature_origine or self.nature


@dataclass(frozen=True)
class LigneFrais:
    date_valeur: date
    nature: str
    libelle: str
    montant: Decimal


@dataclass(frozen=True)
class VersementDecompte:
    id: int
    date_valeur: date
    montant: Decimal
    mode: str
    reference: str
    frais: Decimal
    interets: Decimal
    principal: Decimal
    excedent: Decimal
    annule: bool
    # Libellé du mode (« Virement », « Répartition entre créanciers »…), rempli par
    # `comptabilite.services.decompte_dossier` ; vide : le code du mode est montré.
    origine: str = ""

    @property
    def par_repartition(self) -> bool:
        """Part d'une répartition entre créanciers, passée par la répartition elle-même."""
        return self.mode == MODE_REPARTITION


@dataclass
class Decompte:
    le: date
    principal_titre: Decimal = ZERO
    capitalise: Decimal = ZERO
    capitalise_a_comptabiliser: Decimal = ZERO
    principal_rembourse: Decimal = ZERO
    principal_du: Decimal = ZERO
    morceaux: tuple[Morceau, ...] = ()
    interets_courus: Decimal | None = None
    interets_comptabilises: Decimal = ZERO
    interets_payes: Decimal = ZERO
    # Remises consenties dans un échéancier (à la charge du créancier).
    interets_remis: Decimal = ZERO
    interets_dus: Decimal | None = None
    frais: list[LigneFrais] = field(default_factory=list)
    frais_par_nature: dict[str, Decimal] = field(default_factory=dict)
    frais_total: Decimal = ZERO
    frais_payes: Decimal = ZERO
    frais_remis: Decimal = ZERO
    frais_dus: Decimal = ZERO
    droit_proportionnel: Decimal = ZERO
    versements: list[VersementDecompte] = field(default_factory=list)
    verse: Decimal = ZERO
    excedent: Decimal = ZERO
    # Somme signée des écritures jusqu'au `le` (débits - crédits, tous postes).
    solde_grand_livre: Decimal = ZERO
    erreurs: list[str] = field(default_factory=list)
    a_verifier: list[str] = field(default_factory=list)
    # Un versement saisi à la main du même montant et à la même date qu'une part de
    # répartition : rien n'est bloqué (ce peut être un autre paiement), le décompte le dit.
    doubles_possibles: list[str] = field(default_factory=list)

    @property
    def interets_a_comptabiliser(self) -> Decimal:
        if self.interets_courus is None:
            return ZERO
        return self.interets_courus - self.interets_comptabilises

    @property
    def total_du(self) -> Decimal | None:
        """Reste dû : ce que dit le grand livre, plus les intérêts pas encore passés."""
        if self.interets_dus is None:
            return None
        return self.principal_du + self.interets_dus + self.frais_dus - self.excedent


# Mode des versements passés par une répartition entre créanciers (ModeVersement).
MODE_REPARTITION = "repartition"

NATURES_FRAIS = ("frais", "emolument", "debours", "tva", "droit_proportionnel")


def etablir_decompte(
    *,
    le: date,
    ecritures: Sequence[LigneGrandLivre],
    versements: Sequence[tuple[int, date, Decimal, str, str]],
    calcul: CalculInterets | None,
    erreurs: Sequence[str] = (),
) -> Decompte:
    """Assemble le décompte au `le` à partir des écritures datées au plus tard `le` et du
    calcul des intérêts au `le` (None s'il n'a pas pu se faire : `erreurs` dit pourquoi)."""
    d = Decompte(le=le, erreurs=list(erreurs))
    retenues = [e for e in ecritures if e.date_valeur <= le]
    parts: dict[int, dict[str, Decimal]] = {}
    annules: set[int] = set()
    for e in retenues:
        if e.poste == "fonds":
            continue  # reversements au créancier : hors de la dette du débiteur
        d.solde_grand_livre += e.signe
        nature = e.nature_effective
        if e.poste == "principal":
            if nature == "principal":
                d.principal_titre += e.signe
            elif nature == "capitalisation":
                d.capitalise += e.signe
            else:
                d.principal_rembourse -= e.signe
        elif e.poste == "interets":
            if nature == "interets":
                d.interets_comptabilises += e.signe
            elif nature == "versement":
                d.interets_payes -= e.signe
            elif nature == "remise":
                d.interets_remis -= e.signe
        elif e.poste == "frais":
            if nature in NATURES_FRAIS:
                d.frais_total += e.signe
                d.frais_par_nature[nature] = d.frais_par_nature.get(nature, ZERO) + e.signe
                if nature == "droit_proportionnel":
                    d.droit_proportionnel += e.signe
                d.frais.append(LigneFrais(e.date_valeur, nature, e.libelle, e.signe))
            elif nature == "remise":
                d.frais_remis -= e.signe
            else:
                d.frais_payes -= e.signe
        elif e.poste == "excedent":
            d.excedent -= e.signe
        if e.versement_id is not None:
            poste = parts.setdefault(e.versement_id, {})
            poste[e.poste] = poste.get(e.poste, ZERO) - e.signe
            if e.nature == "contre_passation":
                annules.add(e.versement_id)
    for identifiant, date_valeur, montant, mode, reference in versements:
        if date_valeur > le:
            continue
        p = parts.get(identifiant, {})
        annule = identifiant in annules
        d.versements.append(
            VersementDecompte(
                id=identifiant,
                date_valeur=date_valeur,
                montant=montant,
                mode=mode,
                reference=reference,
                frais=p.get("frais", ZERO),
                interets=p.get("interets", ZERO),
                principal=p.get("principal", ZERO),
                excedent=p.get("excedent", ZERO),
                annule=annule,
            )
        )
        if not annule:
            d.verse += montant
    parts_repartition = {
        (v.date_valeur, v.montant) for v in d.versements if v.par_repartition and not v.annule
    }
    for v in d.versements:
        if (
            not v.annule
            and not v.par_repartition
            and (v.date_valeur, v.montant) in (parts_repartition)
        ):
            d.doubles_possibles.append(
                f"Le versement de {euros(v.montant)} du {date_fr(v.date_valeur)} saisi à la main "
                "a le même montant et la même date qu'une part de répartition entre créanciers "
                "déjà passée au grand livre : s'il s'agit du même argent, contre-passez le "
                "versement saisi à la main (sinon, il est déduit deux fois)."
            )
    capitalise_calcule = ZERO
    if calcul is not None:
        d.morceaux = calcul.morceaux_visibles
        d.interets_courus = calcul.total
        capitalise_calcule = sum((c.montant for c in calcul.capitalisations), ZERO)
        d.capitalise_a_comptabiliser = capitalise_calcule - d.capitalise
        # Intérêts dus = courus - payés - capitalisés (le calcul fait foi pour ce qui n'est
        # pas encore passé ; la différence avec le grand livre est « à comptabiliser »).
        d.interets_dus = (
            d.interets_courus - d.interets_payes - d.interets_remis - capitalise_calcule
        )
    d.principal_du = d.principal_titre + d.capitalise + d.capitalise_a_comptabiliser
    d.principal_du -= d.principal_rembourse
    d.frais_dus = d.frais_total - d.frais_payes - d.frais_remis
    return d
