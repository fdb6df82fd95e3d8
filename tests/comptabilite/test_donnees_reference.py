"""Données de référence : fichiers sourcés, semis par migration, drapeau « confirmé »,
administration, cache."""

import json
from datetime import date
from decimal import Decimal as D

import pytest
from django.apps import apps as registre
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from comptabilite import chargement, models, referentiel
from comptabilite.interets import interets_legaux
from comptabilite.models import reference
from etude.errors import DonneeManquante

MODELES = [
    models.TauxInteretLegal,
    models.TauxBCE,
    models.BaremeSaisie,
    models.MontantRSA,
    models.PeriodeTarifaire,
    models.BaremeTarifaire,
    models.BaremeCoefficient,
    models.EmolumentFixe,
]
FICHIERS = sorted(p.name for p in chargement.DOSSIER.glob("*.json"))


@pytest.mark.parametrize("nom", FICHIERS)
def test_fichier_de_donnees_sans_nombre_flottant_et_chaque_ligne_sourcee(nom):
    def refuser_float(texte):
        raise AssertionError(f"{nom} : nombre flottant {texte} (écrire les montants en chaîne)")

    with (chargement.DOSSIER / nom).open(encoding="utf-8") as fichier:
        contenu = json.load(fichier, parse_float=refuser_float)
    assert contenu["description"]
    for ligne in contenu["lignes"]:
        assert ligne["texte"] and ligne["source"], ligne
        assert ligne["confiance"] in models.Confiance.values
        assert isinstance(ligne["confirme"], bool)
        # Seule une valeur officielle ou de deux sources concordantes est confirmée.
        assert not ligne["confirme"] or ligne["confiance"] in ("OFF", "2S"), ligne


