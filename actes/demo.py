"""Actes de la démonstration : un dossier par type d'acte, la procédure menée jusqu'à l'étape
qui demande l'acte, l'acte rédigé, et — quand le tarif et les textes le permettent —
finalisé et signifié.

Les actes sont datés de janvier et février 2026 : le tarif des commissaires de justice n'est
connu que jusqu'au 28/02/2026 et le taux de l'intérêt légal jusqu'au 30/06/2026 (ETAT.md) ;
un acte daté d'aujourd'hui ne pourrait pas être finalisé. Les types dont un émolument ou un
texte manque restent en brouillon, avec le rapport qui dit quoi saisir.

`SCENARIOS` sert aussi aux tests (tests/actes) et au script des exemples
(`python manage.py actes_exemples`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from dossiers.services import DonneesDossier, DonneesTitre, dossier_ouvrir
from etude.demo import Etape
from etude.errors import DonneeManquante, RegleMetier
from procedures.nuit import passe_delais


def moment(jour: date, heure: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(jour, time(heure, minute)))


@dataclass
class Preparation:
    type_acte: str
    procedure: object | None
    date_acte: date
    options: dict = field(default_factory=dict)
    libres: dict = field(default_factory=dict)
    signification: dict | None = None


def _ouvrir(acteur, dossier, type_procedure):
    from procedures.models.base import SANS_TITRE
    from procedures.services import procedure_ouvrir

    return procedure_ouvrir(
        acteur=acteur,
        dossier=dossier,
        debiteur=dossier.debiteurs.first(),
        type=type_procedure,
        titre=None if type_procedure in SANS_TITRE else dossier.titres.first(),
    ).specifique


def _a_personne(jour, heure=10, minute=0):
    return {"mode": "a_personne", "le": moment(jour, heure, minute)}


J = date  # abréviation : J(2026, 1, 13)


def _commandement_sv(acteur, dossier):
    p = _ouvrir(acteur, dossier, "saisie_vente")
    return Preparation(
        "commandement_saisie_vente", p, J(2026, 1, 13), signification=_a_personne(J(2026, 1, 13))
    )


def _sv_commande(acteur, dossier):
    from procedures import services as P

    p = _ouvrir(acteur, dossier, "saisie_vente")
    P.saisie_vente_signifier_commandement(acteur=acteur, procedure=p, le=moment(J(2026, 1, 5)))
    return p


def _pv_saisie_vente(acteur, dossier):
    p = _sv_commande(acteur, dossier)
    return Preparation(
        "pv_saisie_vente",
        p,
        J(2026, 1, 19),
        options={"debiteur_present": True},
        libres={
            "inventaire": "Dans le séjour : un téléviseur Samsung 55 pouces, modèle UE55, "
            "en bon état ; un canapé trois places en cuir brun. Dans le bureau : un ordinateur "
            "portable Lenovo ThinkPad, n° de série PF-2K4L9.",
            "declaration_debiteur": "Le débiteur déclare qu'aucun de ces biens n'a fait "
            "l'objet d'une saisie antérieure.",
            "personnes_presentes": "Le débiteur, qui a signé ; M. Paul Roche, serrurier, et "
            "M. Alain Petit, témoin, qui ont signé.",
        },
        signification=_a_personne(J(2026, 1, 19), 9, 30),
    )


def _pv_carence(acteur, dossier):
    p = _sv_commande(acteur, dossier)
    return Preparation(
        "pv_carence",
        p,
        J(2026, 1, 19),
        libres={
            "constatations": "Le logement ne contient que des biens insaisissables "
            "(literie, table, chaises, réfrigérateur, vêtements : CPCE R112-2)."
        },
        signification=_a_personne(J(2026, 1, 19), 9, 30),
    )


TIERS = {
    "tiers_designation": "Banque des Rives de Seine (SA)",
    "tiers_siege": "76 avenue de France, 75013 Paris",
}


def _saisie_attribution(acteur, dossier):
    p = _ouvrir(acteur, dossier, "saisie_attribution")
    return Preparation(
        "saisie_attribution",
        p,
        J(2026, 1, 14),
        options={**TIERS, "heure": "10:30", "compte_bancaire": True},
        libres={
            "declaration_tiers": "Le tiers saisi déclare tenir un compte courant au nom "
            "du débiteur, créditeur de 3 812,40 € ce jour, sans cession, nantissement ni "
            "saisie antérieure."
        },
        signification=_a_personne(J(2026, 1, 14), 10, 30),
    )


def _sa_signifiee(acteur, dossier):
    from procedures import services as P

    p = _ouvrir(acteur, dossier, "saisie_attribution")
    P.saisie_attribution_signifier(
        acteur=acteur,
        procedure=p,
        signifie_le=moment(J(2026, 1, 14), 10, 30),
        tiers_saisi=TIERS["tiers_designation"],
        compte_bancaire=True,
    )
    P.saisie_attribution_enregistrer_declaration(
        acteur=acteur,
        procedure=p,
        le=moment(J(2026, 1, 14), 10, 45),
        solde_declare=Decimal("3812.40"),
        sbi_applique=Decimal("646.52"),
    )
    return p


def _denonciation_sa(acteur, dossier):
    p = _sa_signifiee(acteur, dossier)
    jour = J(2026, 1, 20)
    return Preparation(
        "denonciation_saisie_attribution",
        p,
        jour,
        options={"compte_bancaire": True, "comptes": "compte courant n° ••••1234"},
        signification={
            "mode": "a_domicile",
            "le": moment(jour, 11),
            "remis_a": "Mme Sophie Lefèvre, épouse du destinataire, qui a accepté la copie",
            "diligences": "Le destinataire, absent lors de notre passage, travaille de jour "
            "selon son épouse ; sa présence au domicile est confirmée par le nom sur la boîte "
            "aux lettres.",
            "lettre_simple_le": jour,
        },
    )


def _certificat(acteur, dossier):
    from procedures import services as P

    p = _sa_signifiee(acteur, dossier)
    P.saisie_attribution_denoncer(acteur=acteur, procedure=p, le=moment(J(2026, 1, 20), 11))
    return Preparation("certificat_non_contestation", p, J(2026, 2, 23))


def _injonction(acteur, dossier):
    from procedures import services as P

    p = _ouvrir(acteur, dossier, "injonction_de_payer")
    P.injonction_de_payer_deposer_requete(
        acteur=acteur,
        procedure=p,
        le=J(2025, 11, 3),
        juridiction="Tribunal judiciaire de Paris",
        montant_principal=Decimal("1850.00"),
    )
    P.injonction_de_payer_enregistrer_ordonnance(acteur=acteur, procedure=p, le=J(2025, 11, 20))
    return Preparation(
        "signification_injonction_de_payer",
        p,
        J(2026, 1, 15),
        options={"frais_greffe": Decimal("33.47")},
        signification=_a_personne(J(2026, 1, 15)),
    )


def _petites_creances(acteur, dossier):
    p = _ouvrir(acteur, dossier, "petites_creances")
    return Preparation(
        "lettre_petites_creances",
        p,
        J(2026, 1, 15),
        options={"fondement": "Facture n° 2025-118 du 12/05/2025 (travaux)"},
    )


def _commandement_sr(acteur, dossier):
    p = _ouvrir(acteur, dossier, "saisie_remunerations")
    return Preparation(
        "commandement_saisie_remunerations",
        p,
        J(2026, 1, 15),
        signification=_a_personne(J(2026, 1, 15)),
    )


REPARTITEUR = "Me Hélène Vasseur, commissaire de justice répartiteur"


def _sr_designee(acteur, dossier):
    from procedures import services as P

    p = _ouvrir(acteur, dossier, "saisie_remunerations")
    P.saisie_remunerations_signifier_commandement(
        acteur=acteur, procedure=p, le=moment(J(2025, 12, 1))
    )
    P.saisie_remunerations_inscrire_commandement(acteur=acteur, procedure=p, le=J(2025, 12, 2))
    P.saisie_remunerations_designer_repartiteur(
        acteur=acteur, procedure=p, le=J(2025, 12, 10), repartiteur=REPARTITEUR
    )
    return p


def _pv_sr(acteur, dossier):
    p = _sr_designee(acteur, dossier)
    return Preparation(
        "pv_saisie_remunerations",
        p,
        J(2026, 1, 13),
        options={
            "tiers_designation": "Transports Marcel (SARL)",
            "tiers_siege": "5 rue de l'Industrie, 93100 Montreuil",
            "repartiteur_adresse": "18 boulevard Voltaire, 75011 Paris",
        },
        signification=_a_personne(J(2026, 1, 13)),
    )


def _denonciation_sr(acteur, dossier):
    from procedures import services as P

    p = _sr_designee(acteur, dossier)
    P.saisie_remunerations_signifier_pv_saisie(
        acteur=acteur, procedure=p, le=moment(J(2026, 1, 13)), employeur="Transports Marcel (SARL)"
    )
    return Preparation(
        "denonciation_saisie_remunerations",
        p,
        J(2026, 1, 19),
        signification=_a_personne(J(2026, 1, 19)),
    )


def _commandement_ql(acteur, dossier):
    p = _ouvrir(acteur, dossier, "expulsion")
    # Local commercial : R412-1 (reproduction de L412-1 à L412-6) ne vise que les lieux
    # habités ; le texte complet de L412-1 manque aux sources.
    return Preparation(
        "commandement_quitter_lieux",
        p,
        J(2026, 1, 15),
        options={"lieu_habite": False},
        signification=_a_personne(J(2026, 1, 15)),
    )


def _pv_expulsion(acteur, dossier):
    from procedures import services as P

    p = _ouvrir(acteur, dossier, "expulsion")
    P.expulsion_signifier_commandement(
        acteur=acteur, procedure=p, le=moment(J(2025, 4, 1)), prefet_saisi_le=J(2025, 4, 1)
    )
    return Preparation(
        "pv_expulsion",
        p,
        J(2025, 6, 10),
        options={"meubles_laisses": False},
        libres={
            "operations": "Ouverture des portes par le serrurier ; les lieux étaient vides "
            "de tout occupant ; changement du cylindre ; clés remises au bailleur.",
            "personnes_presentes": "M. Paul Roche, serrurier ; MM. Alain Petit et Jean "
            "Morel, témoins (CPCE L142-1), qui ont signé.",
        },
        signification=_a_personne(J(2025, 6, 10), 9),
    )


def _clause(acteur, dossier):
    p = _ouvrir(acteur, dossier, "clause_resolutoire")
    return Preparation(
        "commandement_clause_resolutoire",
        p,
        J(2026, 1, 15),
        options={
            "bail_signe_le": J(2024, 1, 10),
            "loyer_mensuel": Decimal("650.00"),
            "charges_mensuelles": Decimal("80.00"),
            "fsl_adresse": "Fonds de solidarité pour le logement de Paris, 94-96 quai "
            "de la Rapée, 75012 Paris",
        },
        signification=_a_personne(J(2026, 1, 15)),
    )


def _pv_recherches(acteur, dossier):
    jour = J(2026, 1, 15)
    return Preparation(
        "pv_recherches",
        None,
        jour,
        options={"acte_signifie": "Signification du jugement du 14/03/2025"},
        libres={
            "diligences": "Le destinataire est inconnu à l'adresse indiquée (gardien "
            "interrogé) ; la mairie ne connaît pas de nouvelle adresse ; aucune "
            "inscription à son nom dans les annuaires ; l'ancien employeur déclare qu'il a "
            "quitté l'entreprise sans laisser d'adresse."
        },
        signification={
            "mode": "pv_recherches",
            "le": moment(jour, 15),
            "diligences": "Voir le procès-verbal.",
            "lettre_recommandee_le": jour,
            "lettre_simple_le": jour,
        },
    )


def _mise_en_demeure(acteur, dossier):
    return Preparation(
        "mise_en_demeure",
        None,
        J(2026, 1, 15),
        options={"fondement": "Loyers impayés d'octobre à décembre 2025"},
    )


def _lettre_amiable(acteur, dossier):
    return Preparation(
        "lettre_amiable",
        None,
        J(2026, 1, 15),
        options={"fondement": "Facture n° 2025-118 du 12/05/2025"},
    )


SCENARIOS: dict[str, Callable] = {
    "commandement_saisie_vente": _commandement_sv,
    "pv_saisie_vente": _pv_saisie_vente,
    "pv_carence": _pv_carence,
    "saisie_attribution": _saisie_attribution,
    "denonciation_saisie_attribution": _denonciation_sa,
    "certificat_non_contestation": _certificat,
    "signification_injonction_de_payer": _injonction,
    "lettre_petites_creances": _petites_creances,
    "commandement_saisie_remunerations": _commandement_sr,
    "pv_saisie_remunerations": _pv_sr,
    "denonciation_saisie_remunerations": _denonciation_sr,
    "commandement_quitter_lieux": _commandement_ql,
    "pv_expulsion": _pv_expulsion,
    "commandement_clause_resolutoire": _clause,
    "pv_recherches": _pv_recherches,
    "mise_en_demeure": _mise_en_demeure,
    "lettre_amiable": _lettre_amiable,
}

SANS_TITRE = {
    "signification_injonction_de_payer",
    "lettre_petites_creances",
    "lettre_amiable",
    "mise_en_demeure",
}


def dossier_pour(*, acteur, creancier, debiteur, type_acte: str, reference: str = ""):
    """Un dossier au titre daté du 14/03/2025 (signifié le 02/04/2025), 4 250 € et 800 € de
    frais alloués, intérêts au taux légal depuis la date du titre."""
    titre = None
    if type_acte not in SANS_TITRE:
        titre = DonneesTitre(
            nature="decision",
            date_titre=J(2025, 3, 14),
            juridiction="Tribunal judiciaire de Paris",
            numero_rg="25/01234",
            date_signification=J(2025, 4, 2),
            date_force_executoire=J(2025, 4, 2),
            montant_principal=Decimal("4250.00"),
            montant_frais=Decimal("800.00"),
            interets_depuis=J(2025, 3, 14),
        )
    return dossier_ouvrir(
        acteur=acteur,
        creancier=creancier,
        debiteurs=[debiteur],
        dossier=DonneesDossier(
            nature="loyers",
            montant_principal=Decimal("4250.00"),
            reference_creancier=reference,
            ouvert_le=J(2025, 3, 20),
        ),
        titre=titre,
    )


@dataclass
class Issue:
    type_acte: str
    acte: object | None = None
    etape: str = ""
    message: str = ""


def mener(*, acteur, dossier, type_acte: str, finaliser=True, signifier=True) -> Issue:
    """Prépare la procédure, rédige l'acte, puis le finalise et le signifie si possible ;
    rend ce qui a été fait et, sinon, pourquoi (message de la règle ou de la donnée)."""
    from . import services

    issue = Issue(type_acte)
    try:
        prep = SCENARIOS[type_acte](acteur, dossier)
    except (DonneeManquante, RegleMetier) as exc:
        issue.etape, issue.message = "procédure", str(exc)
        return issue
    try:
        acte = services.acte_rediger(
            acteur=acteur,
            dossier=dossier,
            type_acte=type_acte,
            procedure=prep.procedure,
            date_acte=prep.date_acte,
            options=prep.options,
        )
    except (DonneeManquante, RegleMetier) as exc:
        issue.etape, issue.message = "rédaction", str(exc)
        return issue
    if prep.libres:
        acte = services.acte_modifier(acteur=acteur, acte=acte, parties_libres=prep.libres)
    issue.acte, issue.etape = acte, "brouillon"
    if not finaliser:
        return issue
    try:
        acte = services.acte_finaliser(acteur=acteur, acte=acte)
    except (DonneeManquante, RegleMetier) as exc:
        issue.message = str(exc)
        return issue
    issue.acte, issue.etape = acte, "finalisé"
    if signifier and prep.signification and acte.type.signifie:
        try:
            services.acte_signifier(acteur=acteur, acte=acte, **prep.signification)
        except (DonneeManquante, RegleMetier) as exc:
            issue.message = str(exc)
            return issue
        issue.etape = "signifié"
    return issue


# --- python manage.py demo -------------------------------------------------------------------

CREANCIER_DEMO = "logis"
DEBITEURS_DEMO = ["lefevre", "darcy", "muller", "ngoma", "leroy_s", "ozturk"]


def _debiteurs_amiables(etude) -> list:
    """Dossiers sans titre (phase amiable) : des débiteurs qui ont déjà un dossier amiable
    dans la démo, dont la démo des relances (passée avant) a recueilli les consentements ;
    sinon une seconde exécution de la démo en ajouterait."""
    from dossiers.models import Debiteur, StatutSurendettement

    return list(
        Debiteur.objects.filter(
            etude=etude,
            type_personne="physique",
            parties__dossier__phase="amiable",
            emails__isnull=False,
            telephones__mobile=True,
        )
        .exclude(parties__dossier__reference_creancier__startswith="ACTES-")
        .exclude(surendettement_statut=StatutSurendettement.RECEVABLE)
        .distinct()
        .order_by("id")
    )


def etape_actes(contexte) -> None:
    from dossiers.models import Dossier

    acteur = contexte.utilisateurs["principal"]
    creancier = contexte.creanciers[CREANCIER_DEMO]
    amiables = _debiteurs_amiables(contexte.etude)
    for rang, type_acte in enumerate(SCENARIOS):
        reference = f"ACTES-{rang + 1:02d}"
        if Dossier.objects.filter(etude=contexte.etude, reference_creancier=reference).exists():
            continue
        if type_acte in SANS_TITRE and amiables:
            debiteur = amiables[rang % len(amiables)]
        else:
            debiteur = contexte.debiteurs[DEBITEURS_DEMO[rang % len(DEBITEURS_DEMO)]]
        dossier = dossier_pour(
            acteur=acteur,
            creancier=creancier,
            debiteur=debiteur,
            type_acte=type_acte,
            reference=reference,
        )
        contexte.dossiers[reference] = dossier
        mener(acteur=acteur, dossier=dossier, type_acte=type_acte)
    # La nuit de la veille, comme procedures/demo.py : les délais des actes de janvier 2026
    # sont échus ; la rejouer ici rend une seconde exécution de la démo sans effet.
    passe_delais(contexte.aujourd_hui - timedelta(days=1), etude_id=contexte.etude.pk)


def demo_etapes() -> list[Etape]:
    return [Etape("actes", etape_actes)]
