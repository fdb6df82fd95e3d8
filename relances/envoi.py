"""Remise des envois à leur canal : courriel (backend de Django), SMS (backend enfichable),
appel (liste du clerc), tâche (« Mon bureau » du clerc). Les lettres vont au fichier du jour
(relances/lettres.py).

Chaque envoi est d'abord « réclamé » (UPDATE … SET etat = 'en_cours' WHERE etat =
'a_envoyer', validé) puis remis au canal, puis marqué envoyé ou échoué : deux workers qui
reçoivent le même paquet ne remettent chaque message qu'une fois, et un worker tué entre la
réclamation et la remise laisse un envoi « en cours » que la reprise passe en échec sans le
renvoyer. Juste avant la remise, l'envoi relit ce qui a pu changer depuis la campagne
(opposition, consentement retiré, scénario arrêté) : la dernière volonté du débiteur gagne.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.message import make_msgid
from django.db import transaction
from django.db.models import QuerySet
from django.template import Context, Template, TemplateSyntaxError
from django.utils import timezone

from dossiers.models import EmailDebiteur, TelephoneDebiteur
from etude.models import Etude

from . import sms
from .models import AffectationScenario, Appel, Canal, Envoi, EtatEnvoi, MotifArret
from .services.campagnes import horaires_de
from .services.taches import tache_mettre, texte_de_tache


def premiere_lettre(envoi: Envoi) -> str:
    """« Rappel de notre lettre … du … » : la première lettre partie du dossier (pas cet
    envoi), avec la référence qu'elle porte (relances/lettres.py), ou "" s'il n'y en a pas.
    Chaque relance rappelle la référence et la date de la première lettre (CPCE R124-4,
    domaine/textes.md C11 : « ce que le logiciel doit faire »)."""
    premiere = (
        Envoi.objects.filter(dossier_id=envoi.dossier_id, canal=Canal.LETTRE)
        .exclude(etat__in=[EtatEnvoi.IGNORE, EtatEnvoi.ECHOUE])
        .exclude(pk=envoi.pk)
        .order_by("le", "id")
        .only("id", "le")
        .first()
    )
    if premiere is None or premiere.le > envoi.le:
        return ""
    reference = f"{envoi.dossier.reference}/L{premiere.pk}"
    return f"Rappel de notre lettre {reference} du {premiere.le:%d/%m/%Y}"


def contexte_discret(envoi: Envoi) -> dict:
    """Ce qu'un SMS ou un courriel peut dire : rien sur la dette ni le créancier."""
    etude = envoi.etude
    reglage = getattr(etude, "reglage_relances", None)
    telephone = (reglage.telephone if reglage else "") or etude.telephone
    return {
        "debiteur": envoi.debiteur.designation,
        "etude": (reglage.nom_affiche if reglage else "") or etude.nom,
        "telephone_etude": telephone,
        "email_etude": etude.email,
        "reference": envoi.dossier.reference,
    }


def rendre(modele: str, contexte: dict) -> str:
    return Template(modele).render(Context(contexte, autoescape=False)).strip()


