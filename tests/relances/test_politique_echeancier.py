"""Écran de la politique des échéanciers : le principal clerc et le commissaire la fixent
(formulaire validé en français, audit), les autres la lisent ; le plan suit la politique."""

from datetime import date
from decimal import Decimal as D

import pytest
import time_machine
from django.urls import reverse

from etude.models import Evenement
from relances.models import Echeancier, EtatEcheancier, PolitiqueEcheancier
from tests.factories import creer_debiteur, creer_dossier

pytestmark = pytest.mark.django_db

VALEURS = {
    "duree_max_mois": "36",
    "remise_interets_autorisee": "on",
    "reste_a_vivre": "150.00",
    "reste_a_vivre_par_personne": "50.00",
    "grace_jours": "10",
    "delai_mise_en_demeure_jours": "15",
}
URL = "/echeanciers/politique/"
ACTION = "relances.politique_echeancier_enregistrer"


def test_adresse():
    assert reverse("echeanciers_politique") == URL


def test_le_principal_clerc_fixe_la_politique_et_c_est_audite(client, principal_clerc):
    client.force_login(principal_clerc)
    page = client.get(URL).content.decode()
    assert "l'étude applique les valeurs par défaut" in page
    assert 'value="24"' in page  # C. civ. 1343-5 : deux années, valeur par défaut
    reponse = client.post(URL, VALEURS)
    assert reponse.status_code == 302
    politique = PolitiqueEcheancier.objects.get(etude=principal_clerc.etude)
    assert politique.duree_max_mois == 36
    assert politique.remise_interets_autorisee is True
    assert politique.remise_frais_autorisee is False
    assert politique.reste_a_vivre == D("150.00")
    assert politique.reste_a_vivre_par_personne == D("50.00")
    assert (politique.grace_jours, politique.delai_mise_en_demeure_jours) == (10, 15)
    evenement = Evenement.objects.get(action=ACTION)
    assert evenement.acteur == principal_clerc
    assert evenement.avant["duree_max_mois"] == 24 and evenement.apres["duree_max_mois"] == 36
    assert evenement.avant["reste_a_vivre"] == "0.00"
    assert "durée maximale (mois)" in evenement.libelle
    assert "remise des frais" not in evenement.libelle  # inchangée
    # Même saisie une seconde fois : rien ne change, aucun événement de plus.
    client.post(URL, VALEURS)
    assert Evenement.objects.filter(action=ACTION).count() == 1
    assert PolitiqueEcheancier.objects.count() == 1


def test_le_commissaire_aussi(client, commissaire):
    client.force_login(commissaire)
    assert client.post(URL, VALEURS).status_code == 302
    assert PolitiqueEcheancier.objects.get().duree_max_mois == 36


@pytest.mark.parametrize(
    ("champ", "valeur", "message"),
    [
        ("duree_max_mois", "0", "supérieure ou égale à 1"),
        ("duree_max_mois", "121", "inférieure ou égale à 120"),
        ("reste_a_vivre", "-1", "supérieure ou égale à 0"),
        ("reste_a_vivre", "abc", "Saisissez un nombre"),
        ("delai_mise_en_demeure_jours", "0", "au moins un jour"),
        ("grace_jours", "", "Ce champ est obligatoire"),
    ],
)
def test_saisie_invalide_refusee_en_francais_rien_d_ecrit(
    client, principal_clerc, champ, valeur, message
):
    client.force_login(principal_clerc)
    reponse = client.post(URL, {**VALEURS, champ: valeur})
    assert reponse.status_code == 400
    assert message in reponse.content.decode()
    assert not PolitiqueEcheancier.objects.exists()
    assert not Evenement.objects.filter(action=ACTION).exists()


def test_le_clerc_lit_sans_modifier(client, clerc):
    client.force_login(clerc)
    page = client.get(URL)
    assert page.status_code == 200
    assert "Seuls le principal clerc et le commissaire" in page.content.decode()
    assert "disabled" in page.content.decode()
    assert client.post(URL, VALEURS).status_code == 403
    assert not PolitiqueEcheancier.objects.exists()


def test_lecture_lit_sans_modifier(client, lecture):
    client.force_login(lecture)
    assert client.get(URL).status_code == 200
    assert client.post(URL, VALEURS).status_code == 403
    assert not PolitiqueEcheancier.objects.exists()


def test_chaque_etude_sa_politique(client, principal_clerc, autre_etude):
    client.force_login(principal_clerc)
    client.post(URL, VALEURS)
    assert PolitiqueEcheancier.de(autre_etude.etude_id).duree_max_mois == 24
    assert PolitiqueEcheancier.de(principal_clerc.etude_id).duree_max_mois == 36


@time_machine.travel(date(2025, 6, 2), tick=False)
def test_un_plan_de_30_mois_n_attend_plus_d_approbation_une_fois_la_duree_portee_a_36(
    client, clerc, principal_clerc
):
    debiteur = creer_debiteur(
        etude=clerc.etude, revenus_mensuels_nets=D("1800.00"), personnes_a_charge=1
    )
    dossier = creer_dossier(acteur=clerc, debiteurs=[debiteur])
    client.force_login(principal_clerc)
    client.post(URL, {**VALEURS, "remise_interets_autorisee": ""})
    client.force_login(clerc)
    client.post(
        reverse("echeancier_accepter", args=[dossier.reference]),
        {"nombre": "30", "premiere": "2025-06-10"},
    )
    assert Echeancier.objects.get(dossier=dossier).etat == EtatEcheancier.EN_COURS
