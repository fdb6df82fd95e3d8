"""Écrans des dossiers, par le client de test : liste, recherche, création, fiche, pièces."""

import re
from datetime import timedelta
from decimal import Decimal
from html import escape

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dossiers.models import (
    Creancier,
    Debiteur,
    Dossier,
    EmailDebiteur,
    Piece,
    TelephoneDebiteur,
    TitreExecutoire,
)
from etude.models import Evenement
from tests.factories import creer_creancier, creer_debiteur, creer_dossier

PDF_MINIMAL = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def client_clerc(client, clerc):
    client.force_login(clerc)
    return client


@pytest.fixture
def pieces_dans_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def donnees_creation(clerc, **surcharges) -> dict:
    """Un POST complet et valide du formulaire « Nouveau dossier »."""
    donnees = {
        "creancier-type_personne": "morale",
        "creancier-raison_sociale": "Bailleur Habitat",
        "creancier-forme_juridique": "SA",
        "creancier-siren": "",
        "creancier-adresse": "1 place du Marché",
        "creancier-code_postal": "69001",
        "creancier-ville": "Lyon",
        "creancier-pays": "France",
        "creancier-email": "contentieux@bailleur.example",
        "creancier-agit_pour_besoins_professionnels": "on",
        "creancier-iban": "FR76 3000 6000 0112 3456 7890 189",
        "debiteurs-TOTAL_FORMS": "1",
        "debiteurs-INITIAL_FORMS": "0",
        "debiteurs-MIN_NUM_FORMS": "1",
        "debiteurs-MAX_NUM_FORMS": "10",
        "debiteurs-0-type_personne": "physique",
        "debiteurs-0-civilite": "Mme",
        "debiteurs-0-nom": "Lefèvre",
        "debiteurs-0-prenoms": "Éloïse",
        "debiteurs-0-date_naissance": "12/04/1980",
        "debiteurs-0-lieu_naissance": "Nîmes",
        "debiteurs-0-nationalite": "française",
        "debiteurs-0-profession": "infirmière",
        "debiteurs-0-adresse": "3 rue des Lilas",
        "debiteurs-0-code_postal": "13001",
        "debiteurs-0-ville": "Marseille",
        "debiteurs-0-pays": "France",
        "debiteurs-0-telephone": "06 12 34 56 78",
        "debiteurs-0-consentement_sms": "on",
        "debiteurs-0-consentement_appel": "on",
        "debiteurs-0-courriel": "eloise@example.fr",
        "dossier-nature": "loyers",
        "dossier-montant_principal": "4 250,00",
        "dossier-reference_creancier": "LOC-2025-17",
        "dossier-clerc": str(clerc.pk),
        "dossier-avec_titre": "on",
        "titre-nature": "decision",
        "titre-date_titre": "14/03/2025",
        "titre-juridiction": "Tribunal judiciaire de Marseille",
        "titre-numero_rg": "25/01234",
        "titre-date_signification": "2025-04-02",
        "titre-date_force_executoire": "2025-04-02",
        "titre-montant_principal": "4250",
        "titre-montant_frais": "800,00",
        "titre-type_interets": "legal",
    }
    donnees.update(surcharges)
    return {cle: valeur for cle, valeur in donnees.items() if valeur is not None}


def rien_n_est_ecrit():
    assert Dossier.objects.count() == 0
    assert Creancier.objects.count() == 0
    assert Debiteur.objects.count() == 0
    assert TitreExecutoire.objects.count() == 0
    assert TelephoneDebiteur.objects.count() == 0
    assert Evenement.objects.count() == 0


# --- Chaque page s'affiche -----------------------------------------------------------


