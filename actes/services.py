"""Cas d'usage des actes : rédiger, éditer les parties libres, finaliser, signifier, corriger ;
modèles d'actes de l'étude. Une fonction atomique chacun, avec son événement d'audit."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from comptabilite.models import Cause, NatureEcriture
from comptabilite.monnaie import date_fr, euros
from comptabilite.services import frais_enregistrer
from etude.audit import evenement_enregistrer
from etude.errors import RegleMetier
from etude.models import Utilisateur
from procedures import delais
from procedures.gardes import jour_de, verifier_horaire

from . import conformite, gabarits
from .models import Acte, EtatActe, ModeSignification, Repertoire, Signification
from .redaction import donnees_acte
from .types import TYPES, TypeActe


def _exiger_ecriture(acteur: Utilisateur) -> None:
    if not acteur.peut_ecrire:
        raise PermissionDenied("Votre rôle ne permet pas de rédiger ni de modifier les actes.")


def _meme_etude(acteur: Utilisateur, *objets) -> None:
    for objet in objets:
        if objet is not None and objet.etude_id != acteur.etude_id:
            raise PermissionDenied("Cet élément n'appartient pas à votre étude.")


def _json(valeur):
    if isinstance(valeur, Decimal):
        return str(valeur)
    if isinstance(valeur, date):
        return valeur.isoformat()
    return valeur


def type_acte(code: str) -> TypeActe:
    try:
        return TYPES[code]
    except KeyError:
        raise RegleMetier(f"Type d'acte inconnu : {code}.") from None


# --- Rédaction ------------------------------------------------------------------------------


@transaction.atomic
def acte_rediger(
    *,
    acteur: Utilisateur,
    dossier,
    type_acte: str,
    procedure=None,
    date_acte: date | None = None,
    options: dict | None = None,
    corrige: Acte | None = None,
) -> Acte:
    """Crée le brouillon d'un acte rempli depuis le dossier (et la procédure), avec la
    dernière version du modèle de l'étude pour ce type."""
    from .models import ModeleActe

    _exiger_ecriture(acteur)
    _meme_etude(acteur, dossier, procedure)
    genre = TYPES.get(type_acte)
    if genre is None:
        raise RegleMetier(f"Type d'acte inconnu : {type_acte}.")
    if procedure is not None:
        if procedure.dossier_id != dossier.pk:
            raise RegleMetier("La procédure n'est pas celle de ce dossier.")
        if genre.procedure != procedure.type:
            raise RegleMetier(
                f"« {genre.libelle} » n'est pas un acte de la procédure "
                f"« {procedure.get_type_display()} »."
            )
    elif genre.procedure is not None:
        raise RegleMetier(f"« {genre.libelle} » se rédige depuis une procédure du dossier.")
    date_acte = date_acte or timezone.localdate()
    options = {k: v for k, v in (options or {}).items() if v not in (None, "")}
    modele = ModeleActe.objects.courant(etude_id=acteur.etude_id, type_acte=type_acte)
    if modele is None:
        raise RegleMetier(f"Aucun modèle d'acte pour « {genre.libelle} ».")
    donnees = donnees_acte(
        type_acte=genre,
        dossier=dossier,
        procedure=procedure,
        date_acte=date_acte,
        options=options,
    )
    donnees["options"] = {k: _json(v) for k, v in options.items()}
    acte = Acte(
        etude_id=acteur.etude_id,
        dossier=dossier,
        procedure=procedure.procedure_ptr if hasattr(procedure, "procedure_ptr") else procedure,
        type_acte=type_acte,
        modele=modele,
        date_acte=date_acte,
        donnees=donnees,
        parties_libres={p.nom: p.defaut for p in gabarits.parties_libres(modele.gabarit)},
        corrige=corrige,
        redige_par=acteur,
    )
    acte.save()
    evenement_enregistrer(
        etude_id=acteur.etude_id,
        acteur=acteur,
        action="acte_rediger",
        libelle=f"Acte rédigé (brouillon) : {genre.libelle} du {date_fr(date_acte)}"
        + (f", corrige l'acte n° {corrige.numero}" if corrige else ""),
        objet=acte,
        dossier=dossier,
        apres={"type_acte": type_acte, "modele": modele.pk, "version": modele.version},
    )
    return acte


