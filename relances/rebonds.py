"""Rebonds des courriels : le webhook de suivi du prestataire (django-anymail) et son
traitement.

Pourquoi anymail plutôt qu'un webhook écrit à la main : chaque prestataire (Brevo, Mailgun,
Postmark, SendGrid…) a son format d'événements et sa façon de signer ; anymail, tenu à jour
et utilisé largement, les ramène à un seul événement (`anymail.signals.tracking`) et vérifie
l'authentification (HTTP Basic avec `ANYMAIL["WEBHOOK_SECRET"]`, plus la signature propre au
prestataire quand il en a une, ex. `MAILGUN_WEBHOOK_SIGNING_KEY`).

Sécurité :
- le secret vient de l'environnement (`ANYMAIL_WEBHOOK_SECRET`, « utilisateur:motdepasse »),
  jamais du dépôt ; sans secret, la route refuse tout (403) au lieu d'accepter n'importe qui
  (anymail, lui, ne ferait qu'avertir) ;
- une requête sans la bonne authentification est refusée (400, `SuspiciousOperation`)
  avant toute lecture de la base ;
- CSRF : cette vue seule en est exemptée. Le prestataire appelle depuis ses serveurs, sans
  session ni cookie : un jeton CSRF n'a pas de sens, et la protection CSRF défend une
  session de navigateur, que cette vue n'utilise pas (elle n'agit jamais au nom d'un
  utilisateur connecté). L'authentification du prestataire remplace le jeton.

Ce qui est traité : « bounced », « rejected » et « failed » font passer l'envoi en échec avec
la raison (`envoi_rebond_enregistrer`, audité) ; « complained » (le destinataire a marqué le
courriel comme indésirable) et « unsubscribed » (désabonnement) posent une opposition sur
l'adresse (`courriel_opposition_enregistrer`, audité, RGPD art. 21) : plus aucun courriel de
l'étude n'y part ; le reste (remis, ouvert, différé…) est ignoré. L'envoi est retrouvé par
la métadonnée `envoi` (posée par `relances.envoi` quand le backend est celui d'anymail) ou, à
défaut, par l'identifiant du message (Message-ID).
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.http import HttpResponse
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import Canal, Envoi

# Prestataires proposés (RELANCES_REBONDS_PRESTATAIRE) : la vue de suivi d'anymail.
VUES_DE_SUIVI = {
    "brevo": "anymail.webhooks.brevo.BrevoTrackingWebhookView",
    "mailgun": "anymail.webhooks.mailgun.MailgunTrackingWebhookView",
    "mailjet": "anymail.webhooks.mailjet.MailjetTrackingWebhookView",
    "postmark": "anymail.webhooks.postmark.PostmarkTrackingWebhookView",
    "sendgrid": "anymail.webhooks.sendgrid.SendGridTrackingWebhookView",
    "sparkpost": "anymail.webhooks.sparkpost.SparkPostTrackingWebhookView",
}
ECHECS = {"bounced", "rejected", "failed"}
# Le destinataire ne veut plus de courriels : opposition sur l'adresse (RGPD art. 21).
OPPOSITIONS = {"complained", "unsubscribed"}


@cache
def _vue(prestataire: str):
    return import_string(VUES_DE_SUIVI[prestataire]).as_view()


def _secret_configure() -> bool:
    return bool(getattr(settings, "ANYMAIL", {}).get("WEBHOOK_SECRET"))


@csrf_exempt  # Appel de serveur à serveur authentifié par le prestataire : voir plus haut.
@require_POST
def webhook_rebonds(request):
    prestataire = settings.RELANCES_REBONDS_PRESTATAIRE
    if not _secret_configure() or prestataire not in VUES_DE_SUIVI:
        return HttpResponse(
            "Webhook des rebonds non configuré (ANYMAIL_WEBHOOK_SECRET, "
            "RELANCES_REBONDS_PRESTATAIRE).",
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    return _vue(prestataire)(request)


def _identifiant(event) -> str | None:
    """L'identifiant externe de l'envoi que l'événement concerne."""
    envoi_id = (event.metadata or {}).get("envoi")
    if envoi_id is not None and str(envoi_id).isdigit():
        envoi = (
            Envoi.objects.filter(pk=int(envoi_id), canal=Canal.EMAIL)
            .only("identifiant_externe", "destinataire")
            .first()
        )
        # Le destinataire doit être celui de l'envoi : une métadonnée ne suffit pas seule.
        if (
            envoi is not None
            and envoi.identifiant_externe
            and (not event.recipient or event.recipient.lower() == envoi.destinataire.lower())
        ):
            return envoi.identifiant_externe
    return event.message_id or None


def suivi_recu(sender, event, esp_name, **kwargs) -> None:
    """Récepteur du signal `anymail.signals.tracking`."""
    from .services.campagnes import courriel_opposition_enregistrer, envoi_rebond_enregistrer

    if event.event_type not in ECHECS and event.event_type not in OPPOSITIONS:
        return
    identifiant = _identifiant(event)
    if not identifiant:
        return
    if event.event_type in OPPOSITIONS:
        courriel_opposition_enregistrer(
            identifiant_externe=identifiant,
            genre=event.event_type,
            prestataire=esp_name,
            destinataire=event.recipient or "",
        )
        return
    raison = event.mta_response or event.reject_reason or event.event_type
    envoi_rebond_enregistrer(identifiant_externe=identifiant, motif=f"{esp_name}, {raison}")
