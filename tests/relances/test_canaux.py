"""Canaux et règles : longueur des SMS (GSM-7 160 / UCS-2 70), adaptateur HTTP contre un faux
serveur local, heures de contact, discrétion des modèles, mentions R124-4 de la lettre."""

from __future__ import annotations

import json
import threading
from datetime import date, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.html import escape

from relances import sms
from relances.horaires import Horaires
from relances.lettres import L111_8_AL2, L111_8_AL3, donnees_lettres
from relances.models import EtapeScenario, Scenario

PARIS = ZoneInfo("Europe/Paris")


# --- SMS -------------------------------------------------------------------------------


def test_160_caracteres_gsm_font_un_sms_161_en_font_deux():
    assert sms.longueur("a" * 160) == sms.Longueur("GSM-7", 160, 1)
    assert sms.longueur("a" * 161) == sms.Longueur("GSM-7", 161, 2)
    # 3GPP TS 23.040 : segments concaténés de 153 septets.
    assert sms.longueur("a" * 306).segments == 2
    assert sms.longueur("a" * 307).segments == 3


def test_l_euro_compte_deux_septets_et_l_accent_circonflexe_force_l_ucs2():
    assert sms.longueur("€" * 80).segments == 1
    assert sms.longueur("€" * 81).segments == 2
    assert sms.longueur("ê" * 70) == sms.Longueur("UCS-2", 70, 1)
    assert sms.longueur("ê" * 71).segments == 2
    # « é », « è », « à » sont dans l'alphabet GSM.
    assert sms.longueur("éèàù").encodage == "GSM-7"


def test_ajuster_ramene_un_message_francais_dans_un_seul_sms():
    texte = (
        "Étude Martin : merci de nous rappeler au 01 23 45 67 89 (réf. 2026-000001), "
        "du lundi au samedi, de 8 h à 20 h. Nous sommes à votre écoute – « être » joint."
    )
    # « ê », « – », guillemets : UCS-2, 155 caractères en 3 segments de 67.
    assert sms.longueur(texte) == sms.Longueur("UCS-2", 155, 3)
    ajuste = sms.ajuster(texte)
    assert sms.longueur(ajuste).segments == 1
    assert "etre" in ajuste and "réf." in ajuste


class _FauxPrestataire(BaseHTTPRequestHandler):
    recus: list = []

    def do_POST(self):  # noqa: N802
        corps = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _FauxPrestataire.recus.append((dict(self.headers), corps))
        if self.headers["Authorization"] != "Bearer cle-secrete":
            self.send_response(401)
            self.end_headers()
            self.wfile.write(b'{"error": "cle invalide"}')
            return
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"id": "msg-42"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def faux_serveur():
    serveur = HTTPServer(("127.0.0.1", 0), _FauxPrestataire)
    fil = threading.Thread(target=serveur.serve_forever, daemon=True)
    fil.start()
    _FauxPrestataire.recus = []
    yield f"http://127.0.0.1:{serveur.server_port}/sms"
    serveur.shutdown()


def test_adaptateur_http_envoie_au_point_d_acces_avec_les_identifiants(faux_serveur):
    passerelle = sms.SMSHttp(url=faux_serveur, cle="cle-secrete", expediteur="ETUDE")
    identifiant = passerelle.envoyer(numero="+33612345678", texte="Bonjour", reference="envoi-7")
    assert identifiant == "msg-42"
    entetes, corps = _FauxPrestataire.recus[0]
    assert corps == {
        "to": "+33612345678",
        "from": "ETUDE",
        "text": "Bonjour",
        "reference": "envoi-7",
    }
    assert entetes["Idempotency-Key"] == "envoi-7"


def test_adaptateur_http_refus_du_prestataire_est_une_erreur_lisible(faux_serveur):
    passerelle = sms.SMSHttp(url=faux_serveur, cle="mauvaise")
    with pytest.raises(sms.ErreurSMS, match="HTTP 401"):
        passerelle.envoyer(numero="+33612345678", texte="Bonjour", reference="envoi-8")
    with pytest.raises(sms.ErreurSMS, match="injoignable"):
        sms.SMSHttp(url="http://127.0.0.1:9/sms", cle="x").envoyer(
            numero="+33612345678", texte="Bonjour", reference="envoi-9"
        )


# --- Heures de contact -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "ouvert"),
    [
        (datetime(2026, 11, 24, 8, 0), True),  # mardi 8 h
        (datetime(2026, 11, 24, 7, 59), False),
        (datetime(2026, 11, 24, 19, 59), True),
        (datetime(2026, 11, 24, 20, 0), False),
        (datetime(2026, 11, 28, 10, 0), True),  # samedi
        (datetime(2026, 11, 29, 10, 0), False),  # dimanche
        (datetime(2026, 11, 11, 10, 0), False),  # Armistice, férié
        (datetime(2026, 12, 25, 10, 0), False),  # Noël
    ],
)
def test_heures_de_contact_par_defaut(moment, ouvert):
    assert Horaires().ouvert(moment.replace(tzinfo=PARIS)) is ouvert


