"""Écrans : décompte (page, PDF, donnée manquante en rouge), versement, contre-passation,
cloisonnement entre études."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.urls import reverse

from comptabilite.models import Ecriture, Versement
from comptabilite.services import versement_enregistrer
from tests.factories import creer_titre_comptable

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.comptabilite.urls_test")]


@pytest.fixture
def client_clerc(client, clerc):
    client.force_login(clerc)
    return client


def test_page_decompte_montre_les_periodes_et_le_reste_du(client_clerc, clerc):
    dossier = creer_titre_comptable(acteur=clerc)
    url = reverse("comptabilite_decompte", args=[dossier.reference])
    reponse = client_clerc.get(url, {"le": "2025-06-30"})
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "Décompte du dossier" in contenu
    assert "8,71 %" in contenu and "(majoré L313-3)" in contenu
    assert "5\u202f112,96\u00a0EUR" in contenu  # 4 250 + 800 + 62,96 (test_grand_livre)


def test_page_decompte_montre_la_donnee_manquante_en_rouge(client_clerc, clerc):
    dossier = creer_titre_comptable(acteur=clerc)
    url = reverse("comptabilite_decompte", args=[dossier.reference])
    reponse = client_clerc.get(url, {"le": "2026-09-01"})
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert 'class="erreurs--formulaire decompte-manque" role="alert"' in contenu
    assert "2e semestre 2026" in contenu
    assert "non calculable" in contenu


def test_decompte_date_illisible_signalee(client_clerc, clerc):
    dossier = creer_titre_comptable(acteur=clerc)
    url = reverse("comptabilite_decompte", args=[dossier.reference])
    reponse = client_clerc.get(url, {"le": "31/02/2025"})
    assert "illisible" in reponse.content.decode()


def test_pdf_du_decompte(client_clerc, clerc):
    dossier = creer_titre_comptable(acteur=clerc)
    url = reverse("comptabilite_decompte_pdf", args=[dossier.reference])
    reponse = client_clerc.get(url, {"le": "2025-06-30"})
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse.content.startswith(b"%PDF")


def test_formulaire_de_versement_impute_et_redirige(client_clerc, clerc):
    dossier = creer_titre_comptable(acteur=clerc)
    url = reverse("comptabilite_versement", args=[dossier.reference])
    assert client_clerc.get(url).status_code == 200
    reponse = client_clerc.post(
        url, {"montant": "1000,00", "date_valeur": "2025-06-30", "mode": "cheque"}, follow=True
    )
    assert reponse.status_code == 200
    assert "Versement enregistré" in reponse.content.decode()
    assert Versement.objects.get(dossier=dossier).montant == D("1000.00")


@pytest.mark.parametrize(
    ("donnees", "champ", "message"),
    [
        ({"montant": "0", "date_valeur": "2025-06-30"}, "montant", "strictement positif"),
        ({"montant": "-5", "date_valeur": "2025-06-30"}, "montant", "strictement positif"),
        ({"montant": "12,345", "date_valeur": "2025-06-30"}, "montant", "centime"),
        ({"montant": "abc", "date_valeur": "2025-06-30"}, "montant", "Montant invalide"),
        ({"montant": "10", "date_valeur": "2099-01-01"}, "date_valeur", "futur"),
    ],
)
def test_versement_mal_saisi_refuse_sur_le_champ(client_clerc, clerc, donnees, champ, message):
    dossier = creer_titre_comptable(acteur=clerc)
    url = reverse("comptabilite_versement", args=[dossier.reference])
    reponse = client_clerc.post(url, {"mode": "especes", **donnees})
    assert reponse.status_code == 400
    assert message in " ".join(reponse.context["form"].errors[champ])
    assert not Versement.objects.exists()
    assert not Ecriture.objects.exists()


def test_contre_passation_par_formulaire(client_clerc, clerc):
    dossier = creer_titre_comptable(acteur=clerc)
    v = versement_enregistrer(
        acteur=clerc,
        dossier=dossier,
        montant=D("100.00"),
        date_valeur=date(2025, 6, 30),
        mode="cheque",
    )
    ecriture = Ecriture.objects.filter(versement=v).first()
    url = reverse("comptabilite_contre_passation", args=[dossier.reference, ecriture.pk])
    reponse = client_clerc.post(url, {"motif": ""})
    assert reponse.status_code == 400
    assert "motif" in " ".join(reponse.context["form"].errors["motif"])
    reponse = client_clerc.post(url, {"motif": "Chèque revenu impayé"})
    assert reponse.status_code == 302
    assert Ecriture.objects.filter(nature="contre_passation", motif="Chèque revenu impayé")


def test_autre_etude_ne_voit_pas_le_decompte(client, clerc, autre_etude):
    dossier = creer_titre_comptable(acteur=clerc)
    client.force_login(autre_etude)
    for nom in ("comptabilite_decompte", "comptabilite_decompte_pdf", "comptabilite_versement"):
        assert client.get(reverse(nom, args=[dossier.reference])).status_code == 404


def test_lecture_seule_ne_peut_pas_enregistrer(client, clerc, lecture):
    dossier = creer_titre_comptable(acteur=clerc)
    client.force_login(lecture)
    assert (
        client.get(reverse("comptabilite_decompte", args=[dossier.reference])).status_code == 200
    )
    url = reverse("comptabilite_versement", args=[dossier.reference])
    assert client.post(url, {"montant": "10", "date_valeur": "2025-06-30"}).status_code == 403


def test_seul_le_principal_clerc_valide_un_debours_par_l_ecran(client, clerc, lecture):
    """POST sur la file des débours : 403 pour un clerc comme pour la lecture, avant même de
    chercher le débours ; la page reste consultable."""
    url = reverse("comptabilite_debours_a_valider")
    for utilisateur in (clerc, lecture):
        client.force_login(utilisateur)
        assert client.get(url).status_code == 200
        assert client.post(url, {"pk": "1", "decision": "valider"}).status_code == 403