@pytest.mark.django_db
def test_migration_seme_toutes_les_tables():
    comptes = {m.__name__: m.objects.count() for m in MODELES}
    assert comptes == {
        "TauxInteretLegal": 46,  # 2015-S1 à 2026-S1, deux catégories
        "TauxBCE": 15,
        "BaremeSaisie": 4,  # 2023 à 2026
        "MontantRSA": 5,
        "PeriodeTarifaire": 3,
        "BaremeTarifaire": 8,
        "BaremeCoefficient": 2,
        "EmolumentFixe": 48,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("modele", MODELES, ids=lambda m: m.__name__)
def test_chaque_ligne_semee_passe_full_clean(modele):
    for ligne in modele.objects.all():
        ligne.full_clean()


@pytest.mark.django_db
def test_valeurs_non_confirmees_semees_comme_telles():
    # argent.md § 9 : RSA 2026, tarif 2024 (A444-15, A444-31 fixe, A444-32 au-delà de 52 400 €).
    assert not models.MontantRSA.objects.get(debut=date(2026, 4, 1)).confirme
    assert set(
        models.BaremeTarifaire.objects.filter(confirme=False).values_list(
            "periode__debut", "article"
        )
    ) == {
        (date(2024, 3, 1), "A444-15"),
        (date(2024, 3, 1), "A444-31"),
        (date(2024, 3, 1), "A444-32"),
        (date(2021, 1, 1), "A444-32"),
    }
    assert not models.TauxBCE.objects.get(date_effet=date(2022, 12, 21)).confirme
    assert models.TauxInteretLegal.objects.filter(confirme=False).count() == 0


@pytest.mark.django_db
def test_la_base_refuse_de_confirmer_une_valeur_d_une_seule_source():
    ligne = models.TauxBCE.objects.get(date_effet=date(2022, 12, 21))
    ligne.confirme = True
    with pytest.raises(ValidationError):
        ligne.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        ligne.save()


@pytest.mark.django_db
def test_chargement_idempotent_et_le_fichier_fait_foi():
    models.TauxInteretLegal.objects.filter(
        semestre_debut=date(2016, 7, 1), categorie="particulier"
    ).update(taux=D("9.99"))
    chargement.charger(registre)
    chargement.charger(registre)
    assert models.TauxInteretLegal.objects.count() == 46
    assert models.EmolumentFixe.objects.count() == 48
    assert models.TauxInteretLegal.objects.get(
        semestre_debut=date(2016, 7, 1), categorie="particulier"
    ).taux == D("4.35")


@pytest.mark.parametrize(
    ("tranches", "cle"),
    [
        ([], "fraction"),
        ([{"jusqu_a": "100", "fraction": "1/20"}], "fraction"),  # dernière non ouverte
        ([{"jusqu_a": 100.5, "fraction": "1/20"}, {"jusqu_a": None, "fraction": "1"}], "fraction"),
        ([{"jusqu_a": "200", "taux": "1"}, {"jusqu_a": "100", "taux": "1"}], "taux"),
        ([{"jusqu_a": None, "fraction": "3/2"}], "fraction"),
    ],
)
def test_tranches_mal_formees_refusees(tranches, cle):
    with pytest.raises(ValidationError):
        reference._valider_tranches(tranches, cle=cle, valeur_nulle_permise=cle == "taux")


@pytest.mark.django_db
def test_periodes_tarifaires_ne_se_chevauchent_pas():
    periode = models.PeriodeTarifaire(
        debut=date(2026, 1, 1),
        fin=date(2027, 12, 31),
        texte="arrêté de test",
        source="test",
        confiance="OFF",
    )
    with pytest.raises(ValidationError, match="chevauche"):
        periode.full_clean()
    periode.debut = date(2026, 3, 1)
    periode.full_clean()


@pytest.mark.django_db
def test_semestre_mal_date_refuse():
    taux = models.TauxInteretLegal(
        semestre_debut=date(2026, 7, 2),
        categorie="autre",
        taux=D("2"),
        texte="t",
        source="s",
        confiance="OFF",
    )
    with pytest.raises(ValidationError, match="semestre"):
        taux.full_clean()


@pytest.mark.django_db
def test_le_cache_garde_les_valeurs_jusqu_a_ce_qu_on_le_vide():
    arguments = {"du": date(2016, 9, 1), "au": date(2016, 9, 30), "creancier_particulier": True}
    assert interets_legaux(D("2000.00"), **arguments).total == D("6.91")
    models.TauxInteretLegal.objects.filter(semestre_debut=date(2016, 7, 1)).delete()
    assert interets_legaux(D("2000.00"), **arguments).total == D("6.91")
    referentiel.vider_cache()
    with pytest.raises(DonneeManquante):
        interets_legaux(D("2000.00"), **arguments)


def test_toutes_les_tables_sont_dans_l_administration_avec_source_et_drapeau():
    for modele in MODELES:
        modele_admin = admin.site._registry[modele]
        assert "confirme" in modele_admin.list_display
        assert "source" in modele_admin.list_display
        assert "confirme" in modele_admin.list_filter


@pytest.mark.django_db
@pytest.mark.parametrize("modele", MODELES, ids=lambda m: m.__name__)
def test_pages_d_administration_s_affichent(admin_client, modele):
    nom = f"admin:comptabilite_{modele._meta.model_name}_changelist"
    reponse = admin_client.get(reverse(nom), {"confirme__exact": "0"})
    assert reponse.status_code == 200
    premier = modele.objects.first()
    reponse = admin_client.get(
        reverse(f"admin:comptabilite_{modele._meta.model_name}_change", args=[premier.pk])
    )
    assert reponse.status_code == 200


@pytest.mark.django_db
def test_enregistrer_dans_l_administration_vide_le_cache(admin_client):
    referentiel.taux_interet_legal(date(2016, 7, 1), "particulier")  # remplit le cache
    ligne = models.TauxInteretLegal.objects.get(
        semestre_debut=date(2016, 7, 1), categorie="particulier"
    )
    reponse = admin_client.post(
        reverse("admin:comptabilite_tauxinteretlegal_change", args=[ligne.pk]),
        {
            "semestre_debut": "2016-07-01",
            "categorie": "particulier",
            "taux": "4.36",
            "texte": ligne.texte,
            "source": ligne.source,
            "confiance": "OFF",
            "confirme": "on",
            "remarque": "",
        },
    )
    assert reponse.status_code == 302
    assert referentiel.taux_interet_legal(date(2016, 7, 1), "particulier").valeur == D("4.36")