@transaction.atomic
def acte_modifier(*, acteur: Utilisateur, acte: Acte, parties_libres: dict) -> Acte:
    """Réécrit les parties libres d'un brouillon ; le reste de l'acte vient du dossier."""
    _exiger_ecriture(acteur)
    _meme_etude(acteur, acte)
    acte = Acte.objects.select_for_update().get(pk=acte.pk)
    if acte.est_finalise:
        raise RegleMetier(
            f"L'acte n° {acte.numero} est finalisé : il ne change plus. Une correction est un "
            "nouvel acte."
        )
    noms = {p.nom for p in gabarits.parties_libres(acte.modele.gabarit)}
    inconnues = set(parties_libres) - noms
    if inconnues:
        raise RegleMetier(
            "Seules les parties libres du modèle s'éditent : " + ", ".join(sorted(inconnues))
        )
    avant = dict(acte.parties_libres)
    acte.parties_libres = {**acte.parties_libres, **parties_libres}
    acte.save(update_fields=["parties_libres"])
    evenement_enregistrer(
        etude_id=acte.etude_id,
        acteur=acteur,
        action="acte_modifier",
        libelle=f"Brouillon modifié : {acte.libelle}",
        objet=acte,
        dossier=acte.dossier,
        avant=avant,
        apres=acte.parties_libres,
    )
    return acte


def donnees_controle(acte: Acte) -> dict:
    return {**acte.donnees, "libre": acte.parties_libres}


def texte_acte(acte: Acte, *, numero: int | None = None) -> str:
    """Le HTML de l'acte (corps, sans la mise en page du PDF)."""
    return gabarits.rendre(
        acte.modele.gabarit,
        donnees=acte.donnees,
        libres=acte.parties_libres,
        contexte={
            "numero": numero or acte.numero,
            "brouillon": numero is None and not acte.numero,
        },
    )


def acte_controler(acte: Acte) -> conformite.Rapport:
    """Le rapport de conformité du brouillon (données et texte rendu)."""
    if acte.est_finalise:
        return conformite.controler(acte.type, donnees_controle(acte), acte.texte_final)
    return conformite.controler(acte.type, donnees_controle(acte), texte_acte(acte))


# --- Finalisation ---------------------------------------------------------------------------


def rendre_pdf(acte: Acte, html: str) -> bytes:
    # Le moteur de rendu (mise en page A4, pied de page, PDF/A, bornes) appartient à
    # actes.rendu ; importé à l'appel.
    from django.template.loader import render_to_string

    from . import rendu

    document = render_to_string("actes/document.html", {"titre": acte.libelle, "corps": html})
    return rendu.rendre_acte_pdf(
        document,
        reference_dossier=acte.dossier.reference,
        code_acte=acte.type.code_court,
        initiales=acte.redige_par.get_initiales(),
    )


def _garder_la_demande(cas_d_usage):
    """Un acte qui fait avancer une procédure passe par l'étape de la procédure ; quand elle
    attend l'approbation du principal clerc (dossier complexe, règle de l'étude), l'étape
    écrit la demande dans sa propre transaction puis lève `ApprobationRequise`. Le cas
    d'usage de l'acte est atomique : son annulation emporterait la demande, et le message
    « la demande lui a été transmise » mentirait. La demande est donc réécrite seule, après
    l'annulation de tout le reste (rien de l'acte n'est écrit)."""
    from functools import wraps

    @wraps(cas_d_usage)
    def enveloppe(*, acteur, **kwargs):
        from procedures.models import Approbation
        from procedures.services import ApprobationRequise
        from procedures.services.coeur import creer_demande

        try:
            return cas_d_usage(acteur=acteur, **kwargs)
        except ApprobationRequise as attente:
            demande = attente.approbation
            if Approbation.objects.filter(pk=demande.pk).exists():
                raise  # demande déjà en attente avant ce cas d'usage
            with transaction.atomic():
                demande = creer_demande(
                    acteur=acteur,
                    procedure=demande.procedure,
                    nom=demande.transition,
                    regle=demande.regle,
                )
            raise ApprobationRequise(str(attente), approbation=demande) from None

    return enveloppe


