"""Canal « Tâche pour le clerc » : une étape « tâche » passée par la nuit met une tâche au
bureau du clerc du dossier (une seule, même rejouée), qu'il marque faite (journal) ; une
étape qui propose la voie judiciaire mène aux voies proposées avec l'évaluation de
solvabilité de la fiche, y compris quand le scénario s'arrête épuisé."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.html import escape

from dossiers.models import CompteBancaire
from etude.models import Evenement
from etude.nuit import executer_nuit
from relances.envoi import envoyer_paquet
from relances.models import AffectationScenario, Envoi, Tache

from .conftest import creer_dossier_joignable, creer_scenario

J0 = date(2026, 11, 2)

pytestmark = pytest.mark.django_db


def nuit(le, capture):
    with capture(execute=True):
        return executer_nuit(le, parties=["relances"])


@pytest.fixture
def etape_tache(clerc, heures_ouvertes):
    """Un scénario d'une étape « tâche » (sans voie judiciaire) et un dossier du clerc."""
    creer_scenario(
        etude=clerc.etude,
        etapes=[
            {
                "apres_jours": 0,
                "canal": "tache",
                "modele": "Vérifier l'adresse de {{ debiteur }} ({{ reference }})",
            }
        ],
    )
    return creer_dossier_joignable(acteur=clerc)


@pytest.fixture
def voie_judiciaire(clerc, heures_ouvertes):
    """Un scénario réduit à l'étape qui propose la voie judiciaire (une tâche) ; le
    débiteur a un compte connu (saisie-attribution proposée)."""
    creer_scenario(
        etude=clerc.etude,
        etapes=[{"apres_jours": 0, "canal": "tache", "voie_judiciaire": True}],
    )
    dossier = creer_dossier_joignable(acteur=clerc)
    CompteBancaire.objects.create(
        debiteur=dossier.debiteurs.get(), iban="FR7630006000011234567890189", banque="BNP"
    )
    return dossier


def test_une_etape_tache_passee_par_la_nuit_met_une_tache_au_bureau_du_clerc(
    client, clerc, etape_tache, django_capture_on_commit_callbacks
):
    nuit(J0, django_capture_on_commit_callbacks)
    envoi = Envoi.objects.get()
    assert (envoi.canal, envoi.etat) == ("tache", "envoye")
    tache = Tache.objects.get()
    debiteur = etape_tache.debiteurs.get()
    assert (tache.envoi_id, tache.dossier_id) == (envoi.pk, etape_tache.pk)
    assert tache.clerc_id == clerc.pk
    assert tache.prevue_le == J0
    assert tache.texte == f"Vérifier l'adresse de {debiteur.designation} ({etape_tache.reference})"
    assert not tache.voie_judiciaire and tache.faite_le is None

    client.force_login(clerc)
    reponse = client.get(reverse("bureau"))
    ctx = reponse.context
    assert ctx["taches_comptes"] == {"tous": 1, "retard": 1, "voie_judiciaire": 0}
    assert [t.pk for t in ctx["taches"]] == [tache.pk]
    contenu = reponse.content.decode()
    assert escape(tache.texte) in contenu
    # La ligne ouvre le dossier à son panneau des relances, où la tâche est rappelée.
    lien = f"{reverse('dossier_detail', args=[etape_tache.reference])}#relances"
    assert lien in contenu
    assert reverse("relances_tache_faite", args=[tache.pk]) in contenu
    fiche = client.get(etape_tache.get_absolute_url()).content.decode()
    assert 'id="relances"' in fiche and escape(tache.texte) in fiche


def test_la_tache_rejouee_par_un_second_worker_n_est_mise_qu_une_fois(
    clerc, etape_tache, django_capture_on_commit_callbacks
):
    nuit(J0, django_capture_on_commit_callbacks)
    envoi = Envoi.objects.get()
    # Le même paquet relivré : l'envoi n'est plus « à envoyer », rien de plus.
    assert envoyer_paquet([envoi.pk]) == {"envoye": 0, "echoue": 0, "ignore": 0, "reporte": 0}
    # Un second worker qui trouverait l'envoi encore « à envoyer » (réclamation perdue) :
    # la contrainte liée à l'envoi tient, toujours une seule tâche.
    Envoi.objects.filter(pk=envoi.pk).update(etat="a_envoyer")
    envoyer_paquet([envoi.pk])
    assert Tache.objects.count() == 1
    # La nuit rejouée, la nuit suivante (scénario épuisé) : rien de plus.
    nuit(J0, django_capture_on_commit_callbacks)
    nuit(J0 + timedelta(days=1), django_capture_on_commit_callbacks)
    assert AffectationScenario.objects.get().arret == "termine"
    assert Tache.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Tache.objects.create(
            etude=clerc.etude,
            envoi=envoi,
            dossier=etape_tache,
            clerc=clerc,
            prevue_le=J0,
            texte="doublon",
        )


