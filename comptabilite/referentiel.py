"""Lecture des tables de référence pour les calculs purs (interets, saisissable, tarif).

Seul module de calcul à toucher l'ORM : il charge les petites tables de référence en
dataclasses simples, gardées en mémoire par processus, et rend la valeur en vigueur à une
date. Une période absente lève `DonneeManquante` avec un message qui dit quoi saisir et où ;
on ne retombe jamais sur la valeur d'une autre période (DOMAINE.md, décision 15).

Le cache est relu au plus tard après `DUREE_CACHE_SECONDES` (un taux saisi dans
l'administration atteint ainsi les workers sans redémarrage) ; `vider_cache()` le vide tout
de suite (tests, enregistrement dans l'administration).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from comptabilite.monnaie import date_fr
from etude.errors import DonneeManquante

DUREE_CACHE_SECONDES = 300

_ADMIN = "dans l'administration (Comptabilité › {table})"


@dataclass(frozen=True)
class Provenance:
    """D'où vient une valeur, et si elle est confirmée (domaine/argent.md)."""

    texte: str
    source: str
    confirme: bool
    remarque: str = ""

    def avertissement(self, quoi: str) -> str | None:
        """Phrase à montrer quand la valeur n'est pas confirmée ; None sinon."""
        if self.confirme:
            return None
        message = f"{quoi} non confirmé(e) ({self.texte}) : à vérifier avant tout acte."
        return f"{message} {self.remarque}" if self.remarque else message


@dataclass(frozen=True)
class Valeur:
    """Un taux ou un montant daté, avec sa provenance."""

    valeur: Decimal
    provenance: Provenance


@dataclass(frozen=True)
class BaremeSaisie:
    annee: int
    tranches: tuple[tuple[Decimal | None, Fraction], ...]
    majoration_par_personne_a_charge: Decimal
    provenance: Provenance


@dataclass(frozen=True)
class PeriodeTarifaire:
    debut: date
    fin: date | None
    provenance: Provenance

    @property
    def libelle(self) -> str:
        fin = date_fr(self.fin) if self.fin else "sans terme"
        return f"tarif du {date_fr(self.debut)} au {fin}"


@dataclass(frozen=True)
class BaremeTarifaire:
    article: str
    periode: PeriodeTarifaire
    seuil_forfait: Decimal
    forfait: Decimal
    plafond: Decimal
    tranches: tuple[tuple[Decimal | None, Decimal | None], ...]
    provenance: Provenance


@dataclass(frozen=True)
class BaremeCoefficient:
    periode: PeriodeTarifaire
    tranches: tuple[tuple[Decimal | None, Decimal], ...]
    provenance: Provenance


@dataclass(frozen=True)
class EmolumentFixe:
    code: str
    article: str
    libelle: str
    montant: Decimal
    applicable_depuis: date | None
    periode: PeriodeTarifaire
    provenance: Provenance


@dataclass(frozen=True)
class _TauxBCE:
    date_effet: date
    taux: Decimal
    en_vigueur_au_moins_jusqu_au: date | None
    provenance: Provenance


@dataclass(frozen=True)
class _MontantRSA:
    debut: date
    fin: date
    montant: Decimal
    provenance: Provenance


@dataclass(frozen=True)
class _Tables:
    taux_legaux: dict[tuple[date, str], Valeur]
    taux_bce: tuple[_TauxBCE, ...]
    baremes_saisie: dict[int, BaremeSaisie]
    rsa: tuple[_MontantRSA, ...]
    periodes: tuple[PeriodeTarifaire, ...]
    baremes_tarifaires: dict[tuple[date, str], BaremeTarifaire]
    coefficients: dict[date, BaremeCoefficient]
    emoluments: dict[tuple[date, str], EmolumentFixe]


def _provenance(ligne) -> Provenance:
    return Provenance(
        texte=ligne.texte, source=ligne.source, confirme=ligne.confirme, remarque=ligne.remarque
    )


def _borne(valeur) -> Decimal | None:
    return None if valeur is None else Decimal(str(valeur))