def _raison_de_ne_pas_envoyer(envoi: Envoi) -> str:
    affectation = (
        AffectationScenario.objects.filter(dossier_id=envoi.dossier_id)
        .select_related("scenario")
        .first()
    )
    if envoi.echeance_id is not None:
        # Rappel d'échéance : le scénario est arrêté par le plan, c'est voulu ; le plan doit
        # être toujours en cours.
        if envoi.echeance.echeancier.etat != "en_cours":
            return "Le plan n'est plus en cours"
    # « Étapes épuisées » n'arrête que les étapes suivantes : l'envoi de la dernière, encore
    # en file quand une passe marque le scénario terminé, part.
    elif affectation is None or affectation.arret not in ("", MotifArret.TERMINE):
        motif = affectation.get_arret_display() if affectation else "retiré"
        return f"Scénario arrêté depuis la campagne ({motif})"
    # Une promesse ne suspend que les scénarios qui le prévoient (case « promesse » : la
    # campagne ne crée pas leurs envois pendant la suspension) ; les autres continuent.
    if (
        affectation.suspendu_jusqu_au
        and affectation.suspendu_jusqu_au >= timezone.localdate()
        and affectation.scenario.arret_promesse
    ):
        return f"Scénario suspendu jusqu'au {affectation.suspendu_jusqu_au:%d/%m/%Y}"
    if envoi.canal == Canal.EMAIL:
        if not EmailDebiteur.objects.filter(
            debiteur_id=envoi.debiteur_id,
            adresse=envoi.destinataire,
            consentement=True,
            opposition=False,
        ).exists():
            return "Opposition ou consentement retiré depuis la campagne"
    elif (
        envoi.canal in (Canal.SMS, Canal.APPEL)
        and not telephones_joignables(
            envoi.canal, debiteur_id=envoi.debiteur_id, numero=envoi.destinataire
        ).exists()
    ):
        return "Opposition ou consentement retiré depuis la campagne"
    return ""


def telephones_joignables(canal: str, **filtre) -> QuerySet[TelephoneDebiteur]:
    """Les numéros qui peuvent recevoir ce canal (SMS ou appel) : sans opposition, avec le
    consentement du canal. Une seule règle pour la remise d'un envoi (ci-dessus) et pour la
    liste d'appels du clerc, qui la relit au moment d'appeler (`filtre` : par exemple
    `debiteur_id=OuterRef("debiteur_id"), numero=OuterRef("telephone")`)."""
    consentement = "consentement_sms" if canal == Canal.SMS else "consentement_appel"
    return TelephoneDebiteur.objects.filter(opposition=False, **{consentement: True}, **filtre)


def _reclamer(envoi_id: int) -> bool:
    return bool(
        Envoi.objects.filter(pk=envoi_id, etat=EtatEnvoi.A_ENVOYER).update(
            etat=EtatEnvoi.EN_COURS, reclame_le=timezone.now()
        )
    )


def _finir(envoi_id: int, etat: str, **champs) -> None:
    Envoi.objects.filter(pk=envoi_id, etat=EtatEnvoi.EN_COURS).update(etat=etat, **champs)


def _courriel(envoi: Envoi, connexion) -> dict:
    contexte = contexte_discret(envoi)
    identifiant = make_msgid(idstring=f"envoi-{envoi.pk}", domain="etude.invalid")
    corps = rendre(envoi.etape.modele, contexte)
    rappel = premiere_lettre(envoi)
    if rappel:
        # Le SMS tient en un message et ne rappelle que la référence du dossier ; le courriel
        # porte la référence et la date de la première lettre.
        corps += f"\n\n{rappel}."
    message = EmailMessage(
        subject=rendre(envoi.etape.objet, contexte),
        body=corps,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[envoi.destinataire],
        headers={"Message-ID": identifiant, "X-Etude-Envoi": str(envoi.pk)},
        connection=connexion,
    )
    # Backend d'anymail (prestataire) : la métadonnée revient dans ses événements de suivi
    # (rebonds : relances/rebonds.py) ; le backend SMTP de Django l'ignore.
    message.metadata = {"envoi": str(envoi.pk)}
    message.send(fail_silently=False)
    return {"identifiant_externe": identifiant[:120]}


def _sms(envoi: Envoi, passerelle) -> dict:
    texte = sms.ajuster(rendre(envoi.etape.modele, contexte_discret(envoi)))
    identifiant = passerelle.envoyer(
        numero=envoi.destinataire, texte=texte, reference=f"envoi-{envoi.pk}"
    )
    return {"identifiant_externe": identifiant[:120], "segments": sms.longueur(texte).segments}


