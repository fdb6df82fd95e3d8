"""Manques trouvés par la revue au navigateur (session 5) : campagne à la demande pour une
journée à venir ou passée, résultat d'appel mal saisi, mauvais numéro et appels en attente,
case « contestation » du scénario et contestation reçue depuis la fiche."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from etude.models import Evenement
from relances.models import Campagne, Envoi

from .conftest import creer_dossier_joignable, creer_scenario

pytestmark = pytest.mark.django_db
MARDI = date(2026, 11, 24)  # heures_ouvertes : mardi 24/11/2026, 10 h


def _messages(reponse) -> str:
    return " ".join(str(m) for m in get_messages(reponse.wsgi_request))


# --- Campagne à la demande : la journée ----------------------------------------------------


@pytest.fixture
def scenario_complet(clerc):
    creer_scenario(etude=clerc.etude)
    return [creer_dossier_joignable(acteur=clerc, ouvert_le=date(2026, 11, 1)) for _ in range(2)]


@pytest.mark.parametrize("jours", [3, 10, 24])
def test_campagne_pour_une_journee_a_venir_refusee(
    client, principal_clerc, scenario_complet, heures_ouvertes, jours
):
    """27/11, 04/12, 11/12, 18/12 lancées un même soir déroulaient tout le scénario."""
    client.force_login(principal_clerc)
    le = MARDI + timedelta(days=jours)
    reponse = client.post(reverse("relances_campagne_lancer"), {"le": le.isoformat()})
    assert reponse.status_code == 302
    assert "journée à venir" in _messages(reponse)
    assert not Campagne.objects.exists() and not Envoi.objects.exists()
    assert not Evenement.objects.filter(action="relances.campagne_lancer").exists()


def test_campagne_d_une_journee_passee_refusee_au_clerc(
    client, clerc, scenario_complet, heures_ouvertes
):
    client.force_login(clerc)
    reponse = client.post(reverse("relances_campagne_lancer"), {"le": "2026-11-20"})
    assert "principal clerc" in _messages(reponse)
    assert not Campagne.objects.exists() and not Envoi.objects.exists()


def test_le_principal_clerc_rattrape_une_nuit_manquee_et_c_est_audite(
    client, principal_clerc, scenario_complet, heures_ouvertes, django_capture_on_commit_callbacks
):
    client.force_login(principal_clerc)
    with django_capture_on_commit_callbacks(execute=False):
        reponse = client.post(reverse("relances_campagne_lancer"), {"le": "2026-11-20"})
    campagne = Campagne.objects.get()
    assert reponse.url == campagne.get_absolute_url()
    assert campagne.le == date(2026, 11, 20) and campagne.lancee_par == principal_clerc
    assert Envoi.objects.filter(campagne=campagne).count() == 2  # les lettres du 20/11
    evenement = Evenement.objects.get(action="relances.campagne_lancer")
    assert evenement.acteur == principal_clerc
    assert evenement.apres["rattrapage"] is True
    assert "Rattrapage de la journée passée du 20/11/2026 (lancé le 24/11/2026)" in (
        evenement.libelle
    )


def test_le_clerc_lance_la_campagne_du_jour(
    client, clerc, scenario_complet, heures_ouvertes, django_capture_on_commit_callbacks
):
    client.force_login(clerc)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("relances_campagne_lancer"), {"le": MARDI.isoformat()})
    evenement = Evenement.objects.get(action="relances.campagne_lancer")
    assert evenement.apres["rattrapage"] is False
    assert Envoi.objects.count() == 2


# --- Résultat d'appel : formulaire ---------------------------------------------------------


def _appel(*, clerc, dossier=None, telephone=None, le=MARDI):
    from relances.models import Appel

    dossier = dossier or creer_dossier_joignable(acteur=clerc)
    debiteur = dossier.debiteurs.first()
    return Appel.objects.create(
        etude=clerc.etude,
        dossier=dossier,
        debiteur=debiteur,
        clerc=clerc,
        telephone=telephone or debiteur.telephones.first().numero,
        prevu_le=le,
    )


@pytest.fixture
def appel_suivi(clerc, heures_ouvertes):
    from relances.services.campagnes import scenario_affecter

    scenario = creer_scenario(etude=clerc.etude)
    appel = _appel(clerc=clerc)
    scenario_affecter(acteur=clerc, dossier=appel.dossier, scenario=scenario, le=MARDI)
    return appel


@pytest.mark.parametrize(
    ("montant", "date_promise", "attendu"),
    [
        (
            "1e20",
            "2026-12-05",
            "Montant promis : Assurez-vous qu’il n’y a pas plus de 14 chiffres",
        ),
        ("Infinity", "2026-12-05", "Montant promis : Saisissez un nombre."),
        ("NaN", "2026-12-05", "Montant promis : Saisissez un nombre."),
        ("123456789012345", "2026-12-05", "pas plus de 14 chiffres"),
        ("12,345", "2026-12-05", "pas plus de 2 chiffres après la virgule"),
        ("0", "2026-12-05", "Montant promis : Le montant promis est d'au moins 0,01 €."),
        ("-150", "2026-12-05", "Montant promis : Le montant promis est d'au moins 0,01 €."),
        ("", "2026-12-05", "Une promesse de payer porte un montant."),
        ("150", "", "Une promesse de payer porte une date."),
        ("150", "2026-11-23", "La date promise ne peut pas être passée."),
        ("150", "9999-12-31", "ne peut pas dépasser le 24/11/2028"),
        ("150", "2028-11-25", "ne peut pas dépasser le 24/11/2028"),
        ("150", "demain", "Date promise : Saisissez une date valide."),
    ],
)
def test_promesse_mal_saisie_refusee_en_francais_sans_rien_ecrire(
    client, clerc, appel_suivi, montant, date_promise, attendu
):
    client.force_login(clerc)
    reponse = client.post(
        reverse("relances_appel_resultat", args=[appel_suivi.pk]),
        {"resultat": "promesse", "promesse_date": date_promise, "promesse_montant": montant},
    )
    assert reponse.status_code == 302
    assert reponse.url.endswith(f"#appel-{appel_suivi.pk}")
    message = _messages(reponse)
    assert message.startswith("Rien n'a été enregistré.") and attendu in message, message
    appel_suivi.refresh_from_db()
    assert appel_suivi.resultat == "" and appel_suivi.promesse_montant is None
    assert appel_suivi.dossier.affectation_scenario.suspendu_jusqu_au is None
    assert not Evenement.objects.filter(action="relances.appel_resultat").exists()


def test_promesse_a_la_limite_des_plans_acceptee(client, clerc, appel_suivi):
    """Limite : la durée maximale des plans de l'étude (24 mois par défaut) ; au-delà, c'est
    un plan, pas une promesse."""
    client.force_login(clerc)
    client.post(
        reverse("relances_appel_resultat", args=[appel_suivi.pk]),
        {"resultat": "promesse", "promesse_date": "2028-11-24", "promesse_montant": "1 234,56"},
    )
    appel_suivi.refresh_from_db()
    assert appel_suivi.resultat == "promesse"
    assert appel_suivi.promesse_montant == Decimal("1234.56")
    assert appel_suivi.promesse_date == date(2028, 11, 24)


def test_la_limite_suit_la_politique_de_l_etude(client, clerc, appel_suivi):
    from relances.models import PolitiqueEcheancier

    PolitiqueEcheancier.objects.create(etude=clerc.etude, duree_max_mois=6)
    client.force_login(clerc)
    reponse = client.post(
        reverse("relances_appel_resultat", args=[appel_suivi.pk]),
        {"resultat": "promesse", "promesse_date": "2027-05-25", "promesse_montant": "100"},
    )
    assert "ne peut pas dépasser le 24/05/2027" in _messages(reponse)


@pytest.mark.parametrize(
    ("montant", "le"),
    [
        (Decimal("1e20"), date(2026, 12, 5)),
        (Decimal("Infinity"), date(2026, 12, 5)),
        (Decimal("NaN"), date(2026, 12, 5)),
        (Decimal("0.001"), date(2026, 12, 5)),
        (Decimal("150"), date(2030, 1, 1)),
    ],
)
def test_le_service_borne_la_promesse(clerc, appel_suivi, montant, le):
    from etude.errors import RegleMetier
    from relances.services.campagnes import appel_resultat_enregistrer

    with pytest.raises(RegleMetier):
        appel_resultat_enregistrer(
            acteur=clerc,
            appel=appel_suivi,
            resultat="promesse",
            promesse_date=le,
            promesse_montant=montant,
        )
    appel_suivi.refresh_from_db()
    assert appel_suivi.resultat == ""


# --- Mauvais numéro : les appels en attente vers ce numéro ---------------------------------


@pytest.fixture
def deux_dossiers_meme_numero(clerc, heures_ouvertes):
    """Un débiteur, deux dossiers, un appel en attente dans chacun vers le même mobile ; un
    troisième appel vers son fixe ; un autre débiteur au même numéro (autre personne)."""
    from dossiers.models import TelephoneDebiteur
    from tests.factories import creer_dossier

    premier = creer_dossier_joignable(acteur=clerc)
    debiteur = premier.debiteurs.first()
    second = creer_dossier(acteur=clerc, debiteurs=[debiteur], ouvert_le=date(2026, 11, 1))
    TelephoneDebiteur.objects.create(
        debiteur=debiteur, numero="+33140000000", mobile=False, consentement_appel=True
    )
    mobile = debiteur.telephones.get(mobile=True).numero
    autre = creer_dossier_joignable(acteur=clerc)
    TelephoneDebiteur.objects.create(
        debiteur=autre.debiteurs.first(), numero=mobile, consentement_appel=True
    )
    return {
        "appel": _appel(clerc=clerc, dossier=premier, telephone=mobile),
        "meme_numero": _appel(clerc=clerc, dossier=second, telephone=mobile),
        "fixe": _appel(clerc=clerc, dossier=second, telephone="+33140000000"),
        "autre_debiteur": _appel(clerc=clerc, dossier=autre, telephone=mobile),
    }


def test_mauvais_numero_ignore_les_appels_en_attente_vers_ce_numero(
    client, clerc, deux_dossiers_meme_numero
):
    appels = deux_dossiers_meme_numero
    client.force_login(clerc)
    avant = client.get(reverse("relances_appels")).content.decode()
    assert f'id="appel-{appels["meme_numero"].pk}"' in avant
    client.post(
        reverse("relances_appel_resultat", args=[appels["appel"].pk]),
        {"resultat": "mauvais_numero"},
    )
    for appel in appels.values():
        appel.refresh_from_db()
    assert appels["appel"].resultat == "mauvais_numero"
    ignore = appels["meme_numero"]
    assert ignore.resultat == "ignore" and ignore.traite_par == clerc
    assert ignore.commentaire.startswith("Mauvais numéro signalé le 24/11/2026 sur l'appel")
    assert appels["fixe"].resultat == "" and appels["autre_debiteur"].resultat == ""
    evenement = Evenement.objects.get(action="relances.appel_ignorer")
    assert evenement.dossier_id == ignore.dossier_id and evenement.acteur == clerc
    assert evenement.objet_id == str(ignore.pk) and evenement.apres["resultat"] == "ignore"
    principal = Evenement.objects.get(action="relances.appel_resultat")
    assert "1 autre(s) appel(s) en attente vers ce numéro ignoré(s)" in principal.libelle
    apres = client.get(reverse("relances_appels")).content.decode()
    assert f'id="appel-{ignore.pk}"' not in apres
    assert f'id="appel-{appels["fixe"].pk}"' in apres
    assert f'id="appel-{appels["autre_debiteur"].pk}"' in apres
    # Le clerc ne choisit jamais « ignoré » lui-même.
    assert 'value="ignore"' not in apres


@pytest.mark.parametrize(
    "changement", [{"opposition": True}, {"consentement_appel": False}], ids=str
)
def test_la_liste_d_appels_relit_consentement_et_opposition(
    client, clerc, deux_dossiers_meme_numero, changement
):
    from dossiers.models import TelephoneDebiteur

    appels = deux_dossiers_meme_numero
    TelephoneDebiteur.objects.filter(numero="+33140000000").update(**changement)
    client.force_login(clerc)
    contenu = client.get(reverse("relances_appels")).content.decode()
    assert f'id="appel-{appels["fixe"].pk}"' not in contenu
    assert "tel:+33140000000" not in contenu
    assert f'id="appel-{appels["appel"].pk}"' in contenu
    # « Mon bureau » compte et montre les mêmes appels que la liste.
    bureau = client.get(reverse("bureau")).context
    assert appels["fixe"].pk not in [a.pk for a in bureau["appels"]]
    assert appels["appel"].pk in [a.pk for a in bureau["appels"]]
    assert bureau["appels_comptes"]["aujourdhui"] == 3


# --- Contestation : la case du scénario, la fiche du dossier -------------------------------


@pytest.mark.parametrize("arret", [True, False], ids=["case cochée", "case décochée"])
def test_contestation_au_telephone_suit_la_case_du_scenario(client, clerc, appel_suivi, arret):
    scenario = appel_suivi.dossier.affectation_scenario.scenario
    scenario.arret_contestation = arret
    scenario.save(update_fields=["arret_contestation"])
    client.force_login(clerc)
    client.post(
        reverse("relances_appel_resultat", args=[appel_suivi.pk]), {"resultat": "contestation"}
    )
    appel_suivi.refresh_from_db()
    assert appel_suivi.resultat == "contestation"
    affectation = appel_suivi.dossier.affectation_scenario
    affectation.refresh_from_db()
    evenement = Evenement.objects.get(action="relances.appel_resultat")
    if arret:
        assert affectation.arret == "contestation" and affectation.arrete_le == MARDI
        assert "scénario arrêté : contestation à examiner" in evenement.libelle
    else:
        assert affectation.arret == "" and affectation.arrete_le is None
        assert "le scénario continue" in evenement.libelle


def test_case_decochee_la_campagne_suivante_continue(clerc, heures_ouvertes):
    """Contestation enregistrée, case décochée : l'étape suivante part quand même."""
    from relances.services.campagnes import campagne_lancer, contestation_enregistrer

    creer_scenario(etude=clerc.etude, arret_contestation=False)
    dossier = creer_dossier_joignable(acteur=clerc)
    campagne_lancer(etude=clerc.etude, le=date(2026, 11, 2))
    contestation_enregistrer(
        acteur=clerc, dossier=dossier, source="courrier", commentaire="Facture déjà réglée"
    )
    campagne_lancer(etude=clerc.etude, le=date(2026, 11, 10))
    assert list(Envoi.objects.order_by("le").values_list("canal", flat=True)) == [
        "lettre",
        "email",
    ]


