"""Réglage des relances de l'étude (heures de contact, téléphone et nom affichés dans les
courriels et SMS) : fixé par le principal clerc ou le commissaire depuis l'écran, audité,
lu par les autres ; le nom affiché remplace le nom légal dans les SMS, pas dans les lettres."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from etude.models import Evenement
from relances import sms
from relances.models import Envoi, ReglageRelances
from relances.services.campagnes import campagne_lancer, horaires_de

from .conftest import creer_dossier_joignable, creer_scenario

pytestmark = pytest.mark.django_db
URL = "/relances/reglage/"
ACTION = "relances.reglage_enregistrer"
VALEURS = {
    "heure_debut": "9",
    "heure_fin": "19",
    "telephone": "01 40 00 00 00",
    "nom_affiche": "Cabinet Martin",
}


def test_adresse():
    assert reverse("relances_reglage") == URL


def test_le_principal_fixe_heures_et_nom_affiche_audite(client, principal_clerc):
    client.force_login(principal_clerc)
    assert "l'étude applique les valeurs par défaut" in client.get(URL).content.decode()
    assert client.post(URL, VALEURS).status_code == 302
    reglage = ReglageRelances.objects.get(etude=principal_clerc.etude)
    # Samedi décoché (case absente du POST) : du lundi au vendredi.
    assert (reglage.heure_debut, reglage.heure_fin, reglage.samedi) == (9, 19, False)
    assert reglage.nom_affiche == "Cabinet Martin"
    horaires = horaires_de(principal_clerc.etude)
    assert not horaires.jour_ouvert(date(2026, 11, 28))  # un samedi
    evenement = Evenement.objects.get(action=ACTION)
    assert evenement.acteur == principal_clerc
    assert evenement.avant["heure_debut"] == 8 and evenement.apres["heure_debut"] == 9
    assert "nom affiché dans les courriels et SMS" in evenement.libelle
    client.post(URL, VALEURS)  # même saisie : rien de plus
    assert Evenement.objects.filter(action=ACTION).count() == 1


def test_heures_incoherentes_refusees_en_francais(client, principal_clerc):
    client.force_login(principal_clerc)
    reponse = client.post(URL, {**VALEURS, "heure_debut": "20", "heure_fin": "8"})
    assert reponse.status_code == 400
    assert "L&#x27;heure de fin des contacts doit venir après l&#x27;heure de début." in (
        reponse.content.decode()
    )
    assert not ReglageRelances.objects.exists()


def test_le_clerc_lit_sans_modifier(client, clerc):
    client.force_login(clerc)
    page = client.get(URL).content.decode()
    assert "Seuls le principal clerc et le commissaire" in page
    assert client.post(URL, VALEURS).status_code == 403
    assert not ReglageRelances.objects.exists()


def test_le_nom_affiche_remplace_le_nom_legal_dans_le_sms(
    clerc, heures_ouvertes, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    ReglageRelances.objects.create(etude=clerc.etude, nom_affiche="Cabinet Martin")
    creer_scenario(
        etude=clerc.etude,
        etapes=[
            {"apres_jours": 0, "canal": "sms", "modele": "{{ etude }} : rappelez-nous."},
            {"apres_jours": 0, "canal": "lettre"},
        ],
    )
    dossier = creer_dossier_joignable(acteur=clerc)
    with django_capture_on_commit_callbacks(execute=True):
        campagne_lancer(etude=clerc.etude, le=date(2026, 11, 2))
    (texte,) = [m["texte"] for m in sms.boite]
    assert texte.startswith("Cabinet Martin :")
    assert clerc.etude.nom not in texte
    assert Envoi.objects.get(dossier=dossier, canal="sms").etat == "envoye"
