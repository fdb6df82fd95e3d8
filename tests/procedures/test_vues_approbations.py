"""File d'approbation (/approbations/) : réservée au principal clerc et au commissaire ; une
décision en un clic ; le clerc la voit sur la fiche et dans Mon bureau."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from procedures import services
from procedures.models import Approbation
from tests.factories import creer_dossier, creer_procedure, creer_regle_approbation


@pytest.fixture
def demande(clerc):
    dossier = creer_dossier(acteur=clerc, complexe=True)
    procedure = creer_procedure(acteur=clerc, type="saisie_attribution", dossier=dossier)
    creer_regle_approbation(
        etude=clerc.etude, type_procedure="saisie_attribution", transition="signifier"
    )
    return services.approbation_demander(
        acteur=clerc, procedure=procedure, transition="signifier", commentaire="Compte connu"
    )


@pytest.mark.parametrize("role", ["principal_clerc", "commissaire"])
def test_la_file_montre_dossier_etape_et_regle(client, demande, role, request):
    client.force_login(request.getfixturevalue(role))
    reponse = client.get(reverse("approbations_file"))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    dossier = demande.procedure.dossier
    assert dossier.reference in contenu
    assert "Saisie-attribution : Signifier l&#x27;acte de saisie" in contenu
    assert "Dossier complexe" in contenu
    assert "l'étude soumet à approbation « Saisie-attribution : Signifier" in contenu
    assert "Compte connu" in contenu
    assert 'value="approuver"' in contenu and 'value="refuser"' in contenu


@pytest.mark.parametrize("role", ["clerc", "comptable", "lecture"])
def test_la_file_est_interdite_aux_autres_roles(client, demande, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("approbations_file")).status_code == 403
    reponse = client.post(
        reverse("approbation_decider", args=[demande.pk]), {"decision": "approuver"}
    )
    assert reponse.status_code == 403
    demande.refresh_from_db()
    assert demande.decision == ""


def test_approuver_en_un_clic_et_le_clerc_le_voit(client, clerc, principal_clerc, demande):
    client.force_login(principal_clerc)
    reponse = client.post(
        reverse("approbation_decider", args=[demande.pk]),
        {"decision": "approuver", f"a{demande.pk}-commentaire": "D'accord"},
    )
    assert reponse.status_code == 302
    demande.refresh_from_db()
    assert demande.decision == "approuvee"
    assert demande.decidee_par == principal_clerc
    assert demande.commentaire == "D'accord"
    # La file est vide ensuite.
    assert "Aucune demande en attente" in client.get(reverse("approbations_file")).content.decode()
    client.force_login(clerc)
    fiche = client.get(demande.procedure.dossier.get_absolute_url()).content.decode()
    assert "approuvée</strong> par" in fiche
    bureau = client.get(reverse("bureau")).content.decode()
    assert "Approbations sur mes dossiers" in bureau
    assert "approuvée</strong> par" in bureau and "D&#x27;accord" in bureau


def test_refuser_avec_commentaire_bloque_l_etape(client, clerc, commissaire, demande):
    client.force_login(commissaire)
    client.post(
        reverse("approbation_decider", args=[demande.pk]),
        {"decision": "refuser", f"a{demande.pk}-commentaire": "Titre à revoir"},
    )
    demande.refresh_from_db()
    assert demande.decision == "refusee"
    client.force_login(clerc)
    procedure = demande.procedure.specifique
    p = f"p{procedure.pk}-signifier"
    reponse = client.post(
        reverse("procedure_etape", args=[procedure.pk, "signifier"]),
        {
            f"{p}-signifie_le_0": "2026-03-02",
            f"{p}-signifie_le_1": "10:00",
            f"{p}-tiers_saisi": "B",
        },
    )
    messages = [str(m) for m in get_messages(reponse.wsgi_request)]
    assert any("Étape refusée par" in m and "Titre à revoir" in m for m in messages), messages
    bureau = client.get(reverse("bureau")).content.decode()
    assert "refusée</strong>" in bureau and "Titre à revoir" in bureau


def test_decision_deja_prise_dit_pourquoi(client, principal_clerc, commissaire, demande):
    services.approbation_decider(acteur=commissaire, approbation=demande, approuvee=True)
    client.force_login(principal_clerc)
    reponse = client.post(
        reverse("approbation_decider", args=[demande.pk]), {"decision": "refuser"}, follow=True
    )
    assert "Cette demande d&#x27;approbation a déjà été décidée." in reponse.content.decode()
    demande.refresh_from_db()
    assert demande.decision == "approuvee"


def test_decision_sans_choix_refusee(client, principal_clerc, demande):
    client.force_login(principal_clerc)
    client.post(reverse("approbation_decider", args=[demande.pk]), {"decision": "peut-etre"})
    assert Approbation.objects.get(pk=demande.pk).decision == ""


def test_bureau_du_principal_compte_les_demandes(client, principal_clerc, demande):
    client.force_login(principal_clerc)
    contenu = client.get(reverse("bureau")).content.decode()
    assert "1 demande en attente de votre décision" in contenu


def test_file_nombre_de_requetes_constant(
    client, clerc, principal_clerc, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def demandes(n):
        for _ in range(n):
            procedure = creer_procedure(acteur=clerc, type="saisie_attribution")
            services.approbation_demander(
                acteur=clerc, procedure=procedure, transition="signifier"
            )

    demandes(2)
    client.force_login(principal_clerc)
    client.get(reverse("approbations_file"))
    with CaptureQueriesContext(connection) as petit:
        client.get(reverse("approbations_file"))
    demandes(6)
    with django_assert_num_queries(len(petit.captured_queries)):
        client.get(reverse("approbations_file"))
