"""Écrans des actes : rédiger depuis la procédure, relire le rapport, éditer les parties
libres (htmx), finaliser, télécharger, signifier ; modèles de l'étude."""

from __future__ import annotations

import pytest
from django.urls import reverse

from actes.models import Acte, ModeleActe, Signification

pytestmark = pytest.mark.django_db


@pytest.fixture
def connecte(client, acteur):
    client.force_login(acteur)
    return client


def test_rediger_depuis_la_procedure_puis_finaliser_et_signifier(connecte, mener_acte):
    issue = mener_acte("commandement_saisie_vente", finaliser=False)
    procedure = issue.acte.procedure
    page = connecte.get(reverse("procedure_detail", args=[procedure.pk]))
    assert "Rédiger l'acte" in page.content.decode()
    page = connecte.get(
        reverse("acte_rediger", args=[procedure.pk]), {"type": "commandement_saisie_vente"}
    )
    assert page.status_code == 200
    reponse = connecte.post(
        reverse("acte_rediger", args=[procedure.pk]),
        {"type": "commandement_saisie_vente", "date_acte": "2026-01-13"},
    )
    acte = Acte.objects.exclude(pk=issue.acte.pk).get(procedure=procedure)
    assert reponse.url == reverse("acte_detail", args=[acte.pk])
    page = connecte.get(reponse.url).content.decode()
    assert "Rapport de conformité" in page and "SV-C4" in page and "4\u202f250,00 €" in page
    connecte.post(reverse("acte_finaliser", args=[acte.pk]))
    acte.refresh_from_db()
    assert acte.numero is not None
    pdf = connecte.get(reverse("acte_pdf", args=[acte.pk]))
    assert pdf["Content-Type"] == "application/pdf" and bytes(pdf.content) == bytes(acte.pdf)
    connecte.post(
        reverse("acte_signifier", args=[acte.pk]),
        {"mode": "a_personne", "le": "2026-01-13T10:15"},
    )
    assert Signification.objects.filter(acte=acte).exists()


def test_parties_libres_en_htmx_et_rapport_a_jour(connecte, mener_acte, tarif_complet):
    acte = mener_acte("pv_saisie_vente", finaliser=False).acte
    reponse = connecte.post(
        reverse("acte_modifier", args=[acte.pk]),
        {"inventaire": "", "declaration_debiteur": "Rien.", "personnes_presentes": "Le débiteur."},
        HTTP_HX_REQUEST="true",
    )
    contenu = reponse.content.decode()
    assert reponse.status_code == 200 and 'id="brouillon"' in contenu
    assert "SV-P2" in contenu and "libre/inventaire" in contenu
    reponse = connecte.post(reverse("acte_finaliser", args=[acte.pk]), follow=True)
    assert "ne peut pas être finalisé" in reponse.content.decode()
    assert Acte.objects.get(pk=acte.pk).numero is None


def test_refus_cpc_664_affiche_l_article(connecte, mener_acte):
    acte = mener_acte("commandement_saisie_vente", signifier=False).acte
    reponse = connecte.post(
        reverse("acte_signifier", args=[acte.pk]),
        {"mode": "a_personne", "le": "2026-01-13T22:00"},
        follow=True,
    )
    assert "CPC 664" in reponse.content.decode()


def test_le_principal_clerc_cree_une_version_du_modele(connecte, acteur):
    defaut = ModeleActe.objects.get(etude=None, type_acte="mise_en_demeure")
    assert connecte.get(reverse("modeles_actes")).status_code == 200
    reponse = connecte.post(
        reverse("modele_acte", args=[defaut.pk]),
        {"gabarit": defaut.gabarit + "<p>Formule de l'étude.</p>", "commentaire": "Formule"},
    )
    propre = ModeleActe.objects.get(etude=acteur.etude, type_acte="mise_en_demeure")
    assert reponse.url == reverse("modele_acte", args=[propre.pk]) and propre.version == 1
    assert (
        ModeleActe.objects.courant(etude_id=acteur.etude_id, type_acte="mise_en_demeure") == propre
    )


def test_un_acte_garde_la_version_de_son_modele(acteur, mener_acte):
    from actes.services import modele_acte_enregistrer

    acte = mener_acte("mise_en_demeure").acte
    assert acte.est_finalise and acte.modele.etude_id is None
    nouveau = modele_acte_enregistrer(
        acteur=acteur,
        type_acte="mise_en_demeure",
        gabarit=acte.modele.gabarit + "<p>v2</p>",
        commentaire="v2",
    )
    acte.refresh_from_db()
    assert acte.modele_id != nouveau.pk
    assert "v2" not in acte.texte_final


def test_un_gabarit_invalide_est_refuse(acteur):
    from actes.services import modele_acte_enregistrer
    from etude.errors import RegleMetier

    with pytest.raises(RegleMetier, match="gabarit valide"):
        modele_acte_enregistrer(
            acteur=acteur, type_acte="mise_en_demeure", gabarit="{% if %}", commentaire="cassé"
        )
