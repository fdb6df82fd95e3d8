"""Le grand livre côté base : passer une écriture, tenir le solde en cache, recalculer les
intérêts d'un dossier. Appelé par les services (`comptabilite.services`) et par la nuit
(`comptabilite.nuit`), toujours dans leur transaction et sous le verrou du solde.

Verrou : toute opération qui écrit dans le grand livre d'un dossier commence par
`verrouiller_solde` (SELECT ... FOR UPDATE sur la ligne `SoldeDossier`) ; deux versements
simultanés, ou un versement pendant la nuit, s'exécutent donc l'un après l'autre, et le
résultat est celui de l'exécution en série.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from comptabilite import decompte as calcul
from comptabilite import etat_fonds
from comptabilite.interets import premier_jour_majoration, taux_penalites_retard
from comptabilite.models import (
    Cause,
    Ecriture,
    NatureEcriture,
    Poste,
    Sens,
    SoldeDossier,
    SuspensionInterets,
)
from comptabilite.models.grand_livre import Regime
from comptabilite.monnaie import ZERO, date_fr, pourcent
from dossiers.models import Dossier, TypeInterets

CHAMPS_SOLDE = ("frais", "interets", "principal", "excedent", "verse", "du")


# --- Lecture --------------------------------------------------------------------------------


def lignes(dossier_id: int, jusqu_au: date | None = None) -> list[calcul.LigneGrandLivre]:
    """Les écritures d'un dossier en valeurs simples, par date de valeur."""
    qs = Ecriture.objects.filter(dossier_id=dossier_id)
    if jusqu_au is not None:
        qs = qs.filter(date_valeur__lte=jusqu_au)
    return [
        calcul.LigneGrandLivre(
            id=e["id"],
            date_valeur=e["date_valeur"],
            nature=e["nature"],
            poste=e["poste"],
            sens=e["sens"],
            montant=e["montant"],
            libelle=e["libelle"],
            versement_id=e["versement_id"],
            cause=e["cause"],
            cause_id=e["cause_id"],
            nature_origine=e["contre_passe__nature"] or "",
            contre_passee=e["contre_passations__id"] is not None,
        )
        for e in qs.order_by("date_valeur", "id").values(
            "id",
            "date_valeur",
            "nature",
            "poste",
            "sens",
            "montant",
            "libelle",
            "versement_id",
            "cause",
            "cause_id",
            "contre_passe__nature",
            "contre_passations__id",
        )
    ]


def soldes_par_poste(ecritures, jusqu_au: date | None = None) -> dict[str, Decimal]:
    """Débits - crédits par poste (l'excédent est donc négatif quand il existe)."""
    soldes = dict.fromkeys(Poste.values, ZERO)
    for e in ecritures:
        if jusqu_au is None or e.date_valeur <= jusqu_au:
            soldes[e.poste] += e.signe
    return soldes


def parametres(solde: SoldeDossier) -> calcul.ParametresInterets:
    return calcul.ParametresInterets(
        regime=solde.regime,
        depuis=solde.interets_depuis,
        taux_fixe=solde.taux_fixe,
        majoration_depuis=solde.majoration_depuis,
        capitalisation=solde.capitalisation,
    )


def suspensions(dossier_id: int) -> list[calcul.Suspension]:
    """Périodes où le cours des intérêts du dossier est arrêté (jours d avec du < d <= au ;
    au None : toujours arrêté), lues dans `SuspensionInterets`."""
    return [
        (du, au)
        for du, au in SuspensionInterets.objects.filter(dossier_id=dossier_id)
        .order_by("du", "id")
        .values_list("du", "au")
    ]