def test_le_clerc_marque_la_tache_faite_et_le_journal_le_dit(
    client, clerc, etape_tache, django_capture_on_commit_callbacks
):
    nuit(J0, django_capture_on_commit_callbacks)
    tache = Tache.objects.get()
    client.force_login(clerc)
    reponse = client.post(reverse("relances_tache_faite", args=[tache.pk]))
    assert reponse.status_code == 302
    assert reponse["Location"] == f"{reverse('bureau')}#taches"
    tache.refresh_from_db()
    assert tache.faite_par == clerc and tache.faite_le is not None
    evenement = Evenement.objects.get(action="relances.tache_faire")
    assert (evenement.acteur, evenement.dossier_id) == (clerc, etape_tache.pk)
    assert evenement.objet_id == str(tache.pk)
    assert evenement.avant == {"faite_le": None, "faite_par_id": None}
    assert evenement.apres["faite_par_id"] == clerc.pk
    assert tache.texte in evenement.libelle
    # Faite : elle quitte le bureau ; une seconde fois, refusée sans rien écrire.
    assert client.get(reverse("bureau")).context["taches_comptes"]["tous"] == 0
    reponse = client.post(reverse("relances_tache_faite", args=[tache.pk]), follow=True)
    assert "déjà été faite" in reponse.content.decode()
    assert Evenement.objects.filter(action="relances.tache_faire").count() == 1
    # Depuis la fiche, le retour se fait sur le panneau des relances.
    fiche = client.get(etape_tache.get_absolute_url()).content.decode()
    assert "faite le" in fiche


def test_autre_etude_404_lecture_403_collegue_403(
    client, clerc, lecture, autre_etude, etape_tache, django_capture_on_commit_callbacks
):
    from tests.factories import creer_utilisateur

    nuit(J0, django_capture_on_commit_callbacks)
    tache = Tache.objects.get()
    url = reverse("relances_tache_faite", args=[tache.pk])
    collegue = creer_utilisateur(etude=clerc.etude, role="clerc", username="collegue")
    for utilisateur, attendu in ((autre_etude, 404), (lecture, 403), (collegue, 403)):
        client.force_login(utilisateur)
        assert client.post(url).status_code == attendu, utilisateur
    assert client.get(url).status_code == 405
    tache.refresh_from_db()
    assert tache.faite_le is None
    assert not Evenement.objects.filter(action="relances.tache_faire").exists()
    # L'autre étude ne la voit pas à son bureau.
    client.force_login(autre_etude)
    assert client.get(reverse("bureau")).context["taches_comptes"]["tous"] == 0


def test_l_etape_voie_judiciaire_mene_aux_voies_proposees_avec_la_solvabilite(
    client, clerc, voie_judiciaire, django_capture_on_commit_callbacks
):
    nuit(J0, django_capture_on_commit_callbacks)
    tache = Tache.objects.get()
    assert tache.voie_judiciaire
    assert tache.texte == "Proposer la voie judiciaire"
    client.force_login(clerc)
    reponse = client.get(reverse("bureau"))
    assert reponse.context["taches_comptes"] == {"tous": 1, "retard": 1, "voie_judiciaire": 1}
    lien = f"{reverse('dossier_detail', args=[voie_judiciaire.reference])}#solvabilite"
    assert lien in reponse.content.decode()
    # La cible : l'évaluation de solvabilité de la fiche et ses voies proposées.
    fiche = client.get(voie_judiciaire.get_absolute_url()).content.decode()
    assert 'id="solvabilite"' in fiche
    assert "saisie-attribution" in fiche.lower() and "recommandée" in fiche
    assert 'href="#solvabilite"' in fiche  # le panneau des relances y renvoie aussi