@_garder_la_demande
@transaction.atomic
def acte_finaliser(
    *, acteur: Utilisateur, acte: Acte, debours: list[tuple[str, Decimal]] = ()
) -> Acte:
    """Contrôle l'acte, lui donne son numéro au répertoire (sous verrou : suite continue,
    sans trou), le rend en PDF, garde son empreinte SHA-256, poste son coût au grand livre du
    dossier et avance la procédure quand l'acte ne se signifie pas (certificat, lettre)."""
    _exiger_ecriture(acteur)
    _meme_etude(acteur, acte)
    acte = Acte.objects.select_for_update().select_related("modele", "dossier").get(pk=acte.pk)
    if acte.est_finalise:
        raise RegleMetier(f"L'acte n° {acte.numero} est déjà finalisé.")
    rapport = acte_controler(acte)
    if not rapport.conforme:
        raise RegleMetier(
            "L'acte ne peut pas être finalisé : le contrôle de conformité échoue.\n"
            + rapport.resume()
        )
    Repertoire.objects.get_or_create(etude_id=acte.etude_id)
    repertoire = Repertoire.objects.select_for_update().get(etude_id=acte.etude_id)
    repertoire.dernier_numero += 1
    numero = repertoire.dernier_numero
    html = texte_acte(acte, numero=numero)
    final = conformite.controler(acte.type, donnees_controle(acte), html)
    if not final.conforme:
        raise RegleMetier("Le texte final n'est pas conforme.\n" + final.resume())
    pdf = rendre_pdf(acte, html)
    repertoire.save(update_fields=["dernier_numero"])
    maintenant = timezone.now()
    acte.numero = numero
    acte.texte_final = html
    acte.pdf = pdf
    acte.sha256 = hashlib.sha256(pdf).hexdigest()
    acte.etat = EtatActe.FINALISE
    acte.finalise_par = acteur
    acte.finalise_le = maintenant
    acte.cout = acte.donnees.get("cout", {})
    acte.save(
        update_fields=[
            "numero",
            "texte_final",
            "pdf",
            "sha256",
            "etat",
            "finalise_par",
            "finalise_le",
            "cout",
        ]
    )
    _poster_cout(acteur=acteur, acte=acte, debours=debours)
    _avancer_a_la_finalisation(acteur=acteur, acte=acte)
    evenement_enregistrer(
        etude_id=acte.etude_id,
        acteur=acteur,
        action="acte_finaliser",
        libelle=f"Acte finalisé : {acte.libelle}, n° {numero} au répertoire",
        objet=acte,
        dossier=acte.dossier,
        apres={"numero": numero, "sha256": acte.sha256, "modele": acte.modele_id},
    )
    return acte


def _poster_cout(*, acteur, acte: Acte, debours) -> None:
    """Émolument HT (avec sa TVA) et débours au grand livre : comptabilite.services."""
    montant = acte.cout.get("montant_ht")
    libelle = f"{acte.libelle} n° {acte.numero} du {date_fr(acte.date_acte)}"
    if montant and Decimal(montant) > 0:
        frais_enregistrer(
            acteur=acteur,
            dossier=acte.dossier,
            nature=NatureEcriture.EMOLUMENT,
            montant_ht=Decimal(montant),
            date_valeur=acte.date_acte,
            libelle=f"Émolument : {libelle}",
            cause=Cause.ACTE,
            cause_id=str(acte.pk),
        )
    for intitule, somme in debours:
        frais_enregistrer(
            acteur=acteur,
            dossier=acte.dossier,
            nature=NatureEcriture.DEBOURS,
            montant_ht=somme,
            date_valeur=acte.date_acte,
            libelle=f"Débours ({intitule}) : {libelle}",
            cause=Cause.ACTE,
            cause_id=str(acte.pk),
        )


