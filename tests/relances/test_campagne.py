"""Campagnes : un envoi par dossier et par étape, quoi qu'il arrive ; étapes dans l'ordre,
à leur date ; conditions et arrêts ; canaux courriel, SMS, appel, tâche, lettre."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction

from dossiers.models import EmailDebiteur, TelephoneDebiteur
from etude.models import Evenement
from etude.nuit import executer_nuit
from relances import sms
from relances.models import AffectationScenario, Appel, Campagne, Envoi, LotLettres
from relances.services.campagnes import (
    appel_resultat_enregistrer,
    campagne_lancer,
    paquets,
    reprendre,
)

from .conftest import MARDI_10H, creer_dossier_joignable, creer_scenario

J0 = date(2026, 11, 2)

pytestmark = pytest.mark.django_db


def lancer(etude, le, capture, **extra):
    with capture(execute=True):
        return campagne_lancer(etude=etude, le=le, **extra)


@pytest.fixture
def deux_dossiers(clerc, heures_ouvertes, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    creer_scenario(etude=clerc.etude)
    return [creer_dossier_joignable(acteur=clerc), creer_dossier_joignable(acteur=clerc)]


def test_premiere_passe_un_envoi_par_dossier_seconde_passe_rien(
    clerc, deux_dossiers, django_capture_on_commit_callbacks
):
    premier = lancer(clerc.etude, J0, django_capture_on_commit_callbacks)
    assert premier.affectes == 2
    assert premier.crees == 2
    envois = Envoi.objects.order_by("id")
    assert [e.canal for e in envois] == ["lettre", "lettre"]
    assert {e.etat for e in envois} == {"envoye"}
    lot = LotLettres.objects.get()
    assert lot.nombre == 2 and lot.fichier.read(5) == b"%PDF-"
    second = lancer(clerc.etude, J0, django_capture_on_commit_callbacks)
    assert second.crees == 0 and second.affectes == 0
    assert Envoi.objects.count() == 2
    # Le lendemain, l'étape suivante (J+8) n'est pas encore due.
    assert (
        lancer(clerc.etude, J0 + timedelta(days=7), django_capture_on_commit_callbacks).crees == 0
    )


def test_la_contrainte_unique_refuse_un_second_envoi_de_la_meme_etape(
    clerc, deux_dossiers, django_capture_on_commit_callbacks
):
    lancer(clerc.etude, J0, django_capture_on_commit_callbacks)
    envoi = Envoi.objects.first()
    envoi.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        envoi.save()


def test_les_etapes_se_suivent_canal_par_canal_jusqu_a_la_voie_judiciaire(
    clerc, deux_dossiers, django_capture_on_commit_callbacks
):
    dossier = deux_dossiers[0]
    lancer(clerc.etude, J0, django_capture_on_commit_callbacks)
    # J+8 : courriel, sans rien qui révèle la dette.
    lancer(clerc.etude, J0 + timedelta(days=8), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert message.subject == f"Message de {clerc.etude.nom}"
    assert dossier.reference in mail.outbox[0].body + mail.outbox[1].body
    for mot in ("1 200", "1200", "Bailleur", "dette", "créance"):
        assert mot not in message.body and mot not in message.subject
    # Chaque relance rappelle la référence et la date de la première lettre (R124-4).
    for courriel in mail.outbox:
        envoi = Envoi.objects.get(canal="email", destinataire=courriel.to[0])
        lettre = Envoi.objects.get(canal="lettre", dossier_id=envoi.dossier_id)
        reference = f"{lettre.dossier.reference}/L{lettre.pk}"
        assert courriel.body.endswith(f"Rappel de notre lettre {reference} du 02/11/2026.")
    # J+15 : SMS, tenu dans un seul SMS.
    lancer(clerc.etude, J0 + timedelta(days=15), django_capture_on_commit_callbacks)
    assert len(sms.boite) == 2
    assert Envoi.objects.filter(canal="sms", etat="envoye", segments=1).count() == 2
    # J+22 : appel dans la liste du clerc.
    lancer(clerc.etude, J0 + timedelta(days=22), django_capture_on_commit_callbacks)
    appels = Appel.objects.filter(clerc=clerc)
    assert appels.count() == 2
    assert appels.first().script == "Se présenter, rappeler la lettre."
    # J+37 : la tâche qui propose la voie judiciaire ; puis le scénario est épuisé.
    lancer(clerc.etude, J0 + timedelta(days=37), django_capture_on_commit_callbacks)
    assert Envoi.objects.filter(canal="tache", etat="envoye").count() == 2
    lancer(clerc.etude, J0 + timedelta(days=38), django_capture_on_commit_callbacks)
    assert set(AffectationScenario.objects.values_list("arret", flat=True)) == {"termine"}
    assert Envoi.objects.count() == 10


def test_sans_consentement_l_etape_est_ignoree_avec_la_raison(
    clerc, heures_ouvertes, django_capture_on_commit_callbacks
):
    creer_scenario(
        etude=clerc.etude,
        etapes=[
            {"apres_jours": 0, "canal": "email", "objet": "Message", "modele": "Rappelez-nous."},
            {"apres_jours": 0, "canal": "sms", "modele": "Rappelez-nous."},
        ],
    )
    creer_dossier_joignable(acteur=clerc, consentement=False)
    creer_dossier_joignable(acteur=clerc, email=False, mobile=False)
    lancer(clerc.etude, J0, django_capture_on_commit_callbacks)
    raisons = sorted(Envoi.objects.values_list("etat", "motif"))
    assert raisons == [
        ("ignore", "Aucun courriel connu"),
        ("ignore", "Courriel sans consentement ou avec opposition"),
    ]
    assert mail.outbox == []
    # L'étape ignorée compte comme passée : le SMS vient à la passe suivante, ignoré aussi.
    lancer(clerc.etude, J0 + timedelta(days=1), django_capture_on_commit_callbacks)
    assert sorted(Envoi.objects.filter(canal="sms").values_list("motif", flat=True)) == [
        "Aucun mobile connu",
        "Mobile sans consentement aux SMS ou avec opposition",
    ]
    assert sms.boite == []


def test_une_opposition_apres_la_campagne_empeche_l_envoi(
    clerc, heures_ouvertes, django_capture_on_commit_callbacks
):
    creer_scenario(
        etude=clerc.etude,
        etapes=[{"apres_jours": 0, "canal": "email", "objet": "Message", "modele": "Appelez."}],
    )
    creer_dossier_joignable(acteur=clerc)
    with django_capture_on_commit_callbacks(execute=False):
        campagne_lancer(etude=clerc.etude, le=J0)
    EmailDebiteur.objects.update(opposition=True)
    reprendre()
    from relances.envoi import envoyer_paquet

    envoyer_paquet(list(Envoi.objects.values_list("id", flat=True)))
    envoi = Envoi.objects.get()
    assert (envoi.etat, envoi.motif) == (
        "ignore",
        "Opposition ou consentement retiré depuis la campagne",
    )
    assert mail.outbox == []


def test_hors_des_heures_rien_ne_part_et_la_reprise_envoie_a_l_ouverture(
    clerc, django_capture_on_commit_callbacks
):
    creer_scenario(
        etude=clerc.etude,
        etapes=[{"apres_jours": 0, "canal": "sms", "modele": "Rappelez l'étude."}],
    )
    creer_dossier_joignable(acteur=clerc)
    # Dimanche 22 novembre 2026, 22 h 30 : la nuit crée l'envoi, rien ne part.
    with (
        time_machine.travel(MARDI_10H - timedelta(days=2) + timedelta(hours=12, minutes=30)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        executer_nuit(J0, parties=["relances"])
    assert Envoi.objects.get().etat == "a_envoyer"
    assert sms.boite == []
    # Lundi 7 h 59 : toujours fermé.
    with (
        time_machine.travel(MARDI_10H - timedelta(days=1, hours=2, minutes=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        reprendre()
    assert sms.boite == []
    # Lundi 8 h 00 : la reprise depuis la base l'envoie.
    with (
        time_machine.travel(MARDI_10H - timedelta(days=1, hours=2)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        reprendre()
    assert len(sms.boite) == 1
    assert Envoi.objects.get().etat == "envoye"


def test_la_nuit_deux_fois_pour_la_meme_date_ne_cree_rien_de_plus(
    clerc, deux_dossiers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        premier = executer_nuit(J0, parties=["relances"])
        evenements = Evenement.objects.count()
        campagne = Campagne.objects.values().get()
        second = executer_nuit(J0, parties=["relances"])
    # Rien d'écrit à la seconde passe : ni envoi, ni compteur, ni événement.
    assert Evenement.objects.count() == evenements
    assert Campagne.objects.values().get() == campagne
    assert premier["parties"]["relances"]["resultat"]["envois"] == 2
    assert second["parties"]["relances"]["resultat"]["envois"] == 0
    assert Campagne.objects.filter(origine="nuit").count() == 1
    assert Envoi.objects.count() == 2


def test_paiement_total_et_surendettement_arretent_le_scenario(
    clerc, deux_dossiers, django_capture_on_commit_callbacks
):
    from comptabilite.services import decompte_dossier, versement_enregistrer
    from dossiers.models import Debiteur
    from relances.models import Scenario
    from relances.services.campagnes import scenario_affecter

    surendette = deux_dossiers[1]
    # Un dossier avec titre (phase judiciaire) ne reçoit un scénario qu'à la main.
    paye = creer_dossier_joignable(acteur=clerc, titre=True)
    scenario_affecter(acteur=clerc, dossier=paye, scenario=Scenario.objects.get(), le=J0)
    lancer(clerc.etude, J0, django_capture_on_commit_callbacks)
    assert Envoi.objects.filter(dossier=paye).count() == 1
    debiteur = surendette.debiteurs.get()
    Debiteur.objects.filter(pk=debiteur.pk).update(surendettement_statut="depose")
    du = decompte_dossier(paye, le=date(2026, 6, 30)).total_du
    versement_enregistrer(
        acteur=clerc, dossier=paye, montant=du, date_valeur=date(2026, 6, 30), mode="virement"
    )
    lancer(clerc.etude, J0 + timedelta(days=8), django_capture_on_commit_callbacks)
    arrets = dict(AffectationScenario.objects.values_list("dossier_id", "arret"))
    assert arrets[paye.pk] == "paiement"
    assert arrets[surendette.pk] == "surendettement"
    assert {m.to[0] for m in mail.outbox} == {
        EmailDebiteur.objects.get(debiteur__dossiers=deux_dossiers[0]).adresse
    }
    assert Evenement.objects.filter(action="relances.scenario_arreter").count() == 2


def test_promesse_suspend_jusqu_a_sa_date_contestation_arrete(
    clerc, heures_ouvertes, django_capture_on_commit_callbacks
):
    creer_scenario(
        etude=clerc.etude,
        etapes=[
            {"apres_jours": 0, "canal": "appel", "script": "Appeler."},
            {"apres_jours": 1, "canal": "sms", "modele": "Rappelez-nous."},
        ],
    )
    promet = creer_dossier_joignable(acteur=clerc)
    conteste = creer_dossier_joignable(acteur=clerc)
    lancer(clerc.etude, J0, django_capture_on_commit_callbacks)
    appel_promesse = Appel.objects.get(dossier=promet)
    appel_resultat_enregistrer(
        acteur=clerc,
        appel=appel_promesse,
        resultat="promesse",
        promesse_date=date(2026, 12, 10),
        promesse_montant=Decimal("300.00"),
    )
    appel_resultat_enregistrer(
        acteur=clerc, appel=Appel.objects.get(dossier=conteste), resultat="contestation"
    )
    assert lancer(clerc.etude, date(2026, 12, 10), django_capture_on_commit_callbacks).crees == 0
    assert AffectationScenario.objects.get(dossier=conteste).arret == "contestation"
    # Le lendemain de la date promise, sans paiement, le scénario reprend.
    assert lancer(clerc.etude, date(2026, 12, 11), django_capture_on_commit_callbacks).crees == 1
    assert Envoi.objects.filter(dossier=promet, canal="sms").exists()
    assert Evenement.objects.filter(action="relances.appel_resultat").count() == 2


def test_mauvais_numero_plus_d_appel_ni_de_sms_a_ce_numero(
    clerc, heures_ouvertes, django_capture_on_commit_callbacks
):
    creer_scenario(
        etude=clerc.etude,
        etapes=[
            {"apres_jours": 0, "canal": "appel", "script": "Appeler."},
            {"apres_jours": 1, "canal": "sms", "modele": "Rappelez-nous."},
        ],
    )
    dossier = creer_dossier_joignable(acteur=clerc)
    lancer(clerc.etude, J0, django_capture_on_commit_callbacks)
    appel_resultat_enregistrer(acteur=clerc, appel=Appel.objects.get(), resultat="mauvais_numero")
    telephone = TelephoneDebiteur.objects.get(debiteur__dossiers=dossier)
    assert not telephone.consentement_appel and not telephone.consentement_sms
    lancer(clerc.etude, J0 + timedelta(days=1), django_capture_on_commit_callbacks)
    assert Envoi.objects.get(canal="sms").etat == "ignore"
    assert sms.boite == []


def test_conditions_de_l_etape_tranche_personne_nature(
    clerc, heures_ouvertes, django_capture_on_commit_callbacks
):
    creer_scenario(
        etude=clerc.etude,
        etapes=[
            {
                "apres_jours": 0,
                "canal": "tache",
                "montant_min": Decimal("1000.00"),
                "type_personne": "physique",
                "nature": "loyers",
            }
        ],
    )
    creer_dossier_joignable(acteur=clerc, montant=Decimal("500.00"))
    creer_dossier_joignable(acteur=clerc, nature="commerciale")
    creer_dossier_joignable(
        acteur=clerc,
        debiteur={"type_personne": "morale", "raison_sociale": "SARL Dette", "nom": ""},
    )
    creer_dossier_joignable(acteur=clerc)
    lancer(clerc.etude, J0, django_capture_on_commit_callbacks)
    assert sorted(Envoi.objects.values_list("motif", flat=True)) == [
        "",
        "Montant sous la tranche de l'étape",
        "Étape réservée aux personnes physiques",
        "Étape réservée à une autre nature de créance",
    ]


def test_affectation_par_regles_premier_scenario_qui_convient(
    clerc, heures_ouvertes, django_capture_on_commit_callbacks
):
    gros = creer_scenario(
        etude=clerc.etude, nom="Gros montants", priorite=1, regle_montant_min=Decimal("5000")
    )
    standard = creer_scenario(etude=clerc.etude, nom="Standard", priorite=2)
    petit = creer_dossier_joignable(acteur=clerc, montant=Decimal("800.00"))
    grand = creer_dossier_joignable(acteur=clerc, montant=Decimal("9000.00"))
    lancer(clerc.etude, J0, django_capture_on_commit_callbacks)
    assert AffectationScenario.objects.get(dossier=petit).scenario == standard
    assert AffectationScenario.objects.get(dossier=grand).scenario == gros


def test_paquets_au_moins_500_au_plus_200():
    assert paquets(list(range(100_000))) == [
        list(range(i, i + 500)) for i in range(0, 100_000, 500)
    ]
    assert len(paquets(list(range(250_000)))) == 200
    assert all(len(p) >= 500 for p in paquets(list(range(250_000))))
    assert [len(p) for p in paquets(list(range(1188)))] == [594, 594]
    assert {len(p) for p in paquets(list(range(60229)))} == {501, 502}
    assert paquets(list(range(10))) == [list(range(10))]
    assert paquets([]) == []


def test_echeance_manquee_declenche_son_rappel_une_fois(
    clerc, heures_ouvertes, django_capture_on_commit_callbacks
):
    """Le plan accepté arrête le scénario ; l'échéance que la nuit constate manquée fait
    partir l'étape « échéance manquée » du scénario, une fois par échéance."""
    from relances.services import echeanciers

    creer_scenario(
        etude=clerc.etude,
        etapes=[
            {"apres_jours": 0, "canal": "lettre"},
            {
                "apres_jours": 0,
                "canal": "sms",
                "declencheur": "echeance_manquee",
                "modele": "{{ etude }} : merci de nous rappeler, réf. {{ reference }}.",
            },
        ],
    )
    dossier = creer_dossier_joignable(
        acteur=clerc,
        ouvert_le=date(2025, 5, 1),
        debiteur={"revenus_mensuels_nets": Decimal("1800.00")},
    )
    with django_capture_on_commit_callbacks(execute=True):
        executer_nuit(date(2025, 6, 1), parties=["echeances", "relances"])
    assert Envoi.objects.get().canal == "lettre"
    echeanciers.echeancier_accepter(
        acteur=clerc, dossier=dossier, nombre=12, premiere=date(2025, 6, 10), le=date(2025, 6, 2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        for jour in (date(2025, 6, 3), date(2025, 6, 11), date(2025, 6, 11)):
            executer_nuit(jour, parties=["echeances", "relances"])
    assert AffectationScenario.objects.get(dossier=dossier).arret == "plan"
    rappel = Envoi.objects.get(canal="sms")
    assert rappel.echeance.rang == 1 and rappel.etat == "envoye"
    assert len(sms.boite) == 1
    # Le mois suivant, la deuxième échéance manquée a son propre rappel.
    with django_capture_on_commit_callbacks(execute=True):
        executer_nuit(date(2025, 7, 11), parties=["echeances", "relances"])
    assert sorted(Envoi.objects.filter(canal="sms").values_list("echeance__rang", flat=True)) == [
        1,
        2,
    ]


def test_le_fichier_du_jour_assemble_la_liste_et_des_lettres_d_une_page(
    clerc, heures_ouvertes, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    """Rendu par morceaux (bornes d'actes.rendu) puis assemblé : une page de liste, puis une
    page par lettre, dans l'ordre."""
    from io import BytesIO

    from pypdf import PdfReader

    from relances import lettres

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(lettres, "LETTRES_PAR_RENDU", 2)
    creer_scenario(etude=clerc.etude, etapes=[{"apres_jours": 0, "canal": "lettre"}])
    dossiers = [creer_dossier_joignable(acteur=clerc) for _ in range(3)]
    lancer(clerc.etude, J0, django_capture_on_commit_callbacks)
    pdf = PdfReader(BytesIO(LotLettres.objects.get().fichier.read()))
    assert len(pdf.pages) == 4
    liste = pdf.pages[0].extract_text()
    assert "3 lettres" in liste
    for page, dossier in enumerate(dossiers, start=1):
        assert dossier.reference in liste
        assert f"Dossier {dossier.reference}" in pdf.pages[page].extract_text()


def test_affectation_par_regles_type_de_personne_lu_pour_la_seule_regle_qui_le_demande(
    clerc, heures_ouvertes, django_capture_on_commit_callbacks
):
    """Le type du premier débiteur n'est lu que par un scénario dont la règle le demande : un
    débiteur personne physique passe la règle « morale » et reçoit le scénario suivant."""
    creer_scenario(etude=clerc.etude, nom="Sociétés", priorite=1, regle_type_personne="morale")
    physiques = creer_scenario(
        etude=clerc.etude, nom="Particuliers", priorite=2, regle_type_personne="physique"
    )
    dossier = creer_dossier_joignable(acteur=clerc)
    lancement = lancer(clerc.etude, J0, django_capture_on_commit_callbacks)
    assert lancement.affectes == 1
    assert AffectationScenario.objects.get(dossier=dossier).scenario == physiques


def test_affectation_par_regles_sans_scenario_automatique_actif_n_affecte_rien(
    clerc, heures_ouvertes, django_capture_on_commit_callbacks
):
    """Sans scénario automatique dont une étape est active, la passe d'affectation ne fait
    rien (et ne parcourt pas les dossiers) ; dès qu'une étape est réactivée, elle affecte."""
    creer_scenario(etude=clerc.etude, nom="Manuel", affectation_auto=False)
    auto = creer_scenario(etude=clerc.etude, nom="Auto", priorite=2)
    auto.etapes.update(actif=False)
    dossier = creer_dossier_joignable(acteur=clerc)
    assert lancer(clerc.etude, J0, django_capture_on_commit_callbacks).affectes == 0
    assert not AffectationScenario.objects.filter(dossier=dossier).exists()
    auto.etapes.filter(rang=1).update(actif=True)
    assert (
        lancer(clerc.etude, J0 + timedelta(days=1), django_capture_on_commit_callbacks).affectes
        == 1
    )
    assert AffectationScenario.objects.get(dossier=dossier).scenario == auto


def test_lettre_de_rappel_d_echeance_donne_l_arriere_du_plan(
    clerc, heures_ouvertes, settings, tmp_path, django_capture_on_commit_callbacks
):
    """La lettre d'une échéance manquée chiffre l'arriéré du plan (toutes les échéances échues
    impayées, pas la seule constatée ce jour) et n'invite pas à « convenir d'un échéancier »
    un débiteur qui en a déjà un ; sans titre, pas de « frais alloués par le titre »."""
    from io import BytesIO

    from pypdf import PdfReader

    from etude.templatetags.etude_tags import euros
    from relances.services import echeanciers

    settings.MEDIA_ROOT = tmp_path
    creer_scenario(
        etude=clerc.etude,
        etapes=[
            {"apres_jours": 0, "canal": "sms", "modele": "{{ etude }}, réf. {{ reference }}."},
            {"apres_jours": 0, "canal": "lettre", "declencheur": "echeance_manquee"},
        ],
    )
    dossier = creer_dossier_joignable(
        acteur=clerc,
        ouvert_le=date(2025, 5, 1),
        debiteur={"revenus_mensuels_nets": Decimal("1800.00")},
    )
    with django_capture_on_commit_callbacks(execute=True):
        executer_nuit(date(2025, 6, 1), parties=["echeances", "relances"])
    plan = echeanciers.echeancier_accepter(
        acteur=clerc, dossier=dossier, nombre=12, premiere=date(2025, 6, 10), le=date(2025, 6, 2)
    )
    premiere, deuxieme = plan.echeances.order_by("rang")[:2]
    # Rien payé : juin manquée le 11/06 (une lettre), juillet le 11/07 (une seconde).
    with django_capture_on_commit_callbacks(execute=True):
        executer_nuit(date(2025, 6, 11), parties=["echeances", "relances"])
        executer_nuit(date(2025, 7, 11), parties=["echeances", "relances"])
    lot = LotLettres.objects.get(le=date(2025, 7, 11))
    texte = PdfReader(BytesIO(lot.fichier.read())).pages[1].extract_text()
    texte = " ".join(texte.split())
    assert "Échéance n° 2 du 10/07/2025" in texte
    attendu = euros(premiere.montant + deuxieme.montant)
    assert f"Arriéré de votre plan à ce jour : {' '.join(attendu.split())}" in texte
    assert "convenir d'un échéancier" not in texte
    assert "frais alloués par le titre" not in texte


def test_promesse_sans_effet_sur_un_scenario_qui_ne_le_prevoit_pas(
    clerc, heures_ouvertes, django_capture_on_commit_callbacks
):
    """Case « promesse » décochée : la campagne crée l'étape suivante malgré la promesse, et
    l'envoi part (il était ignoré au moment de l'envoi : l'étape était perdue)."""
    creer_scenario(
        etude=clerc.etude,
        arret_promesse=False,
        etapes=[
            {"apres_jours": 0, "canal": "appel", "script": "Appeler."},
            {"apres_jours": 1, "canal": "sms", "modele": "Rappelez-nous."},
        ],
    )
    dossier = creer_dossier_joignable(acteur=clerc)
    lancer(clerc.etude, J0, django_capture_on_commit_callbacks)
    appel_resultat_enregistrer(
        acteur=clerc,
        appel=Appel.objects.get(),
        resultat="promesse",
        promesse_date=date(2026, 12, 10),
        promesse_montant=Decimal("300.00"),
    )
    assert lancer(clerc.etude, J0 + timedelta(days=1), django_capture_on_commit_callbacks).crees
    assert Envoi.objects.get(dossier=dossier, canal="sms").etat == "envoye"
    assert len(sms.boite) == 1


def test_lettre_d_un_scenario_suspendu_par_une_promesse_ne_part_pas(
    clerc, heures_ouvertes, settings, tmp_path, django_capture_on_commit_callbacks
):
    """Promesse enregistrée entre la campagne et le fichier des lettres, dans un scénario
    qu'elle suspend : la lettre est ignorée, avec la raison, comme un courriel le serait."""
    from relances.lettres import lettres_du_jour

    settings.MEDIA_ROOT = tmp_path
    creer_scenario(etude=clerc.etude, etapes=[{"apres_jours": 0, "canal": "lettre"}])
    promet, autre = creer_dossier_joignable(acteur=clerc), creer_dossier_joignable(acteur=clerc)
    with django_capture_on_commit_callbacks(execute=False):
        campagne_lancer(etude=clerc.etude, le=J0)
    AffectationScenario.objects.filter(dossier=promet).update(suspendu_jusqu_au=date(2026, 11, 20))
    lot = lettres_du_jour(etude_id=clerc.etude_id, le=J0)
    assert lot.nombre == 1
    assert Envoi.objects.get(dossier=autre).etat == "envoye"
    ignore = Envoi.objects.get(dossier=promet)
    assert (ignore.etat, ignore.motif) == ("ignore", "Scénario suspendu jusqu'au 20/11/2026")