@lru_cache(maxsize=2)
def _tables(epoque: int) -> _Tables:
    # Import tardif : les modules purs importent ce module à l'appel seulement, et le
    # chargement de Django n'est nécessaire qu'ici.
    from comptabilite import models

    periodes = {
        p.pk: PeriodeTarifaire(debut=p.debut, fin=p.fin, provenance=_provenance(p))
        for p in models.PeriodeTarifaire.objects.all()
    }
    return _Tables(
        taux_legaux={
            (t.semestre_debut, t.categorie): Valeur(t.taux, _provenance(t))
            for t in models.TauxInteretLegal.objects.all()
        },
        taux_bce=tuple(
            _TauxBCE(t.date_effet, t.taux, t.en_vigueur_au_moins_jusqu_au, _provenance(t))
            for t in models.TauxBCE.objects.order_by("date_effet")
        ),
        baremes_saisie={
            b.annee: BaremeSaisie(
                annee=b.annee,
                tranches=tuple(
                    (_borne(t["jusqu_a"]), Fraction(str(t["fraction"]))) for t in b.tranches
                ),
                majoration_par_personne_a_charge=b.majoration_par_personne_a_charge,
                provenance=_provenance(b),
            )
            for b in models.BaremeSaisie.objects.all()
        },
        rsa=tuple(
            _MontantRSA(r.debut, r.fin, r.montant, _provenance(r))
            for r in models.MontantRSA.objects.order_by("debut")
        ),
        periodes=tuple(sorted(periodes.values(), key=lambda p: p.debut)),
        baremes_tarifaires={
            (periodes[b.periode_id].debut, b.article): BaremeTarifaire(
                article=b.article,
                periode=periodes[b.periode_id],
                seuil_forfait=b.seuil_forfait,
                forfait=b.forfait,
                plafond=b.plafond,
                tranches=tuple((_borne(t["jusqu_a"]), _borne(t["taux"])) for t in b.tranches),
                provenance=_provenance(b),
            )
            for b in models.BaremeTarifaire.objects.all()
        },
        coefficients={
            periodes[c.periode_id].debut: BaremeCoefficient(
                periode=periodes[c.periode_id],
                tranches=tuple(
                    (_borne(t["jusqu_a"]), Decimal(str(t["coefficient"]))) for t in c.tranches
                ),
                provenance=_provenance(c),
            )
            for c in models.BaremeCoefficient.objects.all()
        },
        emoluments={
            (periodes[e.periode_id].debut, e.code): EmolumentFixe(
                code=e.code,
                article=e.article,
                libelle=e.libelle,
                montant=e.montant,
                applicable_depuis=e.applicable_depuis,
                periode=periodes[e.periode_id],
                provenance=_provenance(e),
            )
            for e in models.EmolumentFixe.objects.all()
        },
    )


