"""Routes des échéanciers (incluses à la racine par etude/urls.py)."""

from django.urls import path

from dossiers.urls import ReferenceConverter  # noqa: F401 - enregistre <reference:...>

from . import vues_echeanciers as vues

urlpatterns = [
    path(
        "dossiers/<reference:reference>/echeancier/",
        vues.echeancier_proposer,
        name="echeancier_proposer",
    ),
    path(
        "dossiers/<reference:reference>/echeancier/propositions/",
        vues.echeancier_propositions,
        name="echeancier_propositions",
    ),
    path(
        "dossiers/<reference:reference>/echeancier/accepter/",
        vues.echeancier_accepter,
        name="echeancier_accepter",
    ),
    path("echeanciers/", vues.echeanciers_liste, name="echeanciers_liste"),
    path("echeanciers/politique/", vues.politique_editer, name="echeanciers_politique"),
    path("echeanciers/<int:pk>/", vues.echeancier_detail, name="echeancier_detail"),
    path("echeanciers/<int:pk>/pdf/", vues.echeancier_pdf, name="echeancier_pdf"),
    path("echeanciers/<int:pk>/decider/", vues.echeancier_decider, name="echeancier_decider"),
    path(
        "echeanciers/<int:pk>/rapprocher/",
        vues.echeancier_rapprocher,
        name="echeancier_rapprocher",
    ),
    path(
        "echeanciers/<int:pk>/mise-en-demeure/",
        vues.echeancier_mettre_en_demeure,
        name="echeancier_mettre_en_demeure",
    ),
    path(
        "echeanciers/<int:pk>/mise-en-demeure.pdf",
        vues.echeancier_mise_en_demeure_pdf,
        name="echeancier_mise_en_demeure_pdf",
    ),
    path(
        "echeanciers/<int:pk>/decheance/",
        vues.echeancier_decheance,
        name="echeancier_decheance",
    ),
]