@pytest.mark.parametrize("arret", [True, False], ids=["case cochée", "case décochée"])
def test_contestation_recue_depuis_la_fiche(client, clerc, appel_suivi, arret):
    dossier = appel_suivi.dossier
    scenario = dossier.affectation_scenario.scenario
    scenario.arret_contestation = arret
    scenario.save(update_fields=["arret_contestation"])
    client.force_login(clerc)
    fiche = client.get(dossier.get_absolute_url()).content.decode()
    assert "Contestation reçue" in fiche
    reponse = client.post(
        reverse("relances_dossier_contestation", args=[dossier.reference]),
        {"source": "accueil", "commentaire": "Le débiteur dit n'avoir jamais signé le contrat"},
    )
    assert reponse.status_code == 302 and reponse.url == dossier.get_absolute_url()
    affectation = dossier.affectation_scenario
    affectation.refresh_from_db()
    assert affectation.arret == ("contestation" if arret else "")
    evenement = Evenement.objects.get(action="relances.contestation")
    assert evenement.acteur == clerc and evenement.dossier_id == dossier.pk
    assert evenement.libelle.startswith(
        "Contestation reçue à l'accueil de l'étude : « Le débiteur dit n'avoir jamais signé"
    )
    assert evenement.apres["source"] == "accueil"
    assert ("scénario arrêté" in evenement.libelle) is arret
    assert ("le scénario est arrêté" if arret else "le scénario continue") in _messages(reponse)
    # L'appel en attente n'est pas touché : c'est la contestation qui est enregistrée.
    appel_suivi.refresh_from_db()
    assert appel_suivi.resultat == ""


def test_contestation_depuis_la_fiche_refusee_sans_motif_lecture_autre_etude(
    client, clerc, lecture, autre_etude, appel_suivi
):
    dossier = appel_suivi.dossier
    url = reverse("relances_dossier_contestation", args=[dossier.reference])
    client.force_login(clerc)
    assert client.get(url).status_code == 405
    reponse = client.post(url, {"source": "courrier", "commentaire": ""})
    assert "Contestation non enregistrée" in _messages(reponse)
    client.force_login(lecture)
    assert client.post(url, {"source": "courrier", "commentaire": "x"}).status_code == 403
    client.force_login(autre_etude)
    assert client.post(url, {"source": "courrier", "commentaire": "x"}).status_code == 404
    assert not Evenement.objects.filter(action="relances.contestation").exists()
    dossier.affectation_scenario.refresh_from_db()
    assert dossier.affectation_scenario.arret == ""