def test_scenario_epuise_dont_la_derniere_etape_propose_la_voie_judiciaire(
    client, clerc, heures_ouvertes, django_capture_on_commit_callbacks
):
    """Dernière étape par SMS portant `voie_judiciaire` : à l'arrêt « étapes épuisées », la
    proposition va au bureau du clerc, rattachée à l'envoi de cette étape, une fois."""
    creer_scenario(
        etude=clerc.etude,
        etapes=[
            {
                "apres_jours": 0,
                "canal": "sms",
                "modele": "{{ etude }} : merci de nous rappeler.",
                "voie_judiciaire": True,
            }
        ],
    )
    dossier = creer_dossier_joignable(acteur=clerc)
    sans = creer_scenario(
        etude=clerc.etude,
        nom="Sans voie judiciaire",
        affectation_auto=False,
        etapes=[{"apres_jours": 0, "canal": "sms", "modele": "{{ etude }} : rappelez-nous."}],
    )
    autre = creer_dossier_joignable(acteur=clerc)
    from relances.services.campagnes import scenario_affecter

    scenario_affecter(acteur=clerc, dossier=autre, scenario=sans, le=J0)
    nuit(J0, django_capture_on_commit_callbacks)
    assert Tache.objects.count() == 0
    nuit(J0 + timedelta(days=1), django_capture_on_commit_callbacks)
    assert set(AffectationScenario.objects.values_list("arret", flat=True)) == {"termine"}
    tache = Tache.objects.get()
    assert tache.dossier_id == dossier.pk and tache.voie_judiciaire
    assert tache.envoi == Envoi.objects.get(dossier=dossier, canal="sms")
    assert tache.texte.startswith("Proposer la voie judiciaire")
    assert (tache.clerc, tache.prevue_le) == (clerc, J0 + timedelta(days=1))
    nuit(J0 + timedelta(days=1), django_capture_on_commit_callbacks)
    nuit(J0 + timedelta(days=2), django_capture_on_commit_callbacks)
    assert Tache.objects.count() == 1
    client.force_login(clerc)
    contenu = client.get(reverse("bureau")).content.decode()
    assert f"{reverse('dossier_detail', args=[dossier.reference])}#solvabilite" in contenu


def test_une_tache_n_est_pas_mise_si_le_scenario_est_arrete_avant_la_remise(
    clerc, etape_tache, django_capture_on_commit_callbacks
):
    """Contestation (ou paiement) entre la campagne et la remise : l'envoi est ignoré, le
    clerc n'a rien à faire."""
    with django_capture_on_commit_callbacks(execute=False):
        executer_nuit(J0, parties=["relances"])
    AffectationScenario.objects.update(arret="contestation", arrete_le=J0)
    envoyer_paquet(list(Envoi.objects.values_list("id", flat=True)))
    envoi = Envoi.objects.get()
    assert envoi.etat == "ignore" and "Contestation" in envoi.motif
    assert not Tache.objects.exists()


def test_toutes_mes_taches_et_celles_de_l_etude_pour_le_principal(
    client, clerc, principal_clerc, etape_tache, django_capture_on_commit_callbacks
):
    """Le bureau n'en montre que les premières : la page les donne toutes, au clerc les
    siennes, au principal clerc aussi celles des autres ; « Faite » y ramène."""
    from tests.factories import creer_utilisateur

    autre = creer_utilisateur(etude=clerc.etude, role="clerc", username="clerc_autre")
    dossier_autre = creer_dossier_joignable(acteur=clerc)
    dossier_autre.clerc = autre
    dossier_autre.save(update_fields=["clerc"])
    nuit(J0, django_capture_on_commit_callbacks)
    mienne = Tache.objects.get(dossier=etape_tache)
    sienne = Tache.objects.get(dossier=dossier_autre)
    assert sienne.clerc == autre

    client.force_login(clerc)
    page = client.get(reverse("relances_taches")).content.decode()
    assert f'id="tache-{mienne.pk}"' in page and f'id="tache-{sienne.pk}"' not in page
    assert "1 tâche à faire" in page
    # `?qui=tous` n'ouvre rien au clerc.
    page = client.get(reverse("relances_taches") + "?qui=tous").content.decode()
    assert f'id="tache-{sienne.pk}"' not in page
    bureau = client.get(reverse("bureau")).content.decode()
    assert reverse("relances_taches") in bureau

    client.force_login(principal_clerc)
    page = client.get(reverse("relances_taches") + "?qui=tous").content.decode()
    assert f'id="tache-{mienne.pk}"' in page and f'id="tache-{sienne.pk}"' in page
    assert "2 tâches à faire" in page
    reponse = client.post(
        reverse("relances_tache_faite", args=[sienne.pk]), {"depuis": "taches", "qui": "tous"}
    )
    assert reponse["Location"] == reverse("relances_taches") + "?qui=tous"
    sienne.refresh_from_db()
    assert sienne.faite_par == principal_clerc
    page = client.get(reverse("relances_taches") + "?qui=tous").content.decode()
    assert f'id="tache-{sienne.pk}"' not in page