def _texte_de_tache(envoi: Envoi) -> str:
    """Le modèle de l'étape rendu pour le clerc (un gabarit illisible est donné tel quel :
    la tâche part quand même, le clerc lit ce qu'on a écrit)."""
    try:
        rendu = rendre(envoi.etape.modele, contexte_discret(envoi))
    except TemplateSyntaxError:
        rendu = envoi.etape.modele.strip()
    return texte_de_tache(envoi, rendu)


def _appel_ou_tache(envoi: Envoi) -> None:
    """Mise en liste : dans une transaction, la réclamation et l'appel (liste d'appels) ou la
    tâche (« Mon bureau » du clerc) ensemble : un seul appel, une seule tâche par envoi,
    même rejoué par un second worker."""
    with transaction.atomic():
        if not _reclamer(envoi.pk):
            return
        if envoi.canal == Canal.TACHE:
            tache_mettre(envoi=envoi, texte=_texte_de_tache(envoi))
        elif envoi.canal == Canal.APPEL:
            Appel.objects.create(
                etude_id=envoi.etude_id,
                envoi=envoi,
                dossier_id=envoi.dossier_id,
                debiteur_id=envoi.debiteur_id,
                clerc_id=envoi.dossier.clerc_id,
                telephone=envoi.destinataire,
                prevu_le=timezone.localdate(),
                script=envoi.etape.script,
            )
        _finir(envoi.pk, EtatEnvoi.ENVOYE, envoye_le=timezone.now())


def envoyer_paquet(ids: list[int]) -> dict:
    """Remet les envois « à envoyer » de `ids` ; idempotent. Courriels et SMS hors des heures
    de l'étude restent « à envoyer » (la reprise les relance à l'ouverture)."""
    resultat = {"envoye": 0, "echoue": 0, "ignore": 0, "reporte": 0}
    envois = list(
        Envoi.objects.filter(pk__in=ids, etat=EtatEnvoi.A_ENVOYER)
        .select_related("etape", "debiteur", "dossier", "etude__reglage_relances")
        .order_by("id")
    )
    horaires: dict[int, object] = {}
    connexion = None
    passerelle = None
    try:
        for envoi in envois:
            if envoi.canal in (Canal.APPEL, Canal.TACHE):
                # Tâche : seuls l'arrêt et la suspension du scénario comptent (pas de
                # coordonnée) ; un dossier payé entre-temps ne demande plus rien au clerc.
                raison = _raison_de_ne_pas_envoyer(envoi)
                if raison:
                    if _reclamer(envoi.pk):
                        _finir(envoi.pk, EtatEnvoi.IGNORE, motif=raison)
                        resultat["ignore"] += 1
                    continue
                _appel_ou_tache(envoi)
                resultat["envoye"] += 1
                continue
            if envoi.etude_id not in horaires:
                horaires[envoi.etude_id] = horaires_de(Etude.objects.get(pk=envoi.etude_id))
            if not horaires[envoi.etude_id].ouvert(timezone.localtime()):
                resultat["reporte"] += 1
                continue
            raison = _raison_de_ne_pas_envoyer(envoi)
            if not _reclamer(envoi.pk):
                continue
            if raison:
                _finir(envoi.pk, EtatEnvoi.IGNORE, motif=raison)
                resultat["ignore"] += 1
                continue
            try:
                if envoi.canal == Canal.EMAIL:
                    if connexion is None:
                        connexion = get_connection()
                    champs = _courriel(envoi, connexion)
                else:
                    passerelle = passerelle or sms.backend()
                    champs = _sms(envoi, passerelle)
            except Exception as erreur:  # le canal a refusé : l'envoi est en échec, dit pourquoi
                _finir(
                    envoi.pk, EtatEnvoi.ECHOUE, motif=f"{type(erreur).__name__} : {erreur}"[:200]
                )
                resultat["echoue"] += 1
                continue
            _finir(envoi.pk, EtatEnvoi.ENVOYE, envoye_le=timezone.now(), **champs)
            resultat["envoye"] += 1
    finally:
        if connexion is not None:
            connexion.close()
    return resultat
