"""Consentements et oppositions réglés à la main depuis la fiche du dossier (RGPD art. 21) :
le clerc donne ou retire un consentement, pose ou lève une opposition, avec un motif et une
source ; chaque changement laisse son événement (avant/après) sur le dossier ; rien n'est
écrit si rien ne change ; lever une opposition demande une confirmation ; la campagne
suivante suit la volonté enregistrée."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dossiers.models import EmailDebiteur, TelephoneDebiteur
from etude.errors import RegleMetier
from etude.models import Evenement
from relances.models import Envoi
from relances.services.campagnes import campagne_lancer
from relances.services.coordonnees import courriel_regler, telephone_regler
from tests.factories import creer_debiteur, creer_dossier
from tests.securite.outils import compter_lignes

from .conftest import creer_dossier_joignable, creer_scenario

pytestmark = pytest.mark.django_db
J0 = date(2026, 11, 24)
COURRIEL_IGNORE = "Courriel sans consentement ou avec opposition"


def _client(utilisateur) -> Client:
    client = Client()
    client.force_login(utilisateur)
    return client


def _poster_courriel(client, dossier, courriel, **champs):
    donnees = {f"courriel-{courriel.pk}-{cle}": valeur for cle, valeur in champs.items()}
    return client.post(reverse("courriel_regler", args=[dossier.reference, courriel.pk]), donnees)


def _opposer(acteur, dossier, courriel, *, opposition=True, motif="x", source="lettre", **autres):
    """Le service des courriels, consentement inchangé sauf indication."""
    return courriel_regler(
        acteur=acteur,
        dossier=dossier,
        courriel=courriel,
        consentement=autres.pop("consentement", None),
        opposition=opposition,
        motif=motif,
        source=source,
        **autres,
    )


def _messages(reponse) -> list[str]:
    return [str(m) for m in get_messages(reponse.wsgi_request)]


@pytest.fixture
def dossier(clerc):
    return creer_dossier_joignable(acteur=clerc)


@pytest.fixture
def courriel(dossier):
    return EmailDebiteur.objects.get(debiteur__parties__dossier=dossier)


@pytest.fixture
def telephone(dossier):
    return TelephoneDebiteur.objects.get(debiteur__parties__dossier=dossier)


def test_opposition_posee_a_la_main_puis_levee_la_campagne_suit(
    clerc, heures_ouvertes, django_capture_on_commit_callbacks
):
    """Effet réel : après l'opposition reçue par lettre, l'étape courriel suivante est ignorée
    avec le motif existant ; après la levée confirmée, la campagne écrit de nouveau."""
    creer_scenario(
        etude=clerc.etude,
        etapes=[
            {"apres_jours": 0, "canal": "email", "objet": "Message", "modele": "Rappelez."}
            for _ in range(3)
        ],
    )
    dossier = creer_dossier_joignable(acteur=clerc)
    courriel = EmailDebiteur.objects.get(debiteur__parties__dossier=dossier)

    def lancer(le):
        with django_capture_on_commit_callbacks(execute=True):
            campagne_lancer(etude=clerc.etude, le=le)

    lancer(J0)
    assert Envoi.objects.get(etape__rang=1).etat == "envoye"
    assert len(mail.outbox) == 1

    client = _client(clerc)
    reponse = _poster_courriel(
        client,
        dossier,
        courriel,
        consentement="on",
        opposition="on",
        motif="opposition reçue par lettre du 12/11",
        source="lettre",
    )
    assert reponse.status_code == 302
    assert reponse.url == f"{dossier.get_absolute_url()}#debiteurs"
    assert _messages(reponse) == [f"Opposition aux courriels posée sur {courriel.adresse}."]
    courriel.refresh_from_db()
    assert courriel.opposition is True and courriel.consentement is True

    lancer(J0 + timedelta(days=1))
    second = Envoi.objects.get(etape__rang=2)
    assert (second.etat, second.motif, second.destinataire) == ("ignore", COURRIEL_IGNORE, "")
    assert len(mail.outbox) == 1

    reponse = _poster_courriel(
        _client(clerc),
        dossier,
        courriel,
        consentement="on",
        motif="réabonnement demandé par le débiteur",
        source="appel",
        confirmer_levee="on",
    )
    assert reponse.status_code == 302
    assert _messages(reponse) == [f"Opposition aux courriels levée sur {courriel.adresse}."]

    lancer(J0 + timedelta(days=2))
    troisieme = Envoi.objects.get(etape__rang=3)
    assert (troisieme.etat, troisieme.destinataire) == ("envoye", courriel.adresse)
    assert len(mail.outbox) == 2 and mail.outbox[-1].to == [courriel.adresse]
    actions = list(
        Evenement.objects.filter(dossier=dossier, objet_type="dossiers.EmailDebiteur")
        .order_by("id")
        .values_list("action", "avant", "apres")
    )
    assert actions == [
        ("relances.courriel_opposition", {"opposition": False}, {"opposition": True}),
        ("relances.courriel_opposition", {"opposition": True}, {"opposition": False}),
    ]


def test_service_un_evenement_par_changement_avec_avant_apres_puis_rejeu_sans_ecriture(
    clerc, dossier, telephone
):
    assert (telephone.consentement_sms, telephone.consentement_appel) == (True, True)
    demande = {
        "acteur": clerc,
        "dossier": dossier,
        "telephone": telephone,
        "consentement_sms": False,
        "consentement_appel": False,
        "opposition": True,
        "motif": "opposition reçue par lettre du 12/11",
        "source": "lettre",
    }
    evenements = telephone_regler(**demande)
    assert [(e.action, e.avant, e.apres) for e in evenements] == [
        (f"relances.telephone_{champ}", {champ: avant}, {champ: not avant})
        for champ, avant in (
            ("consentement_sms", True),
            ("consentement_appel", True),
            ("opposition", False),
        )
    ]
    for evenement in evenements:
        evenement.refresh_from_db()
        assert evenement.acteur_id == clerc.pk
        assert evenement.acteur_libelle == (clerc.get_full_name() or clerc.username)
        assert evenement.dossier_id == dossier.pk and evenement.etude_id == clerc.etude_id
        assert evenement.objet_type == "dossiers.TelephoneDebiteur"
        assert evenement.objet_id == str(telephone.pk)
        assert evenement.horodatage is not None
    assert evenements[2].libelle == (
        f"Opposition à tout contact posée sur {telephone.numero} : « opposition reçue par "
        "lettre du 12/11 » (source : lettre du débiteur)"
    )
    telephone.refresh_from_db()
    assert (telephone.consentement_sms, telephone.consentement_appel, telephone.opposition) == (
        False,
        False,
        True,
    )

    # Même demande rejouée (double clic, retour arrière) : ni ligne, ni mise à jour.
    avant = compter_lignes()
    with CaptureQueriesContext(connection) as requetes:
        rejoue = telephone_regler(**demande)
    assert rejoue == []
    assert compter_lignes() == avant
    ecritures = [
        q["sql"] for q in requetes if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]
    assert ecritures == []


def test_lever_une_opposition_sans_confirmation_est_refuse(clerc, dossier, courriel):
    _opposer(
        clerc, dossier, courriel, opposition=True, motif="plainte reçue", source="prestataire"
    )
    client = _client(clerc)  # connexion (journal d'axes) avant le compte
    avant = compter_lignes()
    with pytest.raises(RegleMetier, match="cochez la case de confirmation"):
        _opposer(
            clerc,
            dossier,
            courriel,
            opposition=False,
            motif="plainte enregistrée par erreur",
            source="erreur",
        )
    # La vue : page du dossier en 400, la case et le message, rien d'écrit.
    reponse = _poster_courriel(
        client,
        dossier,
        courriel,
        consentement="on",
        motif="plainte enregistrée par erreur",
        source="erreur",
    )
    assert reponse.status_code == 400
    html = reponse.content.decode()
    assert "Je confirme lever l&#x27;opposition" in html
    assert "cochez la case de confirmation" in html
    assert compter_lignes() == avant
    courriel.refresh_from_db()
    assert courriel.opposition is True


def test_motif_manquant_message_et_rien_d_ecrit(clerc, dossier, courriel):
    client = _client(clerc)
    avant = compter_lignes()
    reponse = _poster_courriel(
        client, dossier, courriel, consentement="", opposition="on", source="lettre"
    )
    assert reponse.status_code == 400
    assert _messages(reponse) == [
        f"{courriel.adresse} : rien n'a été changé, corrigez le formulaire ci-dessous."
    ]
    html = reponse.content.decode()
    assert "Indiquez le motif du changement." in html
    assert '<details class="coordonnee" open>' in html
    assert compter_lignes() == avant
    courriel.refresh_from_db()
    assert (courriel.consentement, courriel.opposition) == (True, False)
    # Le service refuse aussi un motif vide (fait d'espaces).
    with pytest.raises(RegleMetier, match="motif"):
        _opposer(clerc, dossier, courriel, opposition=True, motif="   ", source="lettre")


def test_autre_etude_404_lecture_403_rien_d_ecrit(
    clerc, lecture, autre_etude, dossier, courriel, telephone
):
    donnees = {
        f"telephone-{telephone.pk}-opposition": "on",
        f"telephone-{telephone.pk}-motif": "opposition reçue par lettre du 12/11",
        f"telephone-{telephone.pk}-source": "lettre",
    }
    url_telephone = reverse("telephone_regler", args=[dossier.reference, telephone.pk])
    intrus, lecteur, proprietaire = _client(autre_etude), _client(lecture), _client(clerc)
    avant = compter_lignes()
    assert intrus.post(url_telephone, donnees).status_code == 404
    assert lecteur.post(url_telephone, donnees).status_code == 403
    assert proprietaire.get(url_telephone).status_code == 405
    assert (
        _poster_courriel(
            intrus, dossier, courriel, opposition="on", motif="x", source="lettre"
        ).status_code
        == 404
    )
    assert compter_lignes() == avant
    telephone.refresh_from_db()
    courriel.refresh_from_db()
    assert telephone.opposition is False and courriel.opposition is False
    # Le service refuse aussi, même appelé directement.
    with pytest.raises(RegleMetier):
        _opposer(autre_etude, dossier, courriel, opposition=True, motif="x", source="lettre")


def test_coordonnee_d_un_debiteur_hors_du_dossier_404(clerc, dossier):
    """Même étude, mais le courriel d'un débiteur d'un autre dossier : pas par cette fiche."""
    autre = creer_debiteur(etude=clerc.etude, nom="Ailleurs")
    creer_dossier(acteur=clerc, debiteurs=[autre])
    etranger = EmailDebiteur.objects.create(debiteur=autre, adresse="ailleurs@exemple.fr")
    reponse = _poster_courriel(
        _client(clerc), dossier, etranger, opposition="on", motif="x", source="lettre"
    )
    assert reponse.status_code == 404
    etranger.refresh_from_db()
    assert etranger.opposition is False
    with pytest.raises(RegleMetier, match="pas celle d'un débiteur de ce dossier"):
        _opposer(clerc, dossier, etranger, opposition=True, motif="x", source="lettre")


def test_consentement_donne_au_telephone_et_sms_refuse_sur_un_fixe(clerc):
    dossier = creer_dossier_joignable(acteur=clerc, consentement=False)
    courriel = EmailDebiteur.objects.get(debiteur__parties__dossier=dossier)
    fixe = TelephoneDebiteur.objects.create(
        debiteur=courriel.debiteur, numero="+33140000000", mobile=False
    )
    client = _client(clerc)
    reponse = _poster_courriel(
        client,
        dossier,
        courriel,
        consentement="on",
        motif="consentement donné au téléphone le 20/11",
        source="appel",
    )
    assert reponse.status_code == 302
    assert _messages(reponse) == [f"Consentement aux courriels donné pour {courriel.adresse}."]
    courriel.refresh_from_db()
    assert courriel.consentement is True
    evenement = Evenement.objects.get(action="relances.courriel_consentement")
    assert (evenement.avant, evenement.apres) == ({"consentement": False}, {"consentement": True})
    assert "« consentement donné au téléphone le 20/11 » (source : appel du débiteur)" in (
        evenement.libelle
    )
    # Un fixe : pas de case SMS sur la fiche, et le service refuse un consentement aux SMS.
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert f'name="telephone-{fixe.pk}-consentement_appel"' in page
    assert f'name="telephone-{fixe.pk}-consentement_sms"' not in page
    with pytest.raises(RegleMetier, match="pas un mobile"):
        telephone_regler(
            acteur=clerc,
            dossier=dossier,
            telephone=fixe,
            consentement_sms=True,
            consentement_appel=None,
            opposition=None,
            motif="x",
            source="appel",
        )


def test_la_fiche_montre_les_formulaires_au_clerc_pas_au_role_lecture(
    clerc, lecture, dossier, courriel, telephone
):
    url_courriel = reverse("courriel_regler", args=[dossier.reference, courriel.pk])
    url_telephone = reverse("telephone_regler", args=[dossier.reference, telephone.pk])
    page = _client(clerc).get(dossier.get_absolute_url()).content.decode()
    assert f'action="{url_courriel}"' in page and f'action="{url_telephone}"' in page
    assert "csrfmiddlewaretoken" in page
    page = _client(lecture).get(dossier.get_absolute_url()).content.decode()
    assert url_courriel not in page and url_telephone not in page
