"""Les types d'actes et leurs mentions obligatoires (procedures.md §3), en données.

Une `Mention` est une case à cocher vérifiable : les `champs` des données de l'acte qui doivent
être renseignés (chemins « a/b »), et ce que le texte final doit contenir — la valeur de
chacun de ces champs et les `phrases` légales (la formule que l'article impose). Chaque
mention porte son article et sa sanction. `si` restreint une mention à certains actes
(personne morale, compte bancaire, débiteur présent…).

Les phrases sont celles des gabarits par défaut (`actes/gabarits/`) ; un modèle d'étude qui
les retire échoue au contrôle (`actes.conformite`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from procedures.catalogue import Type as TP

NULLITE = "nullité (CPC 114, 649 : sur grief)"
NULLITE_693 = "nullité (CPC 693)"
CADUCITE = "caducité"
SANS = "aucune sanction fixée par le texte"


@dataclass(frozen=True)
class Mention:
    id: str
    libelle: str
    article: str
    sanction: str
    champs: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    si: Callable[[dict], bool] | None = None

    def applicable(self, donnees: dict) -> bool:
        return self.si is None or bool(self.si(donnees))


@dataclass(frozen=True)
class Etape:
    """L'étape de procédure que la signification de l'acte fait avancer."""

    service: str
    etats: tuple[str, ...] = ()


@dataclass(frozen=True)
class TypeActe:
    code: str
    libelle: str
    code_court: str
    procedure: str | None
    # Émolument du tarif (comptabilite.referentiel, code du tableau 3-1) ; None : pas d'acte
    # tarifé (lettre amiable, à la charge du créancier, CPCE L111-8).
    emolument: str | None
    mentions: tuple[Mention, ...]
    signifie: bool = True
    destinataire: str = "debiteur"  # ou "tiers"
    articles: tuple[str, ...] = ()
    articles_si: Callable[[dict], tuple[str, ...]] | None = None
    options: tuple[str, ...] = ()
    coefficient: bool = True

    def articles_requis(self, options: dict) -> tuple[str, ...]:
        if self.articles_si is not None:
            return self.articles_si(options)
        return self.articles


def _opt(nom):
    return lambda d: (d.get("options") or {}).get(nom)


def _pas(nom):
    return lambda d: not (d.get("options") or {}).get(nom)


def _requerant(type_personne):
    return lambda d: (d.get("requerant") or {}).get("type") == type_personne


def reproduction(id_, article_qui_prescrit, codes, sanction=NULLITE, si=None) -> Mention:
    return Mention(
        id_,
        "Reproduction in extenso de " + ", ".join(codes),
        article_qui_prescrit,
        sanction,
        champs=tuple(f"articles/{c}/texte" for c in codes),
        si=si,
    )


def _decompte(id_, article, *, provision=False, taux=True) -> Mention:
    champs = ["decompte/principal", "decompte/frais", "decompte/interets"]
    if taux:
        champs.append("decompte/taux")
    if provision:
        champs.append("decompte/provision")
    libelle = "Décompte distinct : principal, frais, intérêts échus" + (
        ", taux des intérêts" if taux else ""
    )
    if provision:
        libelle += ", provision pour les intérêts à échoir pendant le mois de contestation"
    return Mention(id_, libelle, article, NULLITE, champs=tuple(champs))


def _titre(id_, article) -> Mention:
    return Mention(
        id_,
        "Titre exécutoire en vertu duquel on agit",
        article,
        NULLITE,
        champs=("titre/designation",),
    )


# --- Mentions de tout acte (CPC 648) et de toute signification ------------------------------

CPC_648 = (
    Mention("A648-1", "Date de l'acte", "CPC 648 1°", NULLITE, champs=("date_acte",)),
    Mention(
        "A648-2a",
        "Requérant personne physique : nom, prénoms, profession, domicile, nationalité, date "
        "et lieu de naissance",
        "CPC 648 2° a",
        NULLITE,
        champs=(
            "requerant/nom",
            "requerant/prenoms",
            "requerant/profession",
            "requerant/domicile",
            "requerant/nationalite",
            "requerant/date_naissance",
            "requerant/lieu_naissance",
        ),
        si=_requerant("physique"),
    ),
    Mention(
        "A648-2b",
        "Requérant personne morale : forme, dénomination, siège social, organe représentant",
        "CPC 648 2° b",
        NULLITE,
        champs=(
            "requerant/forme",
            "requerant/denomination",
            "requerant/siege",
            "requerant/representant",
        ),
        si=_requerant("morale"),
    ),
    Mention(
        "A648-3",
        "Commissaire de justice : nom, prénoms, demeure, signature",
        "CPC 648 3°",
        NULLITE,
        champs=("commissaire/nom", "commissaire/prenoms", "commissaire/demeure"),
        phrases=("Signature du commissaire de justice",),
    ),
)

DESTINATAIRE = Mention(
    "A648-4",
    "Destinataire : nom et domicile (personne morale : dénomination et siège social)",
    "CPC 648 4°",
    NULLITE,
    champs=("destinataire/designation", "destinataire/domicile"),
)

# --- Phrases légales (reprises mot pour mot dans les gabarits par défaut) -------------------

P = {
    "SV-C4": "commandement d'avoir à payer la dette dans un délai de huit jours faute de quoi "
    "il peut y être contraint par la vente forcée de ses biens meubles",
    "SV-P4": "les biens saisis sont indisponibles, qu'ils sont placés sous la garde du "
    "débiteur, qu'ils ne peuvent être ni aliénés ni déplacés",
    "SV-P4b": "le débiteur est tenu de faire connaître la présente saisie à tout créancier qui "
    "procéderait à une nouvelle saisie des mêmes biens",
    "SV-P5": "le débiteur dispose d'un délai d'un mois pour procéder à la vente amiable des "
    "biens saisis dans les conditions prescrites aux articles R. 221-30 à R. 221-32",
    "CARENCE": "il n'existe aucun bien saisissable ou qu'aucun des biens n'a de valeur marchande",
    "SA-4": "le tiers saisi est personnellement tenu envers le créancier saisissant et qu'il "
    "lui est fait défense de disposer des sommes réclamées dans la limite de ce qu'il doit au "
    "débiteur",
    "SAD-2": "à peine d'irrecevabilité, dans le délai d'un mois qui suit la signification du "
    "présent acte, par assignation",
    "SAD-4": "dénoncer l'assignation, le même jour, par lettre recommandée avec demande d'avis "
    "de réception, au commissaire de justice qui a procédé à la saisie",
    "SAD-7": "peut autoriser par écrit le créancier à se faire remettre sans délai par le tiers "
    "saisi les sommes qui lui sont dues",
    "CNC": "aucune contestation n'a été formée dans le délai d'un mois",
    "IP-3": "soit à payer au créancier le montant de la somme fixée par l'ordonnance ainsi que "
    "les intérêts et frais de greffe dont le montant est précisé",
    "IP-4": "soit, si le débiteur a à faire valoir des moyens de défense, à former opposition, "
    "celle-ci ayant pour effet de saisir le tribunal de la demande initiale du créancier et de "
    "l'ensemble du litige",
    "IP-5": "l'opposition est formée au greffe de la juridiction qui a rendu l'ordonnance, par "
    "déclaration contre récépissé ou par lettre recommandée avec demande d'avis de réception",
    "IP-6": "il ne pourra plus exercer aucun recours et pourra être contraint par toutes voies "
    "de droit de payer les sommes réclamées",
    "PC-1": "peut accepter ou refuser de participer à la procédure simplifiée de recouvrement",
    "PC-2": "il lui appartient de manifester son accord dans un délai d'un mois à compter de "
    "l'envoi de la présente lettre",
    "PC-3": "il peut manifester ce refus par la remise ou l'envoi d'un formulaire de refus ou "
    "par tout autre moyen",
    "PC-4": "l'absence de réponse dans le délai d'un mois vaut refus implicite",
    "PC-5": "en cas de refus exprès ou implicite, le créancier pourra saisir le juge afin "
    "d'obtenir un titre exécutoire",
    "SR-C2": "commandement d'avoir à payer dans le délai d'un mois les sommes indiquées ou de "
    "parvenir à un accord avec le créancier avec l'avertissement qu'à défaut, il pourra y être "
    "contraint par la saisie de ses rémunérations",
    "SR-C3": "l'absence de courrier en ce sens équivaut à un refus",
    "SR-C5": "le débiteur peut, à tout moment, saisir le juge de l'exécution d'une contestation "
    "de la mesure",
    "SR-C6": "pour suspendre le cours de la procédure de saisie des rémunérations, les "
    "contestations doivent être soulevées par assignation dans le délai d'un mois suivant la "
    "notification du commandement",
    "SR-C7": "la contestation de la mesure ne fait pas obstacle à ce qu'un autre créancier "
    "délivre un commandement aux fins de saisie des rémunérations",
    "SR-C9": "il a la faculté de saisir la commission de surendettement des particuliers "
    "instituée par l'article L. 712-1 du code de la consommation",
    "SR-P2": "doit adresser tous les mois au commissaire de justice répartiteur une somme égale "
    "à la fraction saisissable du salaire",
    "SR-P3": "fraction saisissable est calculée selon le barème des articles R. 3252-2 et "
    "R. 3252-3 du code du travail",
    "SR-P4": "fournir au commissaire de justice, dans les quinze jours au plus tard à compter "
    "de la notification de l'acte de saisie, les renseignements prévus à l'article L. 212-8",
    "SR-D1": "en cas de changement d'employeur, la saisie pourra être poursuivie, sans nouveau "
    "commandement de payer préalable, entre les mains du nouvel employeur",
    "EX-C4": "à compter de cette date il peut être procédé à l'expulsion forcée du débiteur "
    "ainsi qu'à celle de tout occupant de son chef",
    "EX-M3": "sommation à la personne expulsée d'avoir à les retirer dans le délai de deux mois "
    "non renouvelable à compter de la remise ou de la signification de l'acte",
    "EX-M4": "contester l'absence de valeur marchande des biens, à peine d'irrecevabilité dans "
    "le délai d'un mois à compter de la remise ou de la signification de l'acte",
    "BAIL-4": "à défaut de paiement ou d'avoir sollicité des délais de paiement, le locataire "
    "s'expose à une procédure judiciaire de résiliation de son bail et d'expulsion",
    "BAIL-5": "saisir le fonds de solidarité pour le logement de son département",
    "BAIL-6": "saisir, à tout moment, la juridiction compétente aux fins de demander un délai "
    "de grâce sur le fondement de l'article 1343-5 du code civil",
    "659": "n'a ni domicile, ni résidence, ni lieu de travail connus",
    "MED": "Mise en demeure de payer",
    "AMI": "exerce une activité de recouvrement amiable",
}

ARTICLES_SA = (
    "CPCE L211-2 al. 1",
    "CPCE L211-3",
    "CPCE L211-4 al. 3",
    "CPCE R211-5",
    "CPCE R211-11",
)
ARTICLES_SV = ("C. pén. 314-6", "CPCE R221-30", "CPCE R221-31", "CPCE R221-32")
ARTICLES_EXPULSION = tuple(f"CPCE L412-{i}" for i in range(1, 7))
ARTICLES_MEUBLES = (
    "CPCE R121-6",
    "CPCE R121-7",
    "CPCE R121-8",
    "CPCE R121-9",
    "CPCE R121-10",
    "CPCE R442-2",
    "CPCE R442-3",
)
ARTICLES_PC = ("CPCE L111-2", "CPCE L111-3", "CPCE L125-1", "C. civ. 2238")
ARTICLES_SR_C = ("CPCE R212-1-5", "CPCE R212-1-6")
ARTICLES_SR_P = ("CPCE L212-7", "CPCE L212-8", "CPCE L212-14")


def _m(id_, libelle, article, sanction=NULLITE, *, champs=(), phrases=(), si=None):
    return Mention(id_, libelle, article, sanction, tuple(champs), tuple(phrases), si)


def _p(*cles):
    return tuple(P[c] for c in cles)


def _articles_expulsion(options):
    # R412-1 : seulement pour un lieu habité ; L412-7 : L412-1 et L412-2 seulement.
    if not options.get("lieu_habite"):
        return ()
    if options.get("application_l412_7"):
        return ARTICLES_EXPULSION[:2]
    return ARTICLES_EXPULSION


def _articles_pv_expulsion(options):
    return ARTICLES_MEUBLES if options.get("meubles_laisses") else ()


JURIDICTION = "juridiction"

TYPES_LISTE = [
    TypeActe(
        "commandement_saisie_vente",
        "Commandement de payer aux fins de saisie-vente",
        "CSV",
        TP.SAISIE_VENTE,
        "42",
        (
            _titre("SV-C1", "CPCE R221-1 1°"),
            _decompte("SV-C2", "CPCE R221-1 1°"),
            _m(
                "SV-C4",
                "Commandement de payer dans les huit jours, à peine de vente forcée",
                "CPCE R221-1 2°",
                phrases=_p("SV-C4"),
            ),
        ),
    ),
    TypeActe(
        "pv_saisie_vente",
        "Procès-verbal de saisie-vente",
        "PVSV",
        TP.SAISIE_VENTE,
        "pv-saisie-vente",
        (
            _titre("SV-P1", "CPCE R221-16 1°"),
            _m(
                "SV-P2",
                "Inventaire détaillé des biens saisis",
                "CPCE R221-16 2°",
                champs=("libre/inventaire",),
            ),
            _m(
                "SV-P3",
                "Déclaration du débiteur présent sur une saisie antérieure",
                "CPCE R221-16 3°",
                champs=("libre/declaration_debiteur",),
                si=_opt("debiteur_present"),
            ),
            _m(
                "SV-P4",
                "Indisponibilité, garde, interdiction d'aliéner (caractères très apparents)",
                "CPCE R221-16 4°",
                phrases=_p("SV-P4", "SV-P4b"),
            ),
            _m(
                "SV-P5",
                "Délai d'un mois pour la vente amiable (caractères très apparents)",
                "CPCE R221-16 5°, R221-26",
                phrases=_p("SV-P5"),
            ),
            _m(
                "SV-P6",
                "Juridiction des contestations",
                "CPCE R221-16 6°, R221-40",
                champs=(JURIDICTION,),
            ),
            _m(
                "SV-P7",
                "Personnes ayant assisté aux opérations",
                "CPCE R221-16 7°",
                champs=("libre/personnes_presentes",),
            ),
            reproduction("SV-P8", "CPCE R221-16 8°", ARTICLES_SV),
        ),
        articles=ARTICLES_SV,
        options=("debiteur_present",),
    ),
    TypeActe(
        "pv_carence",
        "Procès-verbal de carence",
        "PVC",
        TP.SAISIE_VENTE,
        "pv-carence",
        (
            _titre("SV-K1", "CPCE R221-14"),
            _m(
                "SV-K2",
                "Constat qu'il n'existe aucun bien saisissable ou de valeur marchande",
                "CPCE R221-14",
                SANS,
                champs=("libre/constatations",),
                phrases=_p("CARENCE"),
            ),
        ),
        signifie=False,
    ),
    TypeActe(
        "saisie_attribution",
        "Acte de saisie-attribution",
        "SA",
        TP.SAISIE_ATTRIBUTION,
        "pv-saisie-attribution",
        (
            _m(
                "SA-1",
                "Nom et domicile du débiteur",
                "CPCE R211-1 1°",
                champs=("debiteur/designation", "debiteur/domicile"),
            ),
            _titre("SA-2", "CPCE R211-1 2°"),
            _decompte("SA-3", "CPCE R211-1 3°", provision=True, taux=False),
            _m(
                "SA-4",
                "Tiers saisi personnellement tenu, défense de disposer",
                "CPCE R211-1 4°",
                phrases=_p("SA-4"),
            ),
            reproduction("SA-5", "CPCE R211-1 5°", ARTICLES_SA),
            _m(
                "SA-6",
                "Heure de la signification",
                "CPCE R211-1 dernier al.",
                "nullité discutée (hors de la liste numérotée)",
                phrases=("Heure de la signification :",),
            ),
            _m(
                "SA-7",
                "Déclarations du tiers saisi",
                "CPCE R211-4 al. 2",
                SANS,
                champs=("libre/declaration_tiers",),
            ),
        ),
        destinataire="tiers",
        articles=ARTICLES_SA,
        options=("compte_bancaire",),
    ),
    TypeActe(
        "denonciation_saisie_attribution",
        "Dénonciation de saisie-attribution",
        "DSA",
        TP.SAISIE_ATTRIBUTION,
        "5",
        (
            _m(
                "SAD-1",
                "Copie du procès-verbal de saisie",
                "CPCE R211-3 1°",
                champs=("saisie/designation",),
            ),
            _m(
                "SAD-2",
                "Délai d'un mois pour contester, par assignation (caractères très apparents)",
                "CPCE R211-3 2°",
                phrases=_p("SAD-2"),
            ),
            _m(
                "SAD-3",
                "Date d'expiration du délai de contestation",
                "CPCE R211-3 2°",
                champs=("delais/contestation",),
            ),
            _m(
                "SAD-4",
                "Dénonciation de l'assignation le même jour par LRAR au commissaire",
                "CPCE R211-3 2°, R211-11",
                phrases=_p("SAD-4"),
            ),
            _m(
                "SAD-5",
                "Juridiction des contestations (juge de l'exécution du domicile du débiteur)",
                "CPCE R211-3 3°, R211-10",
                champs=(JURIDICTION,),
            ),
            _m(
                "SAD-6",
                "Somme laissée à disposition (solde bancaire insaisissable) et comptes",
                "CPCE R211-3, R162-2",
                champs=("sbi/montant", "sbi/comptes"),
                si=_opt("compte_bancaire"),
            ),
            _m(
                "SAD-7",
                "Faculté d'autoriser le paiement immédiat",
                "CPCE R211-3",
                SANS,
                phrases=_p("SAD-7"),
            ),
        ),
        options=("compte_bancaire",),
    ),
    TypeActe(
        "certificat_non_contestation",
        "Certificat de non-contestation",
        "CNC",
        TP.SAISIE_ATTRIBUTION,
        "certificat-non-contestation",
        (
            _m(
                "CNC-1",
                "Dénonciation et délai de contestation expiré",
                "CPCE R211-6",
                champs=("saisie/denoncee_le", "delais/contestation"),
                phrases=_p("CNC"),
            ),
            _m(
                "CNC-2",
                "Tiers saisi destinataire du paiement",
                "CPCE R211-6, R211-7",
                champs=("tiers/designation",),
            ),
        ),
        signifie=False,
        coefficient=False,
    ),
    TypeActe(
        "signification_injonction_de_payer",
        "Signification d'ordonnance d'injonction de payer",
        "SIP",
        TP.INJONCTION_DE_PAYER,
        "4",
        (
            _m(
                "IP-1",
                "Copie de la requête, bordereau des pièces et ordonnance revêtue de la "
                "formule exécutoire",
                "CPC 1411 al. 1",
                champs=("ordonnance/designation",),
            ),
            _m(
                "IP-3",
                "Sommation de payer la somme fixée, intérêts et frais de greffe",
                "CPC 1413",
                champs=("decompte/principal", "decompte/interets", "decompte/frais"),
                phrases=_p("IP-3"),
            ),
            _m("IP-4", "Faculté de former opposition", "CPC 1413", phrases=_p("IP-4")),
            _m(
                "IP-5",
                "Délai, juridiction et modalités de l'opposition (très apparents)",
                "CPC 1413, 1416",
                champs=("delais/opposition", "ordonnance/juridiction"),
                phrases=_p("IP-5"),
            ),
            _m(
                "IP-6",
                "Avertissement : sans opposition, plus aucun recours",
                "CPC 1413",
                phrases=_p("IP-6"),
            ),
        ),
    ),
    TypeActe(
        "lettre_petites_creances",
        "Lettre d'invitation à la procédure simplifiée de recouvrement des petites créances",
        "LPC",
        TP.PETITES_CREANCES,
        None,
        (
            _m(
                "PC-I3",
                "Fondement et montant de la somme due, principal et intérêts distingués",
                "CPCE R125-2 I 3°",
                champs=("creance/fondement", "decompte/principal", "decompte/interets"),
            ),
            reproduction("PC-II", "CPCE R125-2 II", ARTICLES_PC, sanction=SANS),
            _m(
                "PC-III",
                "Accepter ou refuser ; un mois ; silence vaut refus ; saisine du juge",
                "CPCE R125-2 III",
                SANS,
                champs=("delais/reponse",),
                phrases=_p("PC-1", "PC-2", "PC-3", "PC-4", "PC-5"),
            ),
        ),
        signifie=False,
        articles=ARTICLES_PC,
    ),
    TypeActe(
        "commandement_saisie_remunerations",
        "Commandement de payer préalable à la saisie des rémunérations",
        "CSR",
        TP.SAISIE_REMUNERATIONS,
        "97-1",
        (
            _titre("SR-C1a", "CPCE R212-1-2 1° (numéro probable)"),
            _decompte("SR-C1", "CPCE R212-1-2 1° (numéro probable)"),
            _m(
                "SR-C2",
                "Payer dans le mois ou parvenir à un accord",
                "CPCE R212-1-2 2°",
                phrases=_p("SR-C2"),
            ),
            _m(
                "SR-C3",
                "Courrier d'acceptation de tenter un accord ; silence vaut refus",
                "CPCE R212-1-2 3°",
                phrases=_p("SR-C3"),
            ),
            reproduction("SR-C4", "CPCE R212-1-2 4°", ARTICLES_SR_C),
            _m(
                "SR-C5",
                "Saisine du juge à tout moment (très apparent)",
                "CPCE R212-1-2 5°",
                phrases=_p("SR-C5"),
            ),
            _m(
                "SR-C6",
                "Contestation suspensive dans le mois et date d'expiration (très apparent)",
                "CPCE R212-1-2 6°",
                champs=("delais/contestation",),
                phrases=_p("SR-C6"),
            ),
            _m(
                "SR-C7",
                "La contestation n'empêche pas un autre créancier (très apparent)",
                "CPCE R212-1-2 7°",
                phrases=_p("SR-C7"),
            ),
            _m(
                "SR-C8",
                "Juridiction des contestations (très apparent)",
                "CPCE R212-1-2 8°",
                champs=(JURIDICTION,),
            ),
            _m(
                "SR-C9",
                "Commission de surendettement (très apparent)",
                "CPCE R212-1-2 9°",
                phrases=_p("SR-C9"),
            ),
        ),
        articles=ARTICLES_SR_C,
    ),
    TypeActe(
        "pv_saisie_remunerations",
        "Procès-verbal de saisie des rémunérations (employeur)",
        "PVSR",
        TP.SAISIE_REMUNERATIONS,
        "97-3",
        (
            _m(
                "SR-P1",
                "Nom et domicile du débiteur",
                "CPCE R212-1-11 1° (numéro probable)",
                champs=("debiteur/designation", "debiteur/domicile"),
            ),
            _m(
                "SR-P2",
                "Versement mensuel de la fraction saisissable au répartiteur",
                "CPCE R212-1-11 2°",
                phrases=_p("SR-P2"),
            ),
            _m(
                "SR-P3",
                "Mode de calcul de la fraction saisissable",
                "CPCE R212-1-11 3°",
                phrases=_p("SR-P3"),
            ),
            _m(
                "SR-P4",
                "Injonction de déclarer sous quinze jours",
                "CPCE R212-1-11 4°",
                phrases=_p("SR-P4"),
            ),
            reproduction("SR-P5", "CPCE R212-1-11 5°", ARTICLES_SR_P),
            _m(
                "SR-P6",
                "Identité et coordonnées du répartiteur",
                "CPCE R212-1-11 6°",
                champs=("repartiteur/designation", "repartiteur/adresse"),
            ),
            _decompte("SR-P7", "CPCE R212-1-11 7°"),
        ),
        destinataire="tiers",
        articles=ARTICLES_SR_P,
    ),
    TypeActe(
        "denonciation_saisie_remunerations",
        "Dénonciation de la saisie des rémunérations au débiteur",
        "DSR",
        TP.SAISIE_REMUNERATIONS,
        "97-6",
        (
            _m(
                "SR-D1",
                "Poursuite chez un nouvel employeur sans nouveau commandement",
                "CPCE R212-1-12 1° (numéro à confirmer)",
                phrases=_p("SR-D1"),
            ),
            _m(
                "SR-D2",
                "Juridiction des contestations",
                "CPCE R212-1-12 2°",
                champs=(JURIDICTION,),
            ),
        ),
    ),
    TypeActe(
        "commandement_quitter_lieux",
        "Commandement de quitter les lieux",
        "CQL",
        TP.EXPULSION,
        "commandement-quitter-lieux",
        (
            _titre("EX-C1", "CPCE R411-1 1°"),
            _m(
                "EX-C2",
                "Juridiction des demandes de délais et contestations",
                "CPCE R411-1 2°",
                champs=(JURIDICTION,),
            ),
            _m(
                "EX-C3",
                "Date à partir de laquelle les locaux devront être libérés",
                "CPCE R411-1 3°, L412-1",
                champs=("delais/liberation",),
            ),
            _m(
                "EX-C4",
                "Avertissement : expulsion forcée à compter de cette date",
                "CPCE R411-1 4°",
                phrases=_p("EX-C4"),
            ),
            reproduction("EX-C5", "CPCE R412-1", ARTICLES_EXPULSION, si=_opt("lieu_habite")),
        ),
        articles_si=_articles_expulsion,
        options=("lieu_habite",),
    ),
    TypeActe(
        "pv_expulsion",
        "Procès-verbal d'expulsion",
        "PVE",
        TP.EXPULSION,
        "106",
        (
            _m(
                "EX-P1",
                "Description des opérations et identité des personnes requises",
                "CPCE R432-1 1°",
                champs=("libre/operations", "libre/personnes_presentes"),
            ),
            _m("EX-P2", "Juridiction des contestations", "CPCE R432-1 2°", champs=(JURIDICTION,)),
            _m(
                "EX-M1",
                "Inventaire des biens laissés, avec ou sans valeur marchande",
                "CPCE R433-1 1°",
                champs=("libre/inventaire_meubles",),
                si=_opt("meubles_laisses"),
            ),
            _m(
                "EX-M2",
                "Lieu et conditions d'accès du dépôt",
                "CPCE R433-1 2°",
                champs=("libre/lieu_depot",),
                si=_opt("meubles_laisses"),
            ),
            _m(
                "EX-M3",
                "Sommation de retirer les biens sous deux mois (très apparent)",
                "CPCE R433-1 3°",
                champs=("delais/meubles",),
                phrases=_p("EX-M3"),
                si=_opt("meubles_laisses"),
            ),
            _m(
                "EX-M4",
                "Contestation de l'absence de valeur marchande sous un mois",
                "CPCE R433-1 4°",
                phrases=_p("EX-M4"),
                si=_opt("meubles_laisses"),
            ),
            reproduction("EX-M6", "CPCE R433-1 6°", ARTICLES_MEUBLES, si=_opt("meubles_laisses")),
        ),
        articles_si=_articles_pv_expulsion,
        options=("meubles_laisses",),
        coefficient=False,
    ),
    TypeActe(
        "commandement_clause_resolutoire",
        "Commandement de payer visant la clause résolutoire",
        "CCR",
        TP.CLAUSE_RESOLUTOIRE,
        "44",
        (
            _m(
                "BAIL-1",
                "Délai pour payer la dette (six semaines ou deux mois) et son terme",
                "Loi 89-462 art. 24 I 1°",
                champs=("bail/delai_libelle", "delais/paiement"),
            ),
            _m(
                "BAIL-2",
                "Montant mensuel du loyer et des charges",
                "Loi 89-462 art. 24 I 2°",
                champs=("bail/loyer",),
            ),
            _m(
                "BAIL-3", "Décompte de la dette", "Loi 89-462 art. 24 I 3°", champs=("bail/dette",)
            ),
            _m(
                "BAIL-4",
                "Avertissement : résiliation du bail et expulsion",
                "Loi 89-462 art. 24 I 4°",
                phrases=_p("BAIL-4"),
            ),
            _m(
                "BAIL-5",
                "Fonds de solidarité pour le logement et son adresse",
                "Loi 89-462 art. 24 I 5°",
                champs=("bail/fsl_adresse",),
                phrases=_p("BAIL-5"),
            ),
            _m(
                "BAIL-6",
                "Délai de grâce (C. civ. 1343-5)",
                "Loi 89-462 art. 24 I 6°",
                phrases=_p("BAIL-6"),
            ),
        ),
        options=("bail_signe_le", "loyer_mensuel", "charges_mensuelles", "fsl_adresse"),
    ),
    TypeActe(
        "pv_recherches",
        "Procès-verbal de recherches (CPC 659)",
        "PV659",
        None,
        "130",
        (
            _m(
                "SIG-7",
                "Diligences accomplies, relatées avec précision",
                "CPC 659 al. 1",
                NULLITE_693,
                champs=("libre/diligences",),
                phrases=_p("659"),
            ),
            _m(
                "SIG-7t",
                "Acte dont la signification est tentée",
                "CPC 659 al. 2",
                NULLITE_693,
                champs=("acte_signifie/designation",),
            ),
        ),
        coefficient=False,
    ),
    TypeActe(
        "mise_en_demeure",
        "Mise en demeure de payer",
        "MED",
        None,
        None,
        (
            _decompte(
                "MED-1",
                "C. civ. 1344 ; règles professionnelles (arrêté du 27/02/2024, art. 30)",
                taux=False,
            ),
            _m(
                "MED-2",
                "Injonction de payer et conséquences du défaut de paiement",
                "C. civ. 1344 ; arrêté du 27/02/2024, art. 30",
                SANS,
                phrases=_p("MED"),
            ),
        ),
        signifie=False,
    ),
    TypeActe(
        "lettre_amiable",
        "Lettre de recouvrement amiable",
        "LRA",
        None,
        None,
        (
            _m(
                "AMI-1",
                "Commissaire : nom, adresse, activité de recouvrement amiable",
                "CPCE R124-4 1° (par analogie : R124-1 exclut les commissaires)",
                SANS,
                champs=("commissaire/demeure",),
                phrases=_p("AMI"),
            ),
            _m(
                "AMI-2",
                "Créancier : nom ou dénomination, adresse ou siège",
                "CPCE R124-4 2°",
                SANS,
                champs=("requerant/designation", "requerant/adresse"),
            ),
            _m(
                "AMI-3",
                "Fondement et montant dû, éléments distingués",
                "CPCE R124-4 3°",
                SANS,
                champs=("creance/fondement", "decompte/principal", "decompte/interets"),
            ),
            reproduction("AMI-5", "CPCE R124-4 5°", ("CPCE L111-8",), sanction=SANS),
        ),
        signifie=False,
        articles=("CPCE L111-8",),
    ),
]

TYPES: dict[str, TypeActe] = {t.code: t for t in TYPES_LISTE}


def mentions(type_acte: TypeActe) -> tuple[Mention, ...]:
    """Toutes les mentions d'un type : CPC 648, destinataire si l'acte est signifié, puis la
    liste propre de l'acte."""
    communes = list(CPC_648)
    if type_acte.signifie:
        communes.append(DESTINATAIRE)
    return (*communes, *type_acte.mentions)


def types_de_procedure(type_procedure: str | None) -> list[TypeActe]:
    return [t for t in TYPES_LISTE if t.procedure == type_procedure]


CHOIX = [(t.code, t.libelle) for t in TYPES_LISTE]