def test_prochaine_ouverture_saute_dimanche_et_ferie():
    samedi_soir = datetime(2026, 11, 7, 21, 0, tzinfo=PARIS)
    # Dimanche 8, lundi 9 ouvert.
    assert Horaires().prochaine_ouverture(samedi_soir) == datetime(2026, 11, 9, 8, 0, tzinfo=PARIS)
    veille_armistice = datetime(2026, 11, 10, 20, 30, tzinfo=PARIS)
    assert Horaires().prochaine_ouverture(veille_armistice) == datetime(
        2026, 11, 12, 8, 0, tzinfo=PARIS
    )
    # Alsace-Moselle : le 26 décembre est férié (C. trav. L3134-13).
    assert not Horaires(calendrier="alsace-moselle").jour_ouvert(date(2026, 12, 26))
    assert Horaires().jour_ouvert(date(2026, 12, 26))


# --- Discrétion ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "modele",
    [
        "Votre dette de {{ montant }} reste impayée.",
        "Rappelez-nous au sujet de votre créance.",
        "Solde dû pour {{ creancier }}",
    ],
)
def test_un_sms_qui_revele_la_dette_est_refuse(etude, modele):
    scenario = Scenario.objects.create(etude=etude, nom="S")
    etape = EtapeScenario(scenario=scenario, rang=1, apres_jours=0, canal="sms", modele=modele)
    with pytest.raises(ValidationError, match="tiers"):
        etape.full_clean()
    # La lettre, sous pli fermé, peut parler de la dette.
    EtapeScenario(
        scenario=scenario, rang=2, apres_jours=0, canal="lettre", modele=modele
    ).full_clean()


# --- Lettre R124-4 ---------------------------------------------------------------------


@pytest.mark.django_db
def test_la_premiere_lettre_porte_les_mentions_r124_4(clerc, heures_ouvertes, settings, tmp_path):
    """R124-4 : 1° l'étude, 2° le créancier, 3° fondement et montant en distinguant principal,
    intérêts et autres sommes, 4° invitation à payer et modalités, 5° L111-8 al. 2 et 3 ;
    la lettre suivante rappelle la référence et la date de la première."""
    from comptabilite.models import SoldeDossier
    from relances.lettres import lettres_du_jour
    from relances.models import Envoi
    from relances.services.campagnes import campagne_lancer, scenario_affecter

    from .conftest import creer_dossier_joignable, creer_scenario

    settings.MEDIA_ROOT = tmp_path
    scenario = creer_scenario(
        etude=clerc.etude,
        etapes=[{"apres_jours": 0, "canal": "lettre"}, {"apres_jours": 10, "canal": "lettre"}],
    )
    dossier = creer_dossier_joignable(acteur=clerc, titre=True, montant=Decimal("4250.00"))
    from comptabilite.services import grand_livre_ouvrir

    grand_livre_ouvrir(dossier=dossier)
    SoldeDossier.objects.filter(dossier=dossier).update(
        principal=Decimal("4250.00"),
        interets=Decimal("123.45"),
        frais=Decimal("800.00"),
        du=Decimal("5173.45"),
    )
    scenario_affecter(acteur=clerc, dossier=dossier, scenario=scenario, le=date(2026, 11, 2))
    campagne_lancer(etude=clerc.etude, le=date(2026, 11, 2))
    lettres_du_jour(etude_id=clerc.etude_id, le=date(2026, 11, 2))
    premiere = Envoi.objects.get()
    html = _html([premiere])
    etude = clerc.etude
    for mention in (
        etude.nom,
        etude.adresse,
        "Activité de recouvrement amiable",
        "Bailleur Habitat SA",  # 2° créancier
        "1 place du Marché",
        "Tribunal judiciaire de Marseille",  # 3° fondement
        "4\u202f250,00",  # principal
        "123,45",  # intérêts, distincts
        "800,00",  # autres sommes
        "5\u202f173,45",
        "Nous vous invitons à payer",  # 4°
        etude.iban_compte_affecte,
        L111_8_AL2,  # 5°
        L111_8_AL3,
    ):
        assert escape(mention) in html, mention
    assert "Rappel de notre lettre" not in html
    campagne_lancer(etude=clerc.etude, le=date(2026, 11, 12))
    lettres_du_jour(etude_id=clerc.etude_id, le=date(2026, 11, 12))
    seconde = Envoi.objects.exclude(pk=premiere.pk).get()
    assert seconde.etat == "envoye"
    assert f"Rappel de notre lettre {dossier.reference}/L{premiere.pk} du 02/11/2026" in _html(
        [seconde]
    )


def _html(envois):
    return render_to_string(
        "relances/lettres.html",
        {
            "etude": envois[0].etude,
            "le": envois[0].le,
            "lettres": donnees_lettres(envois),
            "l111_8_al2": L111_8_AL2,
            "l111_8_al3": L111_8_AL3,
        },
    )