def taux_des_semestres(
    params: calcul.ParametresInterets,
    au: date,
    arrets: Sequence[calcul.Suspension] = (),
) -> tuple[dict[date, Decimal], list[str]]:
    """Taux de chaque semestre couvert (hors semestres entièrement arrêtés : `arrets`), lus
    dans les tables de référence. Lève `DonneeManquante` (message qui dit quoi saisir) si un
    semestre manque."""
    from comptabilite import referentiel

    taux: dict[date, Decimal] = {}
    avertissements: list[str] = []
    if params.depuis is None or params.regime in (calcul.AUCUN, calcul.CONTRACTUEL):
        return taux, avertissements
    for semestre in calcul.semestres_necessaires(params.depuis, au, arrets):
        if params.regime == calcul.COMMERCIAL:
            taux[semestre] = taux_penalites_retard(semestre)
            continue
        valeur = referentiel.taux_interet_legal(semestre, params.regime)
        taux[semestre] = valeur.valeur
        quoi = f"Taux de l'intérêt légal du {date_fr(semestre)} ({pourcent(valeur.valeur)})"
        avertissement = valeur.provenance.avertissement(quoi)
        if avertissement and avertissement not in avertissements:
            avertissements.append(avertissement)
    return taux, avertissements


def mouvements(ecritures) -> tuple[list[tuple[date, Decimal]], list[tuple[date, Decimal]]]:
    """(mouvements du principal hors capitalisation, paiements imputés sur les intérêts)."""
    principal, interets = [], []
    for e in ecritures:
        nature = e.nature_effective
        if e.poste == Poste.PRINCIPAL and nature != NatureEcriture.CAPITALISATION:
            principal.append((e.date_valeur, e.signe))
        elif e.poste == Poste.INTERETS and nature in (
            NatureEcriture.VERSEMENT,
            NatureEcriture.REMISE,
        ):
            # Une remise (échéancier) éteint les intérêts comme un paiement : ils ne se
            # capitalisent plus.
            interets.append((e.date_valeur, -e.signe))
    return principal, interets


def calculer_interets(solde: SoldeDossier, ecritures, au: date) -> calcul.CalculInterets:
    params = parametres(solde)
    arrets = suspensions(solde.dossier_id)
    taux, _ = taux_des_semestres(params, au, arrets)
    principal, payes = mouvements(ecritures)
    return calcul.calculer_interets(
        params,
        au=au,
        mouvements_principal=principal,
        paiements_interets=payes,
        taux_par_semestre=taux,
        suspensions=arrets,
    )


def verifier_solde(dossier_id: int) -> dict[str, tuple[Decimal, Decimal]]:
    """Compare le solde en cache au recalcul depuis les écritures : {champ: (cache,
    recalcul)} pour chaque écart ; vide si le cache est juste."""
    solde = SoldeDossier.objects.filter(pk=dossier_id).first()
    ecritures = lignes(dossier_id)
    attendu = valeurs_solde(ecritures)
    if solde is None:
        return {k: (ZERO, v) for k, v in attendu.items() if v != ZERO}
    return {
        champ: (getattr(solde, champ), valeur)
        for champ, valeur in attendu.items()
        if getattr(solde, champ) != valeur
    }


def valeurs_solde(ecritures) -> dict[str, Decimal]:
    postes = soldes_par_poste(ecritures)
    verse = ZERO
    for e in ecritures:
        if e.nature_effective == NatureEcriture.VERSEMENT:
            verse -= e.signe
    valeurs = {
        "frais": postes[Poste.FRAIS],
        "interets": postes[Poste.INTERETS],
        "principal": postes[Poste.PRINCIPAL],
        "excedent": -postes[Poste.EXCEDENT],
        "verse": verse,
    }
    valeurs["du"] = (
        valeurs["frais"] + valeurs["interets"] + valeurs["principal"] - valeurs["excedent"]
    )
    return valeurs


# --- Écriture -------------------------------------------------------------------------------


def _exiger_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Le grand livre s'écrit dans la transaction d'un service.")


def verrouiller_solde(dossier: Dossier) -> SoldeDossier:
    """Verrouille (FOR UPDATE) le solde du dossier ; ouvre le grand livre s'il n'existe pas.

    L'ouverture se fait sous le verrou de la ligne du dossier, pour que deux premières
    opérations simultanées n'ouvrent pas deux fois le même grand livre.
    """
    _exiger_transaction()
    solde = SoldeDossier.objects.select_for_update().filter(pk=dossier.pk).first()
    if solde is not None:
        return solde
    Dossier.objects.select_for_update().filter(pk=dossier.pk).first()
    solde = SoldeDossier.objects.select_for_update().filter(pk=dossier.pk).first()
    if solde is None:
        solde = _ouvrir(dossier)
    return solde