def test_chaque_page_s_affiche_pour_un_clerc(client_clerc, clerc):
    dossier = creer_dossier(acteur=clerc)
    debiteur = dossier.debiteurs.get()
    pages = [
        reverse("bureau"),
        reverse("dossier_liste"),
        reverse("dossier_liste")
        + "?statut=actifs&phase=judiciaire&nature=loyers&mes=on&tri=montant",
        reverse("dossier_recherche") + "?q=dupont",
        reverse("dossier_nouveau"),
        reverse("dossier_detail", args=[dossier.reference]),
        reverse("debiteur_modifier", args=[dossier.reference, debiteur.pk]),
        reverse("creancier_recherche") + "?creancier-q=bailleur",
        reverse("debiteur_recherche") + "?champ=debiteurs-0-existant&debiteurs-0-q=dup",
    ]
    for url in pages:
        reponse = client_clerc.get(url)
        assert reponse.status_code == 200, url
        assert "style=" not in reponse.content.decode(), url
        assert "<script>" not in reponse.content.decode(), url


def test_la_racine_mene_au_bureau_et_le_bureau_compte_mes_dossiers(client_clerc, clerc):
    from tests.factories import creer_utilisateur

    collegue = creer_utilisateur(etude=clerc.etude, role="clerc")
    creer_dossier(acteur=clerc)
    creer_dossier(acteur=clerc)
    creer_dossier(acteur=collegue)
    assert client_clerc.get("/").url == reverse("bureau")
    reponse = client_clerc.get(reverse("bureau"))
    assert reponse.context["chiffres"]["actifs"] == 2
    assert len(reponse.context["dossiers"]) == 2
    contenu = reponse.content.decode()
    assert "Mon bureau" in contenu
    assert escape(clerc.etude.nom) in contenu
    assert "Clerc aux procédures" in contenu
    assert "Dossier ouvert pour" in contenu


# --- Liste : pagination par clé, requêtes constantes ---------------------------------


def _requetes_liste(client) -> int:
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(reverse("dossier_liste"))
    assert reponse.status_code == 200
    return len(requetes)


def test_la_liste_fait_le_meme_nombre_de_requetes_pour_10_et_60_dossiers(
    client_clerc, clerc, django_assert_num_queries
):
    creancier = creer_creancier(etude=clerc.etude)
    for _ in range(10):
        creer_dossier(acteur=clerc, creancier=creancier)
    # Première page : la session (neuve) est réécrite ; les suivantes, à moins d'une minute,
    # ne la réécrivent pas (SessionGlissanteMiddleware). On compare deux pages au régime.
    _requetes_liste(client_clerc)
    nombre = _requetes_liste(client_clerc)
    for _ in range(50):
        creer_dossier(acteur=clerc, creancier=creancier)
    with django_assert_num_queries(nombre) as requetes:
        reponse = client_clerc.get(reverse("dossier_liste"))
    assert len(reponse.context["page"].objets) == 50
    assert reponse.context["lien_suivant"]
    assert not any("count(" in q["sql"].lower() for q in requetes.captured_queries)