def _avancer_a_la_finalisation(*, acteur, acte: Acte) -> None:
    from procedures import services as P

    if acte.procedure_id is None:
        return
    p = acte.procedure.specifique
    if acte.type_acte == "certificat_non_contestation":
        P.saisie_attribution_delivrer_certificat_non_contestation(
            acteur=acteur, procedure=p, le=acte.date_acte
        )
    elif acte.type_acte == "lettre_petites_creances":
        d = acte.donnees["decompte"]
        P.petites_creances_envoyer_lettre(
            acteur=acteur,
            procedure=p,
            le=acte.date_acte,
            montant_principal=Decimal(d["principal_montant"]),
            montant_interets=Decimal(d["interets_montant"]),
        )


# --- Signification --------------------------------------------------------------------------


def _premier_jour_ouvrable_apres(jour: date, calendrier: str) -> date:
    return delais.fin_de_delai(jour, jours=1, calendrier=calendrier)


def _verifier_mode(
    *, mode, le: datetime, remis_a, diligences, lettre_simple_le, lettre_recommandee_le, calendrier
) -> None:
    jour = jour_de(le)
    limite = _premier_jour_ouvrable_apres(jour, calendrier)
    if mode == ModeSignification.A_DOMICILE and not remis_a.strip():
        raise RegleMetier(
            "CPC 655 et 663 : indiquez les nom, prénoms et qualité de la personne qui a reçu "
            "la copie."
        )
    if (
        mode
        in (
            ModeSignification.A_DOMICILE,
            ModeSignification.DEPOT_ETUDE,
            ModeSignification.PV_RECHERCHES,
        )
        and not diligences.strip()
    ):
        article = {
            "a_domicile": "CPC 655 al. 2",
            "depot_etude": "CPC 656",
            "pv_recherches": "CPC 659 al. 1",
        }[mode]
        raise RegleMetier(
            f"{article} : relatez les diligences accomplies pour joindre le destinataire."
        )
    if mode in (ModeSignification.A_DOMICILE, ModeSignification.DEPOT_ETUDE) and (
        lettre_simple_le is None or not jour <= lettre_simple_le <= limite
    ):
        raise RegleMetier(
            "CPC 658 : la lettre simple part le jour même ou au plus tard le premier jour "
            f"ouvrable suivant ({date_fr(limite)}) ; indiquez sa date."
        )
    if mode == ModeSignification.PV_RECHERCHES:
        if lettre_recommandee_le is None or not jour <= lettre_recommandee_le <= limite:
            raise RegleMetier(
                "CPC 659 al. 2 : la lettre recommandée avec avis de réception part le jour "
                f"même ou au plus tard le premier jour ouvrable suivant ({date_fr(limite)}), "
                "à peine de nullité ; indiquez sa date."
            )
        if lettre_simple_le != jour:
            raise RegleMetier(
                "CPC 659 al. 3 : la lettre simple informant le destinataire part le jour même "
                f"({date_fr(jour)})."
            )


