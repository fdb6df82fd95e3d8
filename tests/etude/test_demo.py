"""`python manage.py demo` : idempotente, passe par les services, refuse la production."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dossiers.models import (
    AdresseDebiteur,
    Bien,
    CompteBancaire,
    Creancier,
    Debiteur,
    Dossier,
    DossierDebiteur,
    EmailDebiteur,
    Piece,
    TelephoneDebiteur,
    TitreExecutoire,
)
from etude import demo
from etude.models import Etude, Evenement, Role, Utilisateur

pytestmark = pytest.mark.django_db

MODELES = [
    Etude,
    Utilisateur,
    Creancier,
    Debiteur,
    Dossier,
    DossierDebiteur,
    TitreExecutoire,
    Piece,
    TelephoneDebiteur,
    EmailDebiteur,
    CompteBancaire,
    Bien,
    AdresseDebiteur,
    Evenement,
]


@pytest.fixture(autouse=True)
def reglages_rapides(settings, tmp_path):
    # Hachage rapide (le PBKDF2 de production coûte ~0,5 s par mot de passe) et pièces
    # écrites dans un dossier jetable.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = True


def _lancer(*args) -> str:
    sortie = StringIO()
    call_command("demo", *args, stdout=sortie)
    return sortie.getvalue()


def _compter() -> dict[str, int]:
    return {modele._meta.label: modele.objects.count() for modele in MODELES}


def test_une_seconde_execution_ne_change_rien_et_affiche_les_memes_identifiants():
    premiere = _lancer()
    apres_premiere = _compter()
    seconde = _lancer()
    assert _compter() == apres_premiere
    assert seconde == premiere
    assert apres_premiere["etude.Etude"] == 1
    # Les dossiers « ACTES-… » viennent de la démo des actes (un par type d'acte).
    des_actes = Dossier.objects.filter(reference_creancier__startswith="ACTES-").count()
    assert apres_premiere["dossiers.Dossier"] - des_actes == len(demo.DOSSIERS) >= 30
    for identifiant, *_ in demo.UTILISATEURS:
        assert f"{identifiant} " in premiere
    assert demo.MOT_DE_PASSE_DEMO in premiere


def test_un_utilisateur_par_role_avec_le_mot_de_passe_affiche():
    _lancer()
    etude = Etude.objects.get(nom=demo.NOM_ETUDE)
    etude.full_clean()  # SIRET (clé de Luhn) et IBAN valides
    assert etude.departement == "75"
    for role in Role.values:
        membres = Utilisateur.objects.filter(etude=etude, groups__name=role)
        assert membres.exists(), role
        assert all(u.check_password(demo.MOT_DE_PASSE_DEMO) for u in membres)
    assert Utilisateur.objects.filter(etude=etude, groups__name=Role.CLERC).count() == 2


def test_un_mot_de_passe_change_a_la_main_est_remis():
    _lancer()
    clerc = Utilisateur.objects.get(username="clerc1")
    clerc.set_password("autre-mot-de-passe-2026")
    clerc.save()
    _lancer()
    clerc.refresh_from_db()
    assert clerc.check_password(demo.MOT_DE_PASSE_DEMO)


def test_chaque_dossier_est_journalise_par_les_services():
    _lancer()
    for dossier in Dossier.objects.all():
        actions = set(dossier.evenements.values_list("action", flat=True))
        assert "dossier_ouvrir" in actions, dossier
        if dossier.phase == "judiciaire":
            assert "titre_enregistrer" in actions, dossier
    assert Evenement.objects.filter(action="dossier_assigner").exists()
    assert Evenement.objects.filter(action="debiteur_modifier").exists()
    assert Evenement.objects.filter(action="piece_ajouter").exists()
    # Aucun IBAN complet dans le journal.
    for evenement in Evenement.objects.filter(action="debiteur_coordonnees_ajouter"):
        for iban in evenement.apres.get("comptes", []):
            assert "****" in iban


def test_les_dossiers_sont_varies():
    _lancer()
    dossiers = Dossier.objects.all()
    assert {d.phase for d in dossiers} == {"amiable", "judiciaire"}
    assert len({d.nature for d in dossiers}) >= 5
    assert len(set(TitreExecutoire.objects.values_list("nature", flat=True))) >= 6
    assert dossiers.filter(complexe=True).exists()
    assert any(d.debiteurs.count() > 1 for d in dossiers)
    assert Debiteur.objects.filter(surendettement_statut="recevable").exists()
    assert Debiteur.objects.filter(vulnerable=True).exists()
    assert Debiteur.objects.filter(type_personne="morale").count() >= 3
    assert Creancier.objects.filter(agit_pour_besoins_professionnels=False).exists()
    assert Creancier.objects.filter(type_personne="physique").count() >= 2


def test_refuse_de_tourner_hors_debug_sans_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        _lancer()
    assert not Etude.objects.exists()
    assert "demo-etude-2026" in _lancer("--force")


def test_les_etapes_du_socle_viennent_en_premier():
    noms = [etape.nom for etape in demo.etapes()]
    assert noms[:5] == ["étude", "utilisateurs", "créanciers", "débiteurs", "dossiers"]
