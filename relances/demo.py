"""Démonstration des relances : un scénario standard à cinq canaux, qui tourne nuit après
nuit sur les dossiers amiables de la démo (`python manage.py nuit --date AAAA-MM-JJ`) :
lettres du jour (PDF), courriels (backend de Django : console ou locmem), SMS (console),
liste d'appels du clerc, puis la tâche qui propose la voie judiciaire."""

from __future__ import annotations

from dossiers.models import Dossier, EmailDebiteur, Phase, TelephoneDebiteur
from etude.demo import ContexteDemo, Etape

from .models import EtapeScenario, ReglageRelances, Scenario

NOM = "Relance amiable standard"
ETAPES = [
    {"apres_jours": 0, "canal": "lettre", "modele": ""},
    {
        "apres_jours": 7,
        "canal": "email",
        "objet": "Message de {{ etude }} (réf. {{ reference }})",
        "modele": "Bonjour {{ debiteur }},\n\nMerci de prendre contact avec {{ etude }} au "
        "{{ telephone_etude }}, du lundi au samedi de 8 h à 20 h, en rappelant la référence "
        "{{ reference }}.\n\n{{ etude }}",
    },
    {
        "apres_jours": 7,
        "canal": "sms",
        "modele": "{{ etude }} : merci de nous rappeler au {{ telephone_etude }}, "
        "réf. {{ reference }}.",
    },
    {
        "apres_jours": 7,
        "canal": "appel",
        "script": "Se présenter (nom, étude). Vérifier l'identité avant tout détail. Rappeler "
        "la lettre et sa référence. Proposer un paiement ou un échéancier ; noter une "
        "promesse avec sa date et son montant.",
    },
    {"apres_jours": 14, "canal": "tache", "voie_judiciaire": True},
]


def etape_scenario(contexte: ContexteDemo) -> None:
    etude = contexte.etude
    ReglageRelances.objects.get_or_create(etude=etude, defaults={"telephone": "01 42 00 00 00"})
    scenario, cree = Scenario.objects.get_or_create(etude=etude, nom=NOM)
    if cree:
        for rang, valeurs in enumerate(ETAPES, start=1):
            etape = EtapeScenario(scenario=scenario, rang=rang, **valeurs)
            etape.full_clean()
            etape.save()
    # Les débiteurs des dossiers amiables de la démo ont consenti aux courriels et aux SMS
    # (sans consentement, la campagne ignore ces canaux et le dit).
    for dossier in Dossier.objects.filter(etude=etude, phase=Phase.AMIABLE):
        debiteur = dossier.debiteurs.order_by("parties__rang").first()
        if debiteur is None:
            continue
        if not debiteur.emails.exists():
            EmailDebiteur.objects.create(
                debiteur=debiteur,
                adresse=f"debiteur{debiteur.pk}@exemple-demo.fr",
                consentement=True,
            )
        if not debiteur.telephones.filter(mobile=True).exists():
            TelephoneDebiteur.objects.create(
                debiteur=debiteur,
                numero=f"+3361000{debiteur.pk:04d}",
                mobile=True,
                consentement_sms=True,
                consentement_appel=True,
            )


def demo_etapes() -> list[Etape]:
    from .demo_echeanciers import demo_etapes as etapes_echeanciers

    return [Etape("scénario de relance", etape_scenario), *etapes_echeanciers()]