@_garder_la_demande
@transaction.atomic
def acte_signifier(
    *,
    acteur: Utilisateur,
    acte: Acte,
    mode: str,
    le: datetime,
    remis_a: str = "",
    diligences: str = "",
    lettre_simple_le: date | None = None,
    lettre_recommandee_le: date | None = None,
) -> Signification:
    """Enregistre la signification d'un acte finalisé (CPC 653 à 664-1) et fait avancer la
    procédure par son service d'étape, qui ouvre les délais qui en courent."""
    _exiger_ecriture(acteur)
    _meme_etude(acteur, acte)
    acte = Acte.objects.select_for_update().get(pk=acte.pk)
    if not acte.est_finalise:
        raise RegleMetier("Seul un acte finalisé se signifie : finalisez d'abord le brouillon.")
    if not acte.type.signifie:
        raise RegleMetier(f"« {acte.libelle} » ne se signifie pas.")
    if acte.significations.exists():
        raise RegleMetier(
            "Cet acte est déjà signifié ; une nouvelle signification est un nouvel acte."
        )
    if mode not in ModeSignification.values:
        raise RegleMetier("Mode de signification inconnu.")
    if not isinstance(le, datetime):
        raise RegleMetier("Indiquez la date et l'heure de la signification.")
    if timezone.is_naive(le):
        le = timezone.make_aware(le)
    calendrier = acte.etude.calendrier if hasattr(acte, "etude") else "metropole"
    # CPC 664 : ni avant six heures, ni après vingt et une heures, ni dimanche ni jour férié.
    verifier_horaire(le, calendrier=calendrier, article="CPC 664")
    if le > timezone.now():
        raise RegleMetier("La signification ne peut pas être datée dans le futur.")
    jour = jour_de(le)
    if jour != acte.date_acte:
        raise RegleMetier(
            f"L'acte est daté du {date_fr(acte.date_acte)} et les délais qu'il énonce partent "
            f"de ce jour : il ne peut pas être signifié le {date_fr(jour)}. Rédigez un nouvel "
            "acte daté du jour de la signification."
        )
    heure = acte.donnees.get("heure_signification")
    if heure and timezone.localtime(le).strftime("%H:%M") != heure:
        raise RegleMetier(
            f"CPCE R211-1 : l'acte indique qu'il est signifié à {heure} ; la signification "
            f"enregistrée à {timezone.localtime(le):%H:%M} le contredirait. Rédigez un nouvel "
            "acte."
        )
    _verifier_mode(
        mode=mode,
        le=le,
        remis_a=remis_a,
        diligences=diligences,
        lettre_simple_le=lettre_simple_le,
        lettre_recommandee_le=lettre_recommandee_le,
        calendrier=calendrier,
    )
    signification = Signification(
        etude_id=acte.etude_id,
        acte=acte,
        mode=mode,
        le=le,
        remis_a=remis_a,
        diligences=diligences,
        lettre_simple_le=lettre_simple_le,
        lettre_recommandee_le=lettre_recommandee_le,
        enregistree_par=acteur,
    )
    signification.save()
    _avancer_a_la_signification(acteur=acteur, acte=acte, signification=signification)
    evenement_enregistrer(
        etude_id=acte.etude_id,
        acteur=acteur,
        action="acte_signifier",
        libelle=f"Acte n° {acte.numero} signifié ({signification.get_mode_display()}) le "
        f"{timezone.localtime(le):%d/%m/%Y à %H:%M}",
        objet=signification,
        dossier=acte.dossier,
        apres={"mode": mode, "le": le.isoformat(), "acte": acte.pk},
    )
    return signification


