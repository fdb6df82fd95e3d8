"""Recherche (accents, casse, référence, créancier, ville, fautes) et pagination par clé."""

from decimal import Decimal

import pytest
from django.db import connection

from dossiers import recherche
from dossiers.models import Dossier
from dossiers.recherche import TRIS, distance_edition, paginer, rechercher
from tests.factories import creer_creancier, creer_debiteur, creer_dossier

pytestmark = pytest.mark.django_db

sur_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="tolérance aux fautes : pg_trgm et la table des mots (migration 0004)",
)


@pytest.fixture(params=["index_inverse", "expression_reguliere", "gin"])
def chemin(request, monkeypatch):
    """Sur PostgreSQL, chaque test passe par les trois chemins de `_par_mots` : l'index
    inversé (mots rares, étude connue), l'expression régulière (mots courants), le GIN
    (étude inconnue ou mots avec chiffres)."""
    if connection.vendor != "postgresql" and request.param != "index_inverse":
        pytest.skip("un seul chemin sur SQLite")
    if request.param == "expression_reguliere":
        monkeypatch.setattr(recherche, "SEUIL_FREQUENT", 0.0)
    elif request.param == "gin":
        monkeypatch.setattr(recherche, "_etude_de", lambda qs: None)
    return request.param


@pytest.fixture
def dossiers(clerc):
    etude = clerc.etude
    habitat = creer_creancier(etude=etude, raison_sociale="Habitat Côte d'Azur")
    particulier = creer_creancier(
        etude=etude, type_personne="physique", nom="Bérenger", prenoms="Hélène",
        raison_sociale="", forme_juridique="", agit_pour_besoins_professionnels=False,
    )  # fmt: skip
    lefevre = creer_debiteur(
        etude=etude, nom="Lefèvre", prenoms="Éloïse", civilite="Mme", ville="Nîmes",
        code_postal="30000",
    )  # fmt: skip
    dupont = creer_debiteur(etude=etude, nom="Dupont", prenoms="Jean", ville="Marseille")
    darcy = creer_debiteur(etude=etude, nom="D'Arcy", prenoms="Noé", ville="Saint-Étienne",
                           code_postal="42000")  # fmt: skip
    return {
        "lefevre": creer_dossier(acteur=clerc, creancier=habitat, debiteurs=[lefevre]),
        "dupont": creer_dossier(acteur=clerc, creancier=particulier, debiteurs=[dupont]),
        "solidaires": creer_dossier(
            acteur=clerc, creancier=habitat, debiteurs=[dupont, darcy], titre=False
        ),
    }


def _qs(utilisateur):
    return Dossier.objects.pour(utilisateur)


@pytest.mark.usefixtures("chemin")
@pytest.mark.parametrize("terme", ["LEFÈVRE", "lefevre", "Lefevre eloise", "ÉLOÏSE", "nimes"])
def test_recherche_ignore_accents_et_casse(clerc, dossiers, terme):
    assert rechercher(_qs(clerc), terme) == [dossiers["lefevre"]]


@pytest.mark.usefixtures("chemin")
def test_recherche_par_reference_met_le_dossier_en_tete(clerc, dossiers):
    dossier = dossiers["dupont"]
    assert rechercher(_qs(clerc), dossier.reference)[0] == dossier
    assert rechercher(_qs(clerc), str(dossier.numero))[0] == dossier
    debut = dossier.reference[:-1]
    assert dossier in rechercher(_qs(clerc), debut)


@pytest.mark.usefixtures("chemin")
def test_recherche_par_creancier_et_par_ville(clerc, dossiers):
    assert set(rechercher(_qs(clerc), "habitat")) == {dossiers["lefevre"], dossiers["solidaires"]}
    assert rechercher(_qs(clerc), "berenger helene") == [dossiers["dupont"]]
    assert rechercher(_qs(clerc), "saint-etienne") == [dossiers["solidaires"]]
    assert rechercher(_qs(clerc), "d'arcy") == [dossiers["solidaires"]]


@pytest.mark.usefixtures("chemin")
@pytest.mark.parametrize(
    "terme", ["Habitat Côte d'Azur (SA)", "habitat cote d azur", "HABITAT CÔTE D'AZ"]
)
def test_recherche_par_nom_complet_du_creancier_et_sa_forme(clerc, dossiers, terme):
    # La forme juridique n'est pas dans le texte des dossiers : seuls les créanciers la
    # portent ; le dernier mot saisi vaut début de mot (saisie en cours).
    attendus = [dossiers["solidaires"], dossiers["lefevre"]]
    assert rechercher(_qs(clerc), terme) == attendus


@pytest.mark.usefixtures("chemin")
def test_dossiers_du_creancier_avant_ceux_des_debiteurs_du_meme_nom(clerc, dossiers):
    etude = clerc.etude
    homonyme = creer_debiteur(etude=etude, nom="Bérenger", prenoms="Hélène", ville="Lyon")
    contre_homonyme = creer_dossier(
        acteur=clerc, creancier=dossiers["lefevre"].creancier, debiteurs=[homonyme]
    )
    assert rechercher(_qs(clerc), "helene berenger") == [dossiers["dupont"], contre_homonyme]


