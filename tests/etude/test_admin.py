"""L'administration ne contourne jamais le journal : données juridiques en lecture seule."""

import pytest
from django.urls import reverse

from dossiers.models import Dossier
from etude.models import Utilisateur
from tests.factories import creer_dossier


@pytest.fixture
def superutilisateur(db):
    return Utilisateur.objects.create_superuser("admin", "admin@example.fr", "Admin-de-test-2026")


def test_les_dossiers_sont_en_lecture_seule_dans_l_administration(client, superutilisateur, clerc):
    dossier = creer_dossier(acteur=clerc)
    client.force_login(superutilisateur)
    assert client.get(reverse("admin:dossiers_dossier_changelist")).status_code == 200
    url = reverse("admin:dossiers_dossier_change", args=[dossier.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(url, {"montant_principal": "1"}).status_code == 403
    assert client.get(reverse("admin:dossiers_dossier_add")).status_code == 403
    assert (
        client.get(reverse("admin:dossiers_dossier_delete", args=[dossier.pk])).status_code == 403
    )
    assert client.get(reverse("admin:etude_evenement_add")).status_code == 403
    assert Dossier.objects.get().montant_principal == dossier.montant_principal


def test_l_etude_se_modifie_par_un_superutilisateur_seulement(client, superutilisateur, clerc):
    url = reverse("admin:etude_etude_change", args=[clerc.etude.pk])
    client.force_login(superutilisateur)
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' in page.content.decode()
    clerc.is_staff = True
    clerc.save()
    client.force_login(clerc)
    assert client.get(url).status_code in (302, 403)