def _courantes() -> _Tables:
    return _tables(int(time.monotonic() // DUREE_CACHE_SECONDES))


def vider_cache() -> None:
    """Oublie les tables gardées en mémoire : la prochaine lecture interroge la base."""
    _tables.cache_clear()


def _semestre(debut: date) -> str:
    return f"{'1er' if debut.month == 1 else '2e'} semestre {debut.year}"


# --- Intérêts -------------------------------------------------------------------------------


def taux_interet_legal(semestre_debut: date, categorie: str) -> Valeur:
    """Taux de l'intérêt légal du semestre commençant à `semestre_debut` (CMF L313-2)."""
    trouve = _courantes().taux_legaux.get((semestre_debut, categorie))
    if trouve is None:
        qui = "créancier particulier" if categorie == "particulier" else "tous les autres cas"
        raise DonneeManquante(
            f"Taux de l'intérêt légal du {_semestre(semestre_debut)} ({qui}) non saisi : "
            f"saisir {_ADMIN.format(table='Taux de l’intérêt légal')} le taux fixé par "
            f"l'arrêté semestriel (CMF L313-2), avec sa source."
        )
    return trouve


def taux_bce(jour: date) -> Valeur:
    """Taux BCE des opérations principales de refinancement en vigueur le `jour`.

    Le dernier taux saisi ne vaut que jusqu'à `en_vigueur_au_moins_jusqu_au` : au-delà, on
    ne sait pas s'il a changé, et l'on s'arrête plutôt que de le supposer.
    """
    taux = _courantes().taux_bce
    manquant = DonneeManquante(
        f"Taux BCE des opérations principales de refinancement inconnu au {date_fr(jour)} : "
        f"saisir {_ADMIN.format(table='Taux BCE')} la décision en vigueur à cette date "
        f"(C. com. L441-10), avec sa source."
    )
    applicables = [t for t in taux if t.date_effet <= jour]
    if not applicables:
        raise manquant
    courant = applicables[-1]
    if courant is taux[-1]:
        connu_jusqu_au = max(
            courant.date_effet, courant.en_vigueur_au_moins_jusqu_au or courant.date_effet
        )
        if jour > connu_jusqu_au:
            raise manquant
    return Valeur(courant.taux, courant.provenance)


# --- Saisie des rémunérations -----------------------------------------------------------------


def bareme_saisie(annee: int) -> BaremeSaisie:
    """Barème de l'année (C. trav. R3252-2 et R3252-3, décret annuel)."""
    trouve = _courantes().baremes_saisie.get(annee)
    if trouve is None:
        raise DonneeManquante(
            f"Barème de saisie des rémunérations {annee} non saisi : saisir "
            f"{_ADMIN.format(table='Barèmes de saisie des rémunérations')} les seuils annuels "
            f"et la majoration par personne à charge du décret pour {annee} (C. trav. R3252-2 "
            f"et R3252-3), avec sa source."
        )
    return trouve


def montant_rsa(jour: date) -> Valeur:
    """Montant forfaitaire du RSA pour une personne seule en vigueur le `jour`."""
    for ligne in _courantes().rsa:
        if ligne.debut <= jour <= ligne.fin:
            return Valeur(ligne.montant, ligne.provenance)
    raise DonneeManquante(
        f"Montant forfaitaire du RSA (personne seule) inconnu au {date_fr(jour)} : saisir "
        f"{_ADMIN.format(table='Montants forfaitaires du RSA')} le montant en vigueur à cette "
        f"date et sa période (CASF L262-2, C. trav. R3252-5), avec sa source."
    )


# --- Tarif des commissaires de justice ------------------------------------------------------


def periode_tarifaire(jour: date) -> PeriodeTarifaire:
    """Période du tarif réglementé qui couvre le `jour`."""
    couvrantes = [
        p for p in _courantes().periodes if p.debut <= jour and (p.fin is None or jour <= p.fin)
    ]
    if len(couvrantes) > 1:
        raise DonneeManquante(
            f"Plusieurs périodes tarifaires couvrent le {date_fr(jour)} : corriger "
            f"{_ADMIN.format(table='Périodes tarifaires')} pour qu'elles ne se chevauchent pas."
        )
    if not couvrantes:
        raise DonneeManquante(
            f"Aucune période du tarif des commissaires de justice ne couvre le {date_fr(jour)} : "
            f"saisir {_ADMIN.format(table='Périodes tarifaires')} l'arrêté en vigueur (nouveau "
            f"tarif ou prorogation), puis ses barèmes et émoluments."
        )
    return couvrantes[0]


def bareme_tarifaire(article: str, jour: date) -> BaremeTarifaire:
    """Barème proportionnel de l'article (A444-15, A444-31, A444-32) en vigueur le `jour`."""
    periode = periode_tarifaire(jour)
    trouve = _courantes().baremes_tarifaires.get((periode.debut, article))
    if trouve is None:
        raise DonneeManquante(
            f"Barème de l'article {article} du code de commerce non saisi pour le "
            f"{periode.libelle} : saisir {_ADMIN.format(table='Barèmes tarifaires')} ses "
            f"tranches, son forfait et son plafond, avec leur source."
        )
    return trouve


def coefficients_a444_46(jour: date) -> BaremeCoefficient:
    """Coefficients des émoluments fixes (C. com. A444-46) en vigueur le `jour`."""
    periode = periode_tarifaire(jour)
    trouve = _courantes().coefficients.get(periode.debut)
    if trouve is None:
        raise DonneeManquante(
            f"Coefficients de l'article A444-46 non saisis pour le {periode.libelle} : saisir "
            f"{_ADMIN.format(table='Coefficients A444-46')} les tranches et coefficients, avec "
            f"leur source."
        )
    return trouve


def emolument_fixe(code: str, jour: date) -> EmolumentFixe:
    """Émolument fixe HT de la prestation `code` en vigueur le `jour`."""
    periode = periode_tarifaire(jour)
    trouve = _courantes().emoluments.get((periode.debut, code))
    if trouve is None or (trouve.applicable_depuis and jour < trouve.applicable_depuis):
        raise DonneeManquante(
            f"Émolument de la prestation « {code} » non saisi pour le {periode.libelle} (au "
            f"{date_fr(jour)}) : saisir {_ADMIN.format(table='Émoluments fixes')} son montant "
            f"HT et sa source."
        )
    return trouve