def _regime(titre, creancier) -> tuple[str, Decimal | None]:
    if titre is None or titre.type_interets == TypeInterets.AUCUN:
        return Regime.AUCUN, None
    if titre.type_interets == TypeInterets.CONTRACTUEL:
        return Regime.CONTRACTUEL, titre.taux_contractuel
    if titre.type_interets == TypeInterets.COMMERCIAL:
        return Regime.COMMERCIAL, None
    # DOMAINE.md, décision 2 : la qualité du créancier choisit le taux légal.
    if creancier.creancier_particulier:
        return Regime.LEGAL_PARTICULIER, None
    return Regime.LEGAL_AUTRE, None


def _ouvrir(dossier: Dossier) -> SoldeDossier:
    """Crée le solde et passe le principal et les frais du titre (ou, sans titre, le
    principal réclamé, sans intérêts). Le premier titre du dossier fait foi."""
    titre = dossier.titres.order_by("date_titre", "id").first()
    regime, taux_fixe = _regime(titre, dossier.creancier)
    depuis = None
    majoration = None
    capitalisation = False
    if titre is not None:
        # C. civ. 1231-7 : à défaut d'autre point de départ, du prononcé de la décision.
        depuis = titre.interets_depuis or titre.date_titre
        if (
            regime in (Regime.LEGAL_PARTICULIER, Regime.LEGAL_AUTRE)
            and titre.date_force_executoire
            and not titre.majoration_ecartee
        ):
            # CMF L313-3 ; DOMAINE.md, décision 3.
            majoration = premier_jour_majoration(titre.date_force_executoire)
        capitalisation = titre.capitalisation
    if regime == Regime.AUCUN:
        depuis = None
    solde = SoldeDossier.objects.create(
        dossier=dossier,
        etude_id=dossier.etude_id,
        regime=regime,
        taux_fixe=taux_fixe,
        majoration_depuis=majoration,
        capitalisation=capitalisation,
        interets_depuis=depuis,
        interets_arretes_au=depuis,
        morceau_debut=depuis,
    )
    if titre is not None:
        date_principal = min(depuis or titre.date_titre, titre.date_titre)
        if titre.montant_principal > 0:
            passer(
                solde,
                date_valeur=date_principal,
                nature=NatureEcriture.PRINCIPAL,
                poste=Poste.PRINCIPAL,
                sens=Sens.DEBIT,
                montant=titre.montant_principal,
                libelle=f"Principal : {titre}"[:300],
                cause=Cause.TITRE,
                cause_id=str(titre.pk),
            )
        if titre.montant_frais > 0:
            passer(
                solde,
                date_valeur=titre.date_titre,
                nature=NatureEcriture.FRAIS,
                poste=Poste.FRAIS,
                sens=Sens.DEBIT,
                montant=titre.montant_frais,
                libelle="Frais alloués par le titre (art. 700, dépens)",
                cause=Cause.TITRE,
                cause_id=str(titre.pk),
            )
        solde.morceau_principal = solde.principal
        solde.save(update_fields=["morceau_principal"])
    else:
        passer(
            solde,
            date_valeur=dossier.ouvert_le,
            nature=NatureEcriture.PRINCIPAL,
            poste=Poste.PRINCIPAL,
            sens=Sens.DEBIT,
            montant=dossier.montant_principal,
            libelle="Principal réclamé (sans titre exécutoire)",
            cause=Cause.TITRE,
            cause_id="",
        )
    return solde