def _avancer_a_la_signification(*, acteur, acte: Acte, signification: Signification) -> None:
    from procedures import services as P

    if acte.procedure_id is None:
        return
    p = acte.procedure.specifique
    le = signification.le
    options = acte.donnees.get("options", {})
    a = {"acteur": acteur, "procedure": p}
    code = acte.type_acte
    if code == "commandement_saisie_vente":
        P.saisie_vente_signifier_commandement(**a, le=le)
    elif code == "pv_saisie_vente":
        if p.etat == "pv_saisie":
            P.saisie_vente_signifier_pv(**a, le=le)
        else:
            P.saisie_vente_dresser_pv_saisie(
                **a, le=le, debiteur_present=bool(options.get("debiteur_present"))
            )
    elif code == "pv_carence":
        P.saisie_vente_dresser_pv_carence(**a, le=le)
    elif code == "saisie_attribution":
        P.saisie_attribution_signifier(
            **a,
            signifie_le=le,
            tiers_saisi=acte.donnees["tiers"]["designation"],
            compte_bancaire=bool(options.get("compte_bancaire")),
        )
    elif code == "denonciation_saisie_attribution":
        P.saisie_attribution_denoncer(**a, le=le)
    elif code == "signification_injonction_de_payer":
        P.injonction_de_payer_signifier(
            **a, le=le, a_personne=signification.mode == ModeSignification.A_PERSONNE
        )
    elif code == "commandement_saisie_remunerations":
        P.saisie_remunerations_signifier_commandement(**a, le=le)
    elif code == "pv_saisie_remunerations":
        P.saisie_remunerations_signifier_pv_saisie(
            **a, le=le, employeur=acte.donnees["tiers"]["designation"]
        )
    elif code == "denonciation_saisie_remunerations":
        P.saisie_remunerations_denoncer(**a, le=le)
    elif code == "commandement_quitter_lieux":
        P.expulsion_signifier_commandement(**a, le=le)
    elif code == "pv_expulsion":
        P.expulsion_dresser_pv(**a, le=le, meubles_laisses=bool(options.get("meubles_laisses")))
    elif code == "commandement_clause_resolutoire":
        P.clause_resolutoire_signifier_commandement(
            **a,
            le=le,
            bail_signe_le=date.fromisoformat(options["bail_signe_le"]),
            loyer_mensuel_hc=Decimal(options["loyer_mensuel"]),
            dette=Decimal(acte.donnees["decompte"]["total_montant"]),
        )


# --- Correction et modèles ------------------------------------------------------------------


def acte_corriger(*, acteur: Utilisateur, acte: Acte, date_acte: date | None = None) -> Acte:
    """Une correction est un nouvel acte : brouillon du même type, qui désigne l'acte corrigé."""
    if not acte.est_finalise:
        raise RegleMetier(
            "Un brouillon se modifie directement ; seul un acte finalisé se "
            "corrige par un nouvel acte."
        )
    options = dict(acte.donnees.get("options", {}))
    for cle in ("bail_signe_le",):
        if cle in options:
            options[cle] = date.fromisoformat(options[cle])
    for cle in ("loyer_mensuel", "charges_mensuelles"):
        if cle in options:
            options[cle] = Decimal(options[cle])
    return acte_rediger(
        acteur=acteur,
        dossier=acte.dossier,
        type_acte=acte.type_acte,
        procedure=acte.procedure.specifique if acte.procedure_id else None,
        date_acte=date_acte,
        options=options,
        corrige=acte,
    )


@transaction.atomic
def modele_acte_enregistrer(
    *, acteur: Utilisateur, type_acte: str, gabarit: str, commentaire: str = ""
):
    """Enregistre une nouvelle version du modèle de l'étude pour ce type (les versions
    précédentes restent, et les actes qui les ont utilisées les gardent)."""
    from .models import ModeleActe

    _exiger_ecriture(acteur)
    if not acteur.est_principal:
        raise PermissionDenied(
            "Seuls le principal clerc et le commissaire modifient les modèles d'actes."
        )
    genre = globals()["type_acte"](type_acte)
    gabarits.verifier_gabarit(gabarit)
    dernier = (
        ModeleActe.objects.filter(etude_id=acteur.etude_id, type_acte=type_acte)
        .select_for_update()
        .order_by("-version")
        .first()
    )
    version = (dernier.version if dernier else 0) + 1
    modele = ModeleActe.objects.create(
        etude_id=acteur.etude_id,
        type_acte=type_acte,
        version=version,
        gabarit=gabarit,
        auteur=acteur,
        commentaire=commentaire,
    )
    evenement_enregistrer(
        etude_id=acteur.etude_id,
        acteur=acteur,
        action="modele_acte_enregistrer",
        libelle=f"Modèle d'acte « {genre.libelle} » : version {version}",
        objet=modele,
        apres={"type_acte": type_acte, "version": version, "commentaire": commentaire},
    )
    return modele


__all__ = [
    "acte_controler",
    "acte_corriger",
    "acte_finaliser",
    "acte_modifier",
    "acte_rediger",
    "acte_signifier",
    "euros",
    "modele_acte_enregistrer",
]
