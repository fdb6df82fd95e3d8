"""Fixtures des actes : un créancier et un débiteur à l'identité complète (CPC 648), et les
données de référence qu'un administrateur saisirait pour les types dont le tarif ou le texte
manque aux sources (montants et textes de test, marqués comme tels)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.factories import creer_creancier, creer_debiteur


@pytest.fixture
def creancier(etude):
    return creer_creancier(
        etude=etude,
        raison_sociale="Logis du Faubourg",
        forme_juridique="SA d'HLM",
        representant="M. Bertrand Vidal, directeur général",
        adresse="8 rue du Faubourg Saint-Antoine",
        code_postal="75011",
        ville="Paris",
    )


@pytest.fixture
def debiteur(etude):
    return creer_debiteur(
        etude=etude,
        nom="Lefèvre",
        prenoms="Julien Marc",
        adresse="14 rue des Acacias",
        code_postal="75017",
        ville="Paris",
        employeur_nom="Transports Marcel (SARL)",
        employeur_adresse="5 rue de l'Industrie, 93100 Montreuil",
    )


@pytest.fixture
def acteur(principal_clerc, commissaire):
    """Le principal clerc rédige ; le commissaire de l'étude signe (CPC 648 3°)."""
    commissaire.first_name, commissaire.last_name = "Marie", "Delorme"
    commissaire.save(update_fields=["first_name", "last_name"])
    return principal_clerc


MANQUANTS = [
    # (code, période) que les sources n'ont pas : saisie de test, montant fictif.
    ("pv-saisie-vente", "2024-03-01"),
    ("pv-carence", "2024-03-01"),
    ("pv-saisie-attribution", "2024-03-01"),
    ("5", "2024-03-01"),
    ("97-1", "2024-03-01"),
    ("97-3", "2024-03-01"),
    ("97-6", "2024-03-01"),
    ("commandement-quitter-lieux", "2024-03-01"),
    ("106", "2024-03-01"),
    ("130", "2024-03-01"),
]


def completer_tarif() -> None:
    """Ce qu'un administrateur saisirait : les émoluments absents des sources (montant de
    test : 10,00 €) et la confirmation des lignes à vérifier de la période 2024-2026."""
    from comptabilite import referentiel
    from comptabilite.models import EmolumentFixe, PeriodeTarifaire

    periode = PeriodeTarifaire.objects.get(debut=date(2024, 3, 1))
    for code, _ in MANQUANTS:
        EmolumentFixe.objects.get_or_create(
            periode=periode,
            code=code,
            defaults={
                "article": "test",
                "libelle": f"Émolument de test ({code})",
                "montant": Decimal("10.00"),
                "texte": "saisie de test",
                "source": "montant fictif des tests (aucune source)",
                "confiance": "OFF",
                "confirme": True,
            },
        )
    EmolumentFixe.objects.filter(periode=periode).update(confiance="OFF", confirme=True)
    referentiel.vider_cache()


@pytest.fixture
def tarif_complet(db):
    completer_tarif()


TEXTES_MANQUANTS = [
    "CPCE L412-1",
    "CPCE L111-3",
    "C. civ. 2238",
    "CPCE R121-6",
    "CPCE R121-8",
    "CPCE R121-9",
    "CPCE R121-10",
    "CPCE R212-1-5",
    "CPCE R212-1-6",
]


def completer_textes() -> None:
    """Les textes d'articles absents ou coupés dans les sources (texte de test)."""
    from actes.models import TexteArticle

    for code in TEXTES_MANQUANTS:
        TexteArticle.objects.update_or_create(
            code=code,
            version_du=date(2024, 1, 1),
            defaults={
                "libelle": f"Article {code} (texte de test)",
                "texte": f"Texte de test de l'article {code}, saisi par les tests.",
                "source": "tests",
                "complet": True,
            },
        )


@pytest.fixture
def textes_complets(db):
    completer_textes()


@pytest.fixture
def mener_acte(acteur, creancier, debiteur):
    """Mène le scénario de démonstration d'un type d'acte sur un dossier neuf."""
    from actes.demo import dossier_pour, mener

    def _mener(type_acte, **kwargs):
        dossier = dossier_pour(
            acteur=acteur, creancier=creancier, debiteur=debiteur, type_acte=type_acte
        )
        return mener(acteur=acteur, dossier=dossier, type_acte=type_acte, **kwargs)

    return _mener