def passer(
    solde: SoldeDossier,
    *,
    date_valeur: date,
    nature: str,
    poste: str,
    sens: str,
    montant: Decimal,
    libelle: str,
    cause: str,
    cause_id: str = "",
    versement=None,
    contre_passe: Ecriture | None = None,
    motif: str = "",
    acteur=None,
    morceau: calcul.Morceau | None = None,
) -> Ecriture:
    """Passe une écriture et met à jour le solde verrouillé, dans la même transaction."""
    _exiger_transaction()
    if montant <= 0:
        raise ValueError(f"Une écriture porte un montant strictement positif : reçu {montant}.")
    ecriture = Ecriture.objects.create(
        etude_id=solde.etude_id,
        dossier_id=solde.dossier_id,
        date_valeur=date_valeur,
        nature=nature,
        poste=poste,
        sens=sens,
        montant=montant,
        libelle=libelle[:300],
        cause=cause,
        cause_id=cause_id,
        versement=versement,
        contre_passe=contre_passe,
        motif=motif,
        cree_par=acteur,
        periode_debut=morceau.debut if morceau else None,
        periode_fin=morceau.fin if morceau else None,
        taux=morceau.taux if morceau else None,
    )
    if etat_fonds.touche_les_fonds(nature, poste):
        # État des fonds détenus (nuit des fonds détenus), dans la même transaction.
        etat_fonds.actualiser([solde.dossier_id])
    signe = montant if sens == Sens.DEBIT else -montant
    if poste == Poste.FONDS:
        # Hors de la dette (reversements) : le solde du débiteur ne bouge pas.
        return ecriture
    if poste == Poste.EXCEDENT:
        solde.excedent -= signe
    else:
        setattr(solde, poste, getattr(solde, poste) + signe)
    nature_effective = contre_passe.nature if contre_passe is not None else nature
    if nature_effective == NatureEcriture.VERSEMENT:
        solde.verse -= signe
    solde.du = solde.frais + solde.interets + solde.principal - solde.excedent
    solde.modifie_le = timezone.now()
    solde.save(update_fields=[*CHAMPS_SOLDE, "modifie_le"])
    return ecriture


def interets_regulariser(
    solde: SoldeDossier, *, au: date, cause: str = Cause.CALCUL, acteur=None
) -> list[Ecriture]:
    """Met le grand livre d'accord avec le calcul légal des intérêts au `au` : passe la
    différence entre les intérêts courus calculés et ceux déjà passés (datée `au`), puis les
    capitalisations échues non passées, et recale l'état du morceau pour la nuit.

    Lève `DonneeManquante` si un taux nécessaire n'est pas saisi : rien n'est passé.
    """
    if solde.regime == Regime.AUCUN or solde.interets_depuis is None:
        return []
    au = max(au, solde.interets_depuis)
    ecritures = lignes(solde.dossier_id, jusqu_au=au)
    resultat = calculer_interets(solde, ecritures, au)
    passees: list[Ecriture] = []
    deja = sum((e.signe for e in ecritures if e.nature_effective == NatureEcriture.INTERETS), ZERO)
    ecart = resultat.total - deja
    if ecart != 0:
        dernier = next((m for m in reversed(resultat.morceaux) if not m.suspendu), None)
        passees.append(
            passer(
                solde,
                date_valeur=au,
                nature=NatureEcriture.INTERETS,
                poste=Poste.INTERETS,
                sens=Sens.DEBIT if ecart > 0 else Sens.CREDIT,
                montant=abs(ecart),
                libelle=(
                    f"Intérêts courus au {date_fr(au)}"
                    if ecart > 0
                    else f"Régularisation des intérêts au {date_fr(au)} (principal réduit)"
                ),
                cause=cause,
                acteur=acteur,
                morceau=dernier,
            )
        )
    capitalisees = {
        e.date_valeur
        for e in ecritures
        if e.nature == NatureEcriture.CAPITALISATION and e.poste == Poste.PRINCIPAL
    }
    for cap in resultat.capitalisations:
        if cap.date in capitalisees:
            continue
        libelle = f"Capitalisation des intérêts échus au {date_fr(cap.date)} (C. civ. 1343-2)"
        for poste, sens in ((Poste.INTERETS, Sens.CREDIT), (Poste.PRINCIPAL, Sens.DEBIT)):
            passees.append(
                passer(
                    solde,
                    date_valeur=cap.date,
                    nature=NatureEcriture.CAPITALISATION,
                    poste=poste,
                    sens=sens,
                    montant=cap.montant,
                    libelle=libelle,
                    cause=cause,
                    acteur=acteur,
                )
            )
    debut, principal, poste = resultat.etat_nuit()
    if solde.interets_arretes_au is None or au >= solde.interets_arretes_au:
        solde.interets_arretes_au = au
        solde.morceau_debut = debut
        solde.morceau_principal = principal
        solde.morceau_poste = poste
        solde.save(
            update_fields=[
                "interets_arretes_au",
                "morceau_debut",
                "morceau_principal",
                "morceau_poste",
            ]
        )
    return passees