@pytest.mark.usefixtures("chemin")
def test_trop_de_creanciers_pour_les_mots_saisis_recherche_generale(clerc, dossiers, monkeypatch):
    monkeypatch.setattr(recherche, "CREANCIERS_MAX", 0)
    assert rechercher(_qs(clerc), "berenger helene") == [dossiers["dupont"]]
    attendus = [dossiers["solidaires"], dossiers["lefevre"]]
    assert rechercher(_qs(clerc), "habitat cote d azur") == attendus


def test_nom_de_recherche_du_creancier_tenu_a_jour(clerc):
    creancier = creer_creancier(etude=clerc.etude, raison_sociale="Énergie du Rhône")
    assert creancier.recherche == "energie du rhone sa"
    creancier.raison_sociale = "Énergie de Provence"
    creancier.save(update_fields=["raison_sociale"])
    creancier.refresh_from_db()
    assert creancier.recherche == "energie de provence sa"


@pytest.mark.usefixtures("chemin")
def test_recherche_exacte_avant_les_plus_recents(clerc, dossiers):
    # Deux dossiers contre Dupont : le plus récent d'abord.
    assert rechercher(_qs(clerc), "dupont") == [dossiers["solidaires"], dossiers["dupont"]]
    assert rechercher(_qs(clerc), "dupont", limite=1) == [dossiers["solidaires"]]
    assert rechercher(_qs(clerc), "   ") == []


@pytest.mark.usefixtures("chemin")
@sur_postgresql
@pytest.mark.parametrize("terme", ["Dupnot", "dupond", "dupon", "Dupont jaen"])
def test_recherche_tolere_une_faute_de_frappe(clerc, dossiers, terme):
    assert dossiers["dupont"] in rechercher(_qs(clerc), terme)


@pytest.mark.usefixtures("chemin")
@sur_postgresql
def test_debut_de_mot_et_faute_viennent_apres_les_exacts(clerc, dossiers):
    assert rechercher(_qs(clerc), "lef") == [dossiers["lefevre"]]
    assert rechercher(_qs(clerc), "lefevrr") == [dossiers["lefevre"]]
    assert rechercher(_qs(clerc), "zzzzzz") == []


def test_distance_edition():
    assert distance_edition("dupnot", "dupont") == 1
    assert distance_edition("lefevre", "lefebvre") == 1
    assert distance_edition("martin", "martin") == 0
    assert distance_edition("", "abc") == 3


@pytest.mark.usefixtures("chemin")
def test_recherche_ne_sort_jamais_de_l_etude(clerc, autre_etude, dossiers):
    intrus = creer_dossier(
        acteur=autre_etude,
        debiteurs=[creer_debiteur(etude=autre_etude.etude, nom="Lefèvre", prenoms="Éloïse")],
    )
    for terme in ["lefevre", "lefevr", "habitat", intrus.reference, str(intrus.numero)]:
        assert intrus not in rechercher(_qs(clerc), terme)
    assert rechercher(_qs(autre_etude), "lefevre") == [intrus]
    assert dossiers["lefevre"] not in rechercher(_qs(autre_etude), "lefevre")


@pytest.fixture
def beaucoup(clerc, principal_clerc):
    creancier = creer_creancier(etude=clerc.etude)
    debiteur = creer_debiteur(etude=clerc.etude)
    montants = [Decimal("100.00"), Decimal("250.50"), Decimal("250.50"), Decimal("9000.00")]
    crees = []
    for rang in range(23):
        crees.append(
            creer_dossier(
                acteur=clerc,
                creancier=creancier,
                debiteurs=[debiteur],
                montant=montants[rang % 4],
                titre=rang % 3 == 0,
                nature="loyers" if rang % 2 else "commerciale",
                clerc=principal_clerc if rang % 5 == 0 else None,
            )
        )
    return crees


def _toutes_les_pages(qs, tri, taille):
    vus, apres, pages = [], None, 0
    while True:
        page = paginer(qs, tri=tri, apres=apres, taille=taille)
        vus += page.objets
        pages += 1
        assert pages < 100
        if page.suivante is None:
            return vus
        apres = page.suivante


def _cle(tri):
    champ, desc = TRIS[tri]
    return lambda d: (getattr(d, champ), d.id), desc


@pytest.mark.parametrize("tri", list(TRIS))
@pytest.mark.parametrize(
    "filtre",
    [{}, {"statut": "ouvert"}, {"phase": "judiciaire"}, {"nature": "loyers"}, {"clerc": "moi"}],
)
def test_pagination_par_cle_rend_chaque_dossier_une_fois(clerc, beaucoup, tri, filtre):
    qs = _qs(clerc)
    if filtre.get("clerc") == "moi":
        qs = qs.filter(clerc=clerc)
    elif filtre:
        qs = qs.filter(**filtre)
    attendus = list(qs)
    for taille in (1, 4, 50):
        vus = _toutes_les_pages(qs, tri, taille)
        assert len(vus) == len({d.id for d in vus}) == len(attendus)
        cle, desc = _cle(tri)
        assert vus == sorted(attendus, key=cle, reverse=desc)


def test_pagination_curseur_invalide_repart_du_debut(clerc, beaucoup):
    page = paginer(_qs(clerc), tri="montant", apres="n'importe_quoi", taille=5)
    assert page.objets == paginer(_qs(clerc), tri="montant", taille=5).objets
    assert paginer(_qs(clerc), tri="inconnu", taille=5).tri == "recents"