def _requetes_recherche(client, terme: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(reverse("dossier_recherche") + f"?q={terme}")
    assert reponse.status_code == 200
    return len(requetes), len(reponse.context["resultats"])


def test_la_page_de_recherche_fait_le_meme_nombre_de_requetes_pour_2_et_12_resultats(
    client_clerc, clerc
):
    """Le clerc de chaque dossier est lu avec lui (la page en faisait une requête par ligne :
    60 requêtes pour 50 résultats au banc HTTP du million)."""
    creancier = creer_creancier(etude=clerc.etude)
    for _ in range(2):
        creer_dossier(
            acteur=clerc, creancier=creancier,
            debiteurs=[creer_debiteur(etude=clerc.etude, nom="Sarrazin")],
        )  # fmt: skip
    _requetes_recherche(client_clerc, "Sarrazin")  # première page : session, appareil OTP
    avant, trouves = _requetes_recherche(client_clerc, "Sarrazin")
    assert trouves == 2
    for _ in range(10):
        creer_dossier(
            acteur=clerc, creancier=creancier,
            debiteurs=[creer_debiteur(etude=clerc.etude, nom="Sarrazin")],
        )  # fmt: skip
    apres, trouves = _requetes_recherche(client_clerc, "Sarrazin")
    assert trouves == 12
    assert apres == avant


@pytest.mark.parametrize("seuil", [0.0, None], ids=["mot courant", "seuil par defaut"])
def test_la_page_de_recherche_cherche_sans_jointure(client_clerc, clerc, monkeypatch, seuil):
    """Les étapes de la recherche lisent les dossiers seuls ; créancier et clerc ne sont
    joints qu'aux résultats, lus par identifiant. Jointe, l'étape « mot courant » (seuil 0 :
    tout mot y passe) laissait PostgreSQL parcourir les dossiers créancier par créancier au
    lieu de les lire du plus récent au plus ancien : 6 à 9 s pour « Richard » à 1 M dossiers
    (bench/recherche_page.py), 35 ms sans jointure."""
    if seuil is not None:
        monkeypatch.setattr("dossiers.recherche.SEUIL_FREQUENT", seuil)
    creancier = creer_creancier(etude=clerc.etude)
    trouves = [
        creer_dossier(
            acteur=clerc,
            creancier=creancier,
            debiteurs=[creer_debiteur(etude=clerc.etude, nom="Sarrazin")],
        )  # fmt: skip
        for _ in range(3)
    ]
    creer_dossier(acteur=clerc, creancier=creancier)  # Dupont, ne doit pas sortir
    with CaptureQueriesContext(connection) as requetes:
        reponse = client_clerc.get(reverse("dossier_recherche"), {"q": "Sarrazin"})
    # Mêmes résultats, même ordre : du plus récent au plus ancien.
    assert [d.pk for d in reponse.context["resultats"]] == [d.pk for d in reversed(trouves)]
    assert reponse.content.decode().count(creancier.designation) == 3
    jointes = [q["sql"] for q in requetes.captured_queries if "dossiers_creancier" in q["sql"]]
    jointes = [sql for sql in jointes if 'FROM "dossiers_dossier"' in sql]
    assert len(jointes) == 1, jointes
    assert '"dossiers_dossier"."id" IN (' in jointes[0]


def test_page_suivante_par_curseur_sans_doublon(client_clerc, clerc):
    creancier = creer_creancier(etude=clerc.etude)
    for _ in range(55):
        creer_dossier(acteur=clerc, creancier=creancier)
    premiere = client_clerc.get(reverse("dossier_liste") + "?tri=reference")
    lien = premiere.context["lien_suivant"]
    assert "apres=" in lien and "tri=reference" in lien
    seconde = client_clerc.get(reverse("dossier_liste") + lien)
    refs_1 = [d.reference for d in premiere.context["page"].objets]
    refs_2 = [d.reference for d in seconde.context["page"].objets]
    assert len(refs_1) == 50 and len(refs_2) == 5
    assert refs_1 == sorted(refs_1) and not set(refs_1) & set(refs_2)
    assert seconde.context["lien_suivant"] is None
    assert "Page suivante" in premiere.content.decode()


def test_filtre_mes_dossiers(client_clerc, clerc, principal_clerc):
    a_moi = creer_dossier(acteur=clerc)
    creer_dossier(acteur=principal_clerc)
    reponse = client_clerc.get(reverse("dossier_liste") + "?mes=on")
    assert [d.pk for d in reponse.context["page"].objets] == [a_moi.pk]
    reponse = client_clerc.get(reverse("dossier_liste") + f"?clerc={principal_clerc.pk}")
    assert [d.clerc_id for d in reponse.context["page"].objets] == [principal_clerc.pk]


# --- Recherche -----------------------------------------------------------------------


def test_la_recherche_ignore_accents_et_casse(client_clerc, clerc):
    debiteur = creer_debiteur(etude=clerc.etude, nom="Lefèvre", prenoms="Éloïse")
    dossier = creer_dossier(acteur=clerc, debiteurs=[debiteur])
    creer_dossier(acteur=clerc)  # Dupont, ne doit pas sortir
    reponse = client_clerc.get(reverse("dossier_recherche"), {"q": "LEFEVRE eloise"})
    assert [d.pk for d in reponse.context["resultats"]] == [dossier.pk]
    # La même recherche en direct (htmx) rend le fragment seul.
    fragment = client_clerc.get(
        reverse("dossier_recherche"), {"q": "lefèvre"}, headers={"HX-Request": "true"}
    )
    contenu = fragment.content.decode()
    assert dossier.reference in contenu
    assert "<html" not in contenu
    assert "HX-Request" in fragment.get("Vary", "")


def test_une_reference_exacte_ouvre_le_dossier(client_clerc, clerc):
    dossier = creer_dossier(acteur=clerc)
    reponse = client_clerc.get(reverse("dossier_recherche"), {"q": dossier.reference})
    assert reponse.status_code == 302
    assert reponse.url == dossier.get_absolute_url()


@pytest.mark.postgres
def test_la_recherche_tolere_une_faute_de_frappe_sur_postgresql(client_clerc, clerc):
    if connection.vendor != "postgresql":
        pytest.skip("La tolérance aux fautes (pg_trgm) n'existe que sur PostgreSQL.")
    debiteur = creer_debiteur(etude=clerc.etude, nom="Lefèvre", prenoms="Éloïse")
    dossier = creer_dossier(acteur=clerc, debiteurs=[debiteur])
    reponse = client_clerc.get(reverse("dossier_recherche"), {"q": "Lefevbre"})
    assert dossier.pk in [d.pk for d in reponse.context["resultats"]]


# --- Création ------------------------------------------------------------------------


def test_creation_complete_en_un_formulaire(client_clerc, clerc):
    reponse = client_clerc.post(reverse("dossier_nouveau"), donnees_creation(clerc))
    assert reponse.status_code == 302, reponse.content.decode()[:3000]
    dossier = Dossier.objects.get()
    assert reponse.url == dossier.get_absolute_url()
    assert dossier.montant_principal == Decimal("4250.00")
    assert dossier.phase == "judiciaire"
    assert dossier.creancier.raison_sociale == "Bailleur Habitat"
    assert dossier.creancier.iban == "FR7630006000011234567890189"
    debiteur = dossier.debiteurs.get()
    assert debiteur.nom == "Lefèvre"
    telephone = TelephoneDebiteur.objects.get(debiteur=debiteur)
    assert telephone.numero == "+33612345678" and telephone.mobile and telephone.consentement_sms
    assert EmailDebiteur.objects.get(debiteur=debiteur).adresse == "eloise@example.fr"
    titre = dossier.titres.get()
    assert titre.montant_frais == Decimal("800.00")
    actions = set(Evenement.objects.filter(dossier=dossier).values_list("action", flat=True))
    assert {"dossier_ouvrir", "titre_enregistrer", "debiteur_telephone_ajouter"} <= actions
    fiche = client_clerc.get(reponse.url).content.decode()
    assert "4\u202f250,00\u00a0EUR" in fiche
    assert "14/03/2025" in fiche
    assert "02/04/2035" in fiche  # prescription décennale (CPCE L111-4)
    assert "+33612345678" in fiche


def test_creation_avec_creancier_et_debiteurs_existants(client_clerc, clerc):
    creancier = creer_creancier(etude=clerc.etude)
    premier = creer_debiteur(etude=clerc.etude, nom="Durand")
    donnees = donnees_creation(
        clerc,
        **{
            "creancier-existant": str(creancier.pk),
            "creancier-type_personne": None,
            "creancier-raison_sociale": None,
            "creancier-iban": "n'importe quoi : ignoré",
            "debiteurs-0-existant": str(premier.pk),
            "debiteurs-0-nom": None,
            "debiteurs-TOTAL_FORMS": "2",
            "debiteurs-1-type_personne": "morale",
            "debiteurs-1-raison_sociale": "Garage du Port",
            "debiteurs-1-forme_juridique": "SARL",
            "debiteurs-1-siren": "732 829 320 00074",
            "debiteurs-1-adresse": "2 quai Rambaud",
            "debiteurs-1-code_postal": "69002",
            "debiteurs-1-ville": "Lyon",
            "debiteurs-1-pays": "France",
            "dossier-avec_titre": None,
        },
    )
    reponse = client_clerc.post(reverse("dossier_nouveau"), donnees)
    assert reponse.status_code == 302, reponse.content.decode()[:3000]
    dossier = Dossier.objects.get()
    assert dossier.creancier == creancier
    noms = [p.debiteur.designation for p in dossier.parties.select_related("debiteur")]
    assert noms[0].endswith("DURAND") and noms[1] == "Garage du Port (SARL)"
    assert Debiteur.objects.get(raison_sociale="Garage du Port").siren == "732829320"
    assert dossier.phase == "amiable" and not dossier.titres.exists()
    assert Creancier.objects.count() == 1


@pytest.mark.parametrize(
    ("champ", "valeur", "message"),
    [
        ("creancier-iban", "FR76 1234 5678", "IBAN invalide"),
        ("creancier-siren", "732 829 320 00075", "la clé de contrôle est fausse"),
        ("debiteurs-0-code_postal", "1300", "5 chiffres"),
        ("debiteurs-0-telephone", "06 12 34", "téléphone"),
        ("debiteurs-0-courriel", "eloise-at-example", "adresse électronique valide"),
        ("creancier-email", "pas un courriel", "adresse électronique valide"),
        ("debiteurs-0-nom", "", "Le nom est obligatoire."),
        ("dossier-montant_principal", "0", "supérieur à 0"),
        ("dossier-montant_principal", "-12,50", "supérieur à 0"),
        ("dossier-montant_principal", "beaucoup", "Saisissez un montant"),
        ("titre-montant_principal", "-1", "négatif"),
        ("titre-date_titre", "futur", "ne peut pas être dans le futur"),
        ("titre-date_signification", "futur", "ne peut pas être dans le futur"),
        ("debiteurs-0-date_naissance", "futur", "doit être dans le passé"),
        ("titre-date_signification", "01/01/2024", "ne peut précéder le titre"),
        ("titre-type_interets", "contractuel", "Indiquez le taux contractuel"),
    ],
)
def test_une_saisie_invalide_est_signalee_sur_le_champ_et_rien_n_est_ecrit(
    client_clerc, clerc, champ, valeur, message
):
    if valeur == "futur":
        valeur = (timezone.localdate() + timedelta(days=3)).strftime("%d/%m/%Y")
    reponse = client_clerc.post(
        reverse("dossier_nouveau"), donnees_creation(clerc, **{champ: valeur})
    )
    assert reponse.status_code == 400
    contenu = reponse.content.decode()
    assert message in contenu
    # L'erreur est reliée au champ : aria-invalid et aria-describedby vers la liste d'erreurs.
    erreur_sur = {"titre-type_interets": "titre-taux_contractuel"}.get(champ, champ)
    assert f'id="id_{erreur_sur}_erreurs"' in contenu
    assert "aria-invalid" in contenu
    assert re.search(rf'aria-describedby="[^"]*id_{erreur_sur}_erreurs"', contenu)
    assert "Rien n'a été enregistré" in contenu
    rien_n_est_ecrit()


def test_une_erreur_du_service_annule_tout_ce_qui_precede(client_clerc, clerc, monkeypatch):
    """Créancier et débiteur sont créés avant l'ouverture : un refus à l'ouverture les annule."""

    def refus(**kwargs):
        raise ValidationError({"montant_principal": "Refus simulé du service."})

    monkeypatch.setattr("dossiers.creation.dossier_ouvrir", refus)
    reponse = client_clerc.post(reverse("dossier_nouveau"), donnees_creation(clerc))
    assert reponse.status_code == 400
    assert "Refus simulé du service." in reponse.content.decode()
    assert 'id="id_dossier-montant_principal_erreurs"' in reponse.content.decode()
    rien_n_est_ecrit()


def test_le_meme_debiteur_deux_fois_est_refuse(client_clerc, clerc):
    debiteur = creer_debiteur(etude=clerc.etude)
    donnees = donnees_creation(
        clerc,
        **{
            "debiteurs-TOTAL_FORMS": "2",
            "debiteurs-0-existant": str(debiteur.pk),
            "debiteurs-1-existant": str(debiteur.pk),
        },
    )
    reponse = client_clerc.post(reverse("dossier_nouveau"), donnees)
    assert reponse.status_code == 400
    assert "Le même débiteur est indiqué deux fois." in reponse.content.decode()
    assert Dossier.objects.count() == 0


def test_un_creancier_d_une_autre_etude_ne_peut_pas_etre_choisi(client_clerc, clerc, autre_etude):
    etranger = creer_creancier(etude=autre_etude.etude)
    reponse = client_clerc.post(
        reverse("dossier_nouveau"),
        donnees_creation(clerc, **{"creancier-existant": str(etranger.pk)}),
    )
    assert reponse.status_code == 400
    assert "pas une partie de votre étude" in reponse.content.decode()
    assert Dossier.objects.count() == 0


def test_ajouter_un_debiteur_sans_javascript(client_clerc, clerc):
    reponse = client_clerc.post(
        reverse("dossier_nouveau"), donnees_creation(clerc, ajouter_debiteur="1")
    )
    assert reponse.status_code == 200
    assert 'name="debiteurs-1-nom"' in reponse.content.decode()
    assert "Le dossier n'a pas été créé" not in reponse.content.decode()
    assert Dossier.objects.count() == 0


def test_autocompletion_du_creancier(client_clerc, clerc):
    creancier = creer_creancier(etude=clerc.etude, raison_sociale="Société Générale Immo")
    reponse = client_clerc.get(
        reverse("creancier_recherche"),
        {"champ": "creancier-existant", "creancier-q": "générale"},
        headers={"HX-Request": "true"},
    )
    contenu = reponse.content.decode()
    assert f'value="{creancier.pk}"' in contenu
    assert 'name="creancier-existant"' in contenu


# --- Fiche : pièces, débiteur, chronologie -------------------------------------------


def _verser(client, dossier, fichier):
    return client.post(
        reverse("piece_ajouter", args=[dossier.reference]),
        {"type_piece": "titre", "fichier": fichier},
    )


def test_verser_puis_telecharger_une_piece(client_clerc, clerc, pieces_dans_tmp):
    dossier = creer_dossier(acteur=clerc)
    reponse = _verser(
        client_clerc,
        dossier,
        SimpleUploadedFile("jugement.pdf", PDF_MINIMAL, content_type="application/pdf"),
    )
    assert reponse.status_code == 302
    piece = Piece.objects.get()
    telechargement = client_clerc.get(
        reverse("piece_telecharger", args=[dossier.reference, piece.pk])
    )
    assert telechargement.status_code == 200
    assert telechargement["Content-Disposition"].startswith("attachment")
    assert 'filename="jugement.pdf"' in telechargement["Content-Disposition"]
    assert b"".join(telechargement.streaming_content) == PDF_MINIMAL
    fiche = client_clerc.get(dossier.get_absolute_url()).content.decode()
    assert "Pièce versée" in fiche and "jugement.pdf" in fiche


def test_un_faux_pdf_est_refuse_sur_le_champ(client_clerc, clerc, pieces_dans_tmp):
    dossier = creer_dossier(acteur=clerc)
    reponse = _verser(
        client_clerc,
        dossier,
        SimpleUploadedFile(
            "jugement.pdf", b"MZ\x90\x00 ceci est un executable", "application/pdf"
        ),
    )
    assert reponse.status_code == 400
    contenu = reponse.content.decode()
    assert "ni un PDF ni une image" in contenu
    assert 'id="id_fichier_erreurs"' in contenu
    assert Piece.objects.count() == 0
    assert not list(pieces_dans_tmp.rglob("*.pdf"))


def test_un_fichier_de_20_mo_est_refuse(client_clerc, clerc, pieces_dans_tmp):
    dossier = creer_dossier(acteur=clerc)
    gros = SimpleUploadedFile(
        "scan.pdf", PDF_MINIMAL + b"0" * (20 * 1024 * 1024), content_type="application/pdf"
    )
    reponse = _verser(client_clerc, dossier, gros)
    assert reponse.status_code == 400
    assert "taille maximale de 10 Mo" in reponse.content.decode()
    assert Piece.objects.count() == 0
    assert not any(p.is_file() for p in pieces_dans_tmp.rglob("*"))


def test_modifier_un_debiteur_inscrit_avant_apres_a_la_chronologie(client_clerc, clerc):
    dossier = creer_dossier(acteur=clerc)
    debiteur = dossier.debiteurs.get()
    url = reverse("debiteur_modifier", args=[dossier.reference, debiteur.pk])
    formulaire = client_clerc.get(url).context["form"]
    donnees = {
        cle: ("" if valeur is None else valeur)
        for cle, valeur in formulaire.initial.items()
        if cle in formulaire.fields
    }
    donnees["date_naissance"] = "12/04/1980"
    donnees["profession"] = "boulanger"
    donnees["revenus_mensuels_nets"] = "1 850,00"
    donnees["vulnerable"] = ""
    reponse = client_clerc.post(url, donnees)
    assert reponse.status_code == 302, reponse.content.decode()[:2000]
    debiteur.refresh_from_db()
    assert debiteur.profession == "boulanger"
    evenement = Evenement.objects.get(action="debiteur_modifier")
    assert set(evenement.apres) == {"profession", "revenus_mensuels_nets"}
    fiche = client_clerc.get(dossier.get_absolute_url()).content.decode()
    assert "technicien" in fiche and "boulanger" in fiche  # avant -> après
    assert "revenus mensuels nets" in fiche


def test_modifier_un_debiteur_avec_une_erreur(client_clerc, clerc):
    dossier = creer_dossier(acteur=clerc)
    debiteur = dossier.debiteurs.get()
    url = reverse("debiteur_modifier", args=[dossier.reference, debiteur.pk])
    reponse = client_clerc.post(url, {"nom": "Dupont", "code_postal": "ABC", "pays": "France"})
    assert reponse.status_code == 400
    assert "5 chiffres" in reponse.content.decode()
    assert not Evenement.objects.filter(action="debiteur_modifier").exists()


def test_le_role_lecture_voit_mais_n_ecrit_pas(client, lecture, clerc):
    dossier = creer_dossier(acteur=clerc)
    client.force_login(lecture)
    assert client.get(dossier.get_absolute_url()).status_code == 200
    assert client.get(reverse("dossier_nouveau")).status_code == 403
    assert client.post(reverse("dossier_nouveau"), donnees_creation(clerc)).status_code == 403
    assert Dossier.objects.count() == 1


def test_fiche_mene_au_decompte_et_au_versement_selon_le_role(client, clerc, lecture):
    dossier = creer_dossier(acteur=clerc)
    decompte = reverse("comptabilite_decompte", args=[dossier.reference])
    versement = reverse("comptabilite_versement", args=[dossier.reference])
    releves = reverse("comptabilite_releves")
    client.force_login(clerc)
    contenu = client.get(dossier.get_absolute_url()).content.decode()
    assert f'href="{decompte}"' in contenu and f'href="{versement}"' in contenu
    assert f'href="{releves}"' in contenu  # entrée « Comptabilité » de la navigation
    client.force_login(lecture)
    contenu = client.get(dossier.get_absolute_url()).content.decode()
    assert f'href="{decompte}"' in contenu
    assert f'href="{versement}"' not in contenu and f'href="{releves}"' not in contenu


def test_creation_avec_creancier_personne_physique_identite_648(client_clerc, clerc):
    """CPC 648 2° a : profession, nationalité, date et lieu de naissance du créancier personne
    physique, saisis à la création du dossier, enregistrés et montrés sur la fiche."""
    reponse = client_clerc.post(
        reverse("dossier_nouveau"),
        donnees_creation(
            clerc,
            **{
                "creancier-type_personne": "physique",
                "creancier-civilite": "M.",
                "creancier-nom": "Garnier",
                "creancier-prenoms": "Paul",
                "creancier-raison_sociale": None,
                "creancier-forme_juridique": None,
                "creancier-profession": "ébéniste",
                "creancier-nationalite": "belge",
                "creancier-date_naissance": "05/11/1959",
                "creancier-lieu_naissance": "Liège (Belgique)",
                "creancier-agit_pour_besoins_professionnels": None,
            },
        ),
    )
    assert reponse.status_code == 302, reponse.content.decode()[:3000]
    creancier = Dossier.objects.get().creancier
    assert creancier.type_personne == "physique"
    assert creancier.profession == "ébéniste"
    assert creancier.nationalite == "belge"
    assert creancier.date_naissance.isoformat() == "1959-11-05"
    assert creancier.lieu_naissance == "Liège (Belgique)"
    assert creancier.creancier_particulier
    fiche = client_clerc.get(reponse.url).content.decode()
    assert "05/11/1959" in fiche
    assert escape("Liège (Belgique)") in fiche
    assert "ébéniste" in fiche and "belge" in fiche


def test_completer_l_identite_648_d_un_creancier_existant(client_clerc, clerc):
    """Un créancier personne physique enregistré sans les éléments de CPC 648 2° a se complète
    depuis le dossier ; chaque dossier du créancier en garde la trace (avant/après)."""
    creancier = creer_creancier(
        etude=clerc.etude,
        type_personne="physique",
        civilite="Mme",
        nom="Moreau",
        prenoms="Hélène",
        raison_sociale="",
        forme_juridique="",
        agit_pour_besoins_professionnels=False,
    )
    dossier = creer_dossier(acteur=clerc, creancier=creancier)
    autre = creer_dossier(acteur=clerc, creancier=creancier)
    url = reverse("creancier_modifier", args=[dossier.reference])
    assert url in client_clerc.get(dossier.get_absolute_url()).content.decode()
    formulaire = client_clerc.get(url).context["form"]
    assert "iban" not in formulaire.fields and "agit_pour_besoins_professionnels" not in (
        formulaire.fields
    )
    donnees = {
        cle: ("" if valeur is None else valeur)
        for cle, valeur in formulaire.initial.items()
        if cle in formulaire.fields
    }
    donnees.update(
        profession="professeure retraitée",
        nationalite="française",
        date_naissance="09/02/1951",
        lieu_naissance="Angers",
    )
    reponse = client_clerc.post(url, donnees)
    assert reponse.status_code == 302, reponse.content.decode()[:2000]
    creancier.refresh_from_db()
    assert creancier.profession == "professeure retraitée"
    assert creancier.date_naissance.isoformat() == "1951-02-09"
    assert not creancier.agit_pour_besoins_professionnels  # inchangé
    evenements = Evenement.objects.filter(action="creancier_modifier")
    assert {e.dossier_id for e in evenements} == {dossier.pk, autre.pk}
    assert set(evenements.first().apres) == {
        "profession",
        "nationalite",
        "date_naissance",
        "lieu_naissance",
    }
    fiche = client_clerc.get(dossier.get_absolute_url()).content.decode()
    assert "09/02/1951" in fiche and "Angers" in fiche


def test_modifier_un_creancier_refuse_une_naissance_future_sans_rien_ecrire(client_clerc, clerc):
    dossier = creer_dossier(
        acteur=clerc,
        creancier=creer_creancier(
            etude=clerc.etude,
            type_personne="physique",
            nom="Garnier",
            raison_sociale="",
            forme_juridique="",
        ),
    )
    url = reverse("creancier_modifier", args=[dossier.reference])
    reponse = client_clerc.post(
        url, {"nom": "Garnier", "pays": "France", "date_naissance": "01/01/2999"}
    )
    assert reponse.status_code == 400
    assert "dans le passé" in reponse.content.decode()
    assert not Evenement.objects.filter(action="creancier_modifier").exists()
    assert dossier.creancier.__class__.objects.get(pk=dossier.creancier_id).date_naissance is None
