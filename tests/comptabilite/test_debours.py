"""Débours : justificatif contrôlé dans ses octets, validation par le principal clerc au-delà
du seuil de l'étude (Etude.seuil_validation_debours, 150 € par défaut)."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from comptabilite.models import Ecriture, StatutDebours
from comptabilite.services import debours_enregistrer, debours_valider
from tests.factories import creer_titre_comptable

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def recu(contenu=PDF, nom="recu.pdf"):
    return SimpleUploadedFile(nom, contenu, content_type="application/pdf")


def saisir(clerc, dossier, montant, fichier=None):
    return debours_enregistrer(
        acteur=clerc,
        dossier=dossier,
        libelle="Frais de serrurier",
        montant=D(montant),
        date_depense=date(2025, 5, 12),
        justificatif=fichier or recu(),
    )


def test_debours_sous_le_seuil_passe_au_grand_livre_sans_tva(clerc):
    dossier = creer_titre_comptable(acteur=clerc)
    debours = saisir(clerc, dossier, "120.00")
    assert debours.statut == StatutDebours.VALIDE
    # CGI 267 II 2° : les débours remboursés à l'euro près sont hors base de TVA.
    assert list(
        Ecriture.objects.filter(dossier=dossier, nature__in=["debours", "tva"]).values_list(
            "nature", "montant"
        )
    ) == [("debours", D("120.00"))]


def test_debours_au_dela_du_seuil_attend_le_principal_clerc(clerc, principal_clerc):
    dossier = creer_titre_comptable(acteur=clerc)
    debours = saisir(clerc, dossier, "450.00")
    assert debours.statut == StatutDebours.A_VALIDER
    assert not Ecriture.objects.filter(nature="debours").exists()
    with pytest.raises(PermissionDenied):
        debours_valider(acteur=clerc, debours=debours, accepte=True)
    debours_valider(acteur=principal_clerc, debours=debours, accepte=True)
    debours.refresh_from_db()
    assert (debours.statut, debours.valide_par) == (StatutDebours.VALIDE, principal_clerc)
    assert Ecriture.objects.get(nature="debours").montant == D("450.00")
    with pytest.raises(ValidationError, match="n'attend pas"):
        debours_valider(acteur=principal_clerc, debours=debours, accepte=True)


def test_refus_motive(clerc, principal_clerc):
    dossier = creer_titre_comptable(acteur=clerc)
    debours = saisir(clerc, dossier, "450.00")
    with pytest.raises(ValidationError, match="motif"):
        debours_valider(acteur=principal_clerc, debours=debours, accepte=False)
    debours_valider(acteur=principal_clerc, debours=debours, accepte=False, motif="Non justifié")
    assert not Ecriture.objects.filter(nature="debours").exists()


def test_justificatif_qui_n_est_pas_un_pdf_ni_une_image_refuse(clerc):
    dossier = creer_titre_comptable(acteur=clerc)
    with pytest.raises(ValidationError) as erreur:
        saisir(clerc, dossier, "20.00", recu(b"MZ\x90\x00 executable", "facture.pdf"))
    assert "justificatif" in erreur.value.message_dict
    assert not Ecriture.objects.filter(nature="debours").exists()
